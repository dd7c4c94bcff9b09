//===- ChainAnalysis.cpp - Runs of consecutive FFN blocks -----------------===//

#include "ffn/Analysis/ChainAnalysis.h"

using namespace mlir;
using namespace mlir::ffn;

/// The block whose output `block` reads with nothing but the residual in
/// between: `block`'s input is that block's output, which nothing else reads.
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

  // A run is a maximal sequence of blocks, each reading the one before it
  // on the residual stream. It starts wherever such a sequence does: the
  // first block may read an attention's output (the last layer that kept
  // its attention, or a layer whose FFN was removed) or the embedding.
  FFNChain current;
  auto flush = [&] {
    if (current.blocks.size() >= 2)
      chains.push_back(current);
    current.blocks.clear();
  };
  for (FFNBlockOp block : blocks) {
    FFNBlockOp prev = residualPredecessor(block);
    if (!prev)
      continue;
    if (current.blocks.empty() || current.blocks.back() != prev) {
      flush();
      current.firstIndex = indices.lookup(prev);
      current.blocks.push_back(prev);
    }
    current.blocks.push_back(block);
  }
  flush();
}
