//===- ChainAnalysis.cpp - Runs of consecutive FFN blocks -----------------===//

#include "ffn/Analysis/ChainAnalysis.h"

using namespace mlir;
using namespace mlir::ffn;

/// True when `next` continues a run ending in `prev`: it reads `prev`'s output,
/// and nothing else does, so the two sit back to back on the residual stream.
static bool continuesRun(FFNBlockOp prev, FFNBlockOp next) {
  return next.getInput() == prev.getOutput() && prev.getOutput().hasOneUse();
}

FFNChainAnalysis::FFNChainAnalysis(Operation *root) {
  root->walk([&](FFNBlockOp block) {
    indices[block] = blocks.size();
    blocks.push_back(block);
  });

  FFNChain current;
  auto flush = [&] {
    if (current.blocks.size() >= 2)
      chains.push_back(current);
    current.blocks.clear();
  };
  for (auto [index, block] : llvm::enumerate(blocks)) {
    if (current.blocks.empty() || !continuesRun(current.blocks.back(), block)) {
      flush();
      current.firstIndex = index;
    }
    current.blocks.push_back(block);
  }
  flush();
}
