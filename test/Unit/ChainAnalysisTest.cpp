//===- ChainAnalysisTest.cpp - FFNChainAnalysis unit tests ----------------===//

#include "ffn/Analysis/ChainAnalysis.h"
#include "ffn/Registration.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::ffn;

namespace {

/// A function with `n` ffn_blocks; `breaks` lists the blocks whose input is
/// passed through an extra op (as an attention would be), which ends the
/// run before them; the block after the op may open the next one.
std::string makeModule(int n, std::vector<int> breaks) {
  std::string s =
      "func.func @f(%x: tensor<2x8xf32>, %g: tensor<8xf32>, "
      "%wu: tensor<8x16xf32>, %wd: tensor<16x8xf32>) -> tensor<2x8xf32> {\n";
  s += "  %v0 = arith.addf %x, %x : tensor<2x8xf32>\n";
  std::string cur = "%v0";
  for (int i = 0; i < n; ++i) {
    if (std::find(breaks.begin(), breaks.end(), i) != breaks.end()) {
      std::string b = "%b" + std::to_string(i);
      s += "  " + b + " = arith.negf " + cur + " : tensor<2x8xf32>\n";
      cur = b;
    }
    std::string next = "%h" + std::to_string(i);
    s += "  " + next + " = ffn.ffn_block " + cur +
         " norm <rms>(%g) eps 1.0e-05 up(%wu) down(%wd) act <relu> : "
         "(tensor<2x8xf32>, tensor<8xf32>, tensor<8x16xf32>, "
         "tensor<16x8xf32>) -> tensor<2x8xf32>\n";
    cur = next;
  }
  s += "  return " + cur + " : tensor<2x8xf32>\n}\n";
  return s;
}

class ChainAnalysisTest : public ::testing::Test {
protected:
  ChainAnalysisTest() {
    DialectRegistry registry;
    registerFFNDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  OwningOpRef<ModuleOp> parse(const std::string &source) {
    return parseSourceString<ModuleOp>(source, &context);
  }

  MLIRContext context;
};

TEST_F(ChainAnalysisTest, BlocksReadingBlocksFormOneRun) {
  // Block 0 reads a non-block value (the embedding, say) and opens the run;
  // 1..3 each read the block before.
  auto module = parse(makeModule(4, {}));
  ASSERT_TRUE(module);
  FFNChainAnalysis analysis(*module);
  ASSERT_EQ(analysis.getBlocks().size(), 4u);
  ASSERT_EQ(analysis.getChains().size(), 1u);
  EXPECT_EQ(analysis.getChains()[0].firstIndex, 0u);
  EXPECT_EQ(analysis.getChains()[0].lastIndex(), 3u);
}

TEST_F(ChainAnalysisTest, AnOpBetweenBlocksSplitsTheRun) {
  // Runs 0..2 and 3..6: block 3 reads the op after block 2 (an attention,
  // or a layer whose FFN was removed) and opens a run; block 7 after
  // another break is alone and no run.
  auto module = parse(makeModule(8, {3, 7}));
  ASSERT_TRUE(module);
  FFNChainAnalysis analysis(*module);
  ASSERT_EQ(analysis.getChains().size(), 2u);
  EXPECT_EQ(analysis.getChains()[0].firstIndex, 0u);
  EXPECT_EQ(analysis.getChains()[0].lastIndex(), 2u);
  EXPECT_EQ(analysis.getChains()[1].firstIndex, 3u);
  EXPECT_EQ(analysis.getChains()[1].lastIndex(), 6u);
  EXPECT_EQ(analysis.getIndex(analysis.getBlocks()[7]), 7u);
}

TEST_F(ChainAnalysisTest, ASecondUseOfTheResidualEndsTheRun) {
  // Block 2's output also feeds the return through an add, so block 3 cannot
  // be fused with it without keeping the intermediate.
  std::string source = makeModule(4, {});
  std::string ret = "  return %h3 : tensor<2x8xf32>";
  source.replace(source.find(ret), ret.size(),
                 "  %s = arith.addf %h2, %h3 : tensor<2x8xf32>\n"
                 "  return %s : tensor<2x8xf32>");
  auto module = parse(source);
  ASSERT_TRUE(module);
  FFNChainAnalysis analysis(*module);
  ASSERT_EQ(analysis.getChains().size(), 1u);
  EXPECT_EQ(analysis.getChains()[0].firstIndex, 0u);
  EXPECT_EQ(analysis.getChains()[0].lastIndex(), 2u);
}

} // namespace
