//===- FFNOpsTest.cpp - ffn op builders, accessors and folds --------------===//

#include "ffn/Dialect/FFN/IR/FFNOps.h"
#include "ffn/Registration.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Verifier.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::ffn;

namespace {

class FFNOpsTest : public ::testing::Test {
protected:
  FFNOpsTest() : builder(&context) {
    context.loadDialect<FFNDialect, func::FuncDialect>();
    module = ModuleOp::create(builder.getUnknownLoc());
    builder.setInsertionPointToStart(module->getBody());
  }

  /// A block argument standing for a tensor of the given shape.
  Value value(ArrayRef<int64_t> shape) {
    if (!entry) {
      auto func = func::FuncOp::create(builder, builder.getUnknownLoc(), "f",
                                       builder.getFunctionType({}, {}));
      entry = func.addEntryBlock();
      builder.setInsertionPointToStart(entry);
    }
    return entry->addArgument(
        RankedTensorType::get(shape, builder.getF32Type()),
        builder.getUnknownLoc());
  }

  /// A gated RMSNorm block of hidden size 8 and width `f`.
  FFNBlockOp makeBlock(int64_t f, bool downBias = false) {
    Value x = value({2, 8});
    return FFNBlockOp::create(
        builder, builder.getUnknownLoc(), x.getType(), x, NormKind::rms,
        value({8}), /*norm_bias=*/Value(), llvm::APFloat(1e-5f),
        /*unit_offset=*/false, value({8, f}), /*gate_bias=*/Value(),
        value({8, f}), /*up_bias=*/Value(), value({f, 8}),
        downBias ? value({8}) : Value(), Activation::silu);
  }

  MLIRContext context;
  OpBuilder builder;
  OwningOpRef<ModuleOp> module;
  Block *entry = nullptr;
};

TEST_F(FFNOpsTest, BuiltBlockVerifiesAndReportsItsShape) {
  FFNBlockOp block = makeBlock(16);
  EXPECT_TRUE(succeeded(verify(block)));
  EXPECT_TRUE(block.isGated());
  EXPECT_EQ(block.getWidth(), 16);
}

TEST_F(FFNOpsTest, ZeroWidthBlockFoldsToItsInput) {
  FFNBlockOp block = makeBlock(0);
  SmallVector<OpFoldResult> results;
  ASSERT_TRUE(succeeded(block->fold(results)));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(dyn_cast<Value>(results[0]), block.getInput());
}

TEST_F(FFNOpsTest, ZeroWidthBlockWithDownBiasDoesNotFold) {
  FFNBlockOp block = makeBlock(0, /*downBias=*/true);
  SmallVector<OpFoldResult> results;
  EXPECT_TRUE(failed(block->fold(results)));
}

TEST_F(FFNOpsTest, MismatchedWidthsFailVerification) {
  Value x = value({2, 8});
  auto block = FFNBlockOp::create(
      builder, builder.getUnknownLoc(), x.getType(), x, NormKind::rms,
      value({8}), Value(), llvm::APFloat(1e-5f), false,
      value({8, 16}), Value(), value({8, 12}), Value(), value({12, 8}),
      Value(), Activation::silu);
  std::string message;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    message = diag.str();
    return success();
  });
  EXPECT_TRUE(failed(verify(block)));
  EXPECT_EQ(message, "'ffn.ffn_block' op gate width 16 differs from up width 12");
}

TEST_F(FFNOpsTest, AttentionHeadDim) {
  Value q = value({1, 4, 64});
  Value kv = value({1, 4, 32});
  auto attention = AttentionOp::create(
      builder, builder.getUnknownLoc(), q.getType(), q, kv, kv,
      /*positions=*/Value(), /*key_mask=*/Value(), /*num_heads=*/4,
      /*num_kv_heads=*/2,
      /*scale=*/llvm::APFloat(0.25f), /*causal=*/true);
  EXPECT_TRUE(succeeded(verify(attention)));
  EXPECT_EQ(attention.getHeadDim(), 16);
}

} // namespace
