//===- PrintChains.cpp - Print the runs of consecutive FFN blocks ---------===//

#include "ffn/Analysis/ChainAnalysis.h"
#include "ffn/Transforms/Passes.h"

#include "llvm/Support/raw_ostream.h"

namespace mlir::ffn {
#define GEN_PASS_DEF_FFNPRINTCHAINS
#include "ffn/Transforms/Passes.h.inc"
} // namespace mlir::ffn

using namespace mlir;
using namespace mlir::ffn;

static std::string dimString(int64_t d) {
  return ShapedType::isDynamic(d) ? std::string("?") : std::to_string(d);
}

namespace {
struct PrintChainsPass
    : public ffn::impl::FFNPrintChainsBase<PrintChainsPass> {
  void runOnOperation() override {
    auto &analysis = getAnalysis<FFNChainAnalysis>();
    markAllAnalysesPreserved();

    llvm::raw_ostream &os = llvm::outs();
    os << "ffn chains: " << analysis.getChains().size() << " run(s) among "
       << analysis.getBlocks().size() << " ffn_block(s)\n";
    for (const FFNChain &chain : analysis.getChains()) {
      os << "  run: blocks " << chain.firstIndex << ".." << chain.lastIndex()
         << " (" << chain.blocks.size() << " blocks), widths ";
      llvm::interleaveComma(chain.blocks, os, [&](FFNBlockOp block) {
        os << dimString(block.getWidth());
      });
      os << "\n";
    }
  }
};
} // namespace
