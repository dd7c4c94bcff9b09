//===- FFNFusionTest.cpp - Fused form equals the parallel form ------------===//
//
// For random blocks of several widths, both block kinds, the fused block
// computes x + Σ_k F_k(N_k(x)) (each block evaluated on the same x) to fp32
// rounding.
//
//===----------------------------------------------------------------------===//

#include "ffn/Analysis/ChainAnalysis.h"
#include "ffn/Reference/Executor.h"
#include "ffn/Registration.h"
#include "ffn/Transforms/FFNFusion.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Verifier.h"

#include "gtest/gtest.h"

#include <cmath>
#include <random>

using namespace mlir;
using namespace mlir::ffn;

namespace {

class FFNFusionTest : public ::testing::Test {
protected:
  FFNFusionTest() : builder(&context), random(1234) {
    DialectRegistry registry;
    registerFFNDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  /// A [tokens, d] input of standard normal values.
  ref::Tensor randomInput(int64_t tokens, int64_t d) {
    ref::Tensor x(ref::DType::F32, {tokens, d});
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (float &v : x.f())
      v = normal(random);
    return x;
  }

  /// A module with func @main taking and returning [tokens, d], the builder
  /// inside its body.
  func::FuncOp makeMain(OwningOpRef<ModuleOp> &module, int64_t tokens,
                        int64_t d) {
    auto type = RankedTensorType::get({tokens, d}, builder.getF32Type());
    module = ModuleOp::create(builder.getUnknownLoc());
    builder.setInsertionPointToStart(module->getBody());
    auto func = func::FuncOp::create(builder, builder.getUnknownLoc(), "main",
                                     builder.getFunctionType({type}, {type}));
    builder.setInsertionPointToStart(func.addEntryBlock());
    return func;
  }

  /// A constant of random values (around `mean`).
  Value randomConstant(ArrayRef<int64_t> shape, float mean = 0.0f,
                       float scale = 0.3f) {
    auto type = RankedTensorType::get(shape, builder.getF32Type());
    std::normal_distribution<float> normal(mean, scale);
    std::vector<float> values(type.getNumElements());
    for (float &v : values)
      v = normal(random);
    return arith::ConstantOp::create(
        builder, builder.getUnknownLoc(),
        DenseElementsAttr::get(type, ArrayRef<float>(values)));
  }

  /// Builds a chain of blocks of the given widths on a [tokens, d] input.
  SmallVector<FFNBlockOp> buildChain(func::FuncOp func, int64_t d,
                                     ArrayRef<int64_t> widths, NormKind kind) {
    Value x = func.getArgument(0);
    SmallVector<FFNBlockOp> blocks;
    bool layer = kind == NormKind::layer;
    for (int64_t f : widths) {
      auto block = FFNBlockOp::create(
          builder, builder.getUnknownLoc(), x.getType(), x, kind,
          randomConstant({d}, 1.0f, 0.2f),
          layer ? randomConstant({d}) : Value(), APFloat(1e-5f),
          /*unit_offset=*/false,
          layer ? Value() : randomConstant({d, f}), Value(),
          randomConstant({d, f}), layer ? randomConstant({f}) : Value(),
          randomConstant({f, d}), layer ? randomConstant({d}) : Value(),
          layer ? Activation::gelu : Activation::silu);
      blocks.push_back(block);
      x = block.getOutput();
    }
    func::ReturnOp::create(builder, builder.getUnknownLoc(), x);
    return blocks;
  }

  /// Relative L2 distance between the fused block and the parallel form.
  double fusedVersusParallel(int64_t d, ArrayRef<int64_t> widths,
                             NormKind kind) {
    OwningOpRef<ModuleOp> module;
    func::FuncOp func = makeMain(module, /*tokens=*/5, d);
    SmallVector<FFNBlockOp> blocks = buildChain(func, d, widths, kind);
    EXPECT_TRUE(succeeded(verify(*module)));
    ref::Tensor x = randomInput(5, d);

    // Parallel form: every block on the same x, contributions summed.
    ref::Tensor parallel = x;
    for (FFNBlockOp block : blocks) {
      std::vector<ref::Tensor> operands{x};
      for (Value weight : block->getOperands().drop_front())
        operands.push_back(*ref::evaluateConstant(weight));
      std::vector<const ref::Tensor *> pointers;
      for (const ref::Tensor &t : operands)
        pointers.push_back(&t);
      ref::Tensor out = std::move((*ref::evaluateOp(block, pointers))[0]);
      for (int64_t k = 0; k < x.numElements(); ++k)
        parallel.f()[k] += out.f()[k] - x.f()[k];
    }

    SmallVector<unsigned> numbers;
    for (unsigned k = 0; k < blocks.size(); ++k)
      numbers.push_back(k);
    FailureOr<FFNBlockOp> fused = fuseBlocks(blocks, numbers);
    EXPECT_TRUE(succeeded(fused));
    if (failed(fused))
      return INFINITY;
    EXPECT_TRUE(succeeded(verify(*module)));
    EXPECT_EQ(fused->getWidth(),
              std::accumulate(widths.begin(), widths.end(), int64_t(0)));

    auto result = ref::Executor(func).run({x});
    EXPECT_TRUE(static_cast<bool>(result));
    if (!result)
      return INFINITY;
    return ref::errorStats((*result)[0], parallel).relativeL2();
  }

  MLIRContext context;
  OpBuilder builder;
  std::mt19937 random;
};

TEST_F(FFNFusionTest, GatedRMSNormBlocks) {
  EXPECT_LE(fusedVersusParallel(16, {24, 24}, NormKind::rms), 1e-6);
  EXPECT_LE(fusedVersusParallel(32, {40, 8, 64}, NormKind::rms), 1e-6);
  EXPECT_LE(fusedVersusParallel(8, {3, 5, 7, 9, 11}, NormKind::rms), 1e-6);
}

TEST_F(FFNFusionTest, PlainLayerNormBlocksWithBiases) {
  EXPECT_LE(fusedVersusParallel(16, {64, 64}, NormKind::layer), 1e-6);
  EXPECT_LE(fusedVersusParallel(24, {12, 48, 30}, NormKind::layer), 1e-6);
}

/// The fused form is not the sequential one: guard against a test that
/// could not tell them apart.
TEST_F(FFNFusionTest, FusedDiffersFromSequential) {
  OwningOpRef<ModuleOp> module;
  func::FuncOp func = makeMain(module, /*tokens=*/5, /*d=*/16);
  SmallVector<FFNBlockOp> blocks = buildChain(func, 16, {32, 32}, NormKind::rms);
  ref::Tensor x = randomInput(5, 16);
  auto sequential = ref::Executor(func).run({x});
  ASSERT_TRUE(static_cast<bool>(sequential));
  ASSERT_TRUE(succeeded(fuseBlocks(blocks, {0, 1})));
  auto fused = ref::Executor(func).run({x});
  ASSERT_TRUE(static_cast<bool>(fused));
  double diff = 0;
  for (int64_t k = 0; k < x.numElements(); ++k)
    diff = std::max<double>(diff, std::abs((*fused)[0].f()[k] -
                                           (*sequential)[0].f()[k]));
  EXPECT_GT(diff, 1e-3);
}

} // namespace
