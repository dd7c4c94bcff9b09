//===- ChainAnalysis.cpp - Runs of consecutive FFN blocks -----------------===//

#include "ffn/Analysis/ChainAnalysis.h"

using namespace mlir;
using namespace mlir::ffn;

/// The block whose output `block` reads, if `block` sits in an attention-free
/// layer: its input is another block's output that nothing else reads.
static FFNBlockOp residualPredecessor(FFNBlockOp block) {
  auto prev = block.getInput().getDefiningOp<FFNBlockOp>();
  if (prev && prev.getOutput().hasOneUse())
    return prev;
  return nullptr;
}

FFNChainAnalysis::FFNChainAnalysis(Operation *root) {
  root->walk([&](FFNBlockOp block) {
    indices[block] = blocks.size();
    blocks.push_back(block);
  });

  // A run is a maximal sequence of attention-free layers, each block reading
  // the one before it. The block that follows an attention opens a layer of
  // its own and is not part of the run.
  FFNChain current;
  auto flush = [&] {
    if (current.blocks.size() >= 2)
      chains.push_back(current);
    current.blocks.clear();
  };
  for (auto [index, block] : llvm::enumerate(blocks)) {
    FFNBlockOp prev = residualPredecessor(block);
    if (!prev) {
      flush();
      continue;
    }
    if (current.blocks.empty() || current.blocks.back() != prev) {
      flush();
      current.firstIndex = index;
    }
    current.blocks.push_back(block);
  }
  flush();
}
