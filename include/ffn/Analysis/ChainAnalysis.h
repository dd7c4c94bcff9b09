//===- ChainAnalysis.h - Runs of consecutive FFN blocks ---------*- C++ -*-===//
//
// Finds the maximal runs of consecutive FFN blocks: ffn.ffn_block ops each
// reading the previous block's output directly on the residual stream (e.g.
// the layers left after Puzzle-style attention removal, with the FFN of the
// last layer that kept its attention in front). These runs are the
// candidates for FFN Fusion.
//
//===----------------------------------------------------------------------===//

#ifndef FFN_ANALYSIS_CHAINANALYSIS_H
#define FFN_ANALYSIS_CHAINANALYSIS_H

#include "ffn/Dialect/FFN/IR/FFNOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"

namespace mlir::ffn {

/// A run of consecutive FFN blocks: blocks[k+1] reads the output of
/// blocks[k], which has no other use; blocks[0] may read anything.
struct FFNChain {
  /// Program-order number of the first block (see FFNChainAnalysis).
  unsigned firstIndex = 0;
  llvm::SmallVector<FFNBlockOp> blocks;

  unsigned lastIndex() const { return firstIndex + blocks.size() - 1; }
};

class FFNChainAnalysis {
public:
  /// Analyses every ffn.ffn_block nested under `root`.
  explicit FFNChainAnalysis(Operation *root);

  /// Every ffn.ffn_block in program order; its position is its index.
  llvm::ArrayRef<FFNBlockOp> getBlocks() const { return blocks; }

  /// Maximal runs of two or more blocks, in program order.
  llvm::ArrayRef<FFNChain> getChains() const { return chains; }

  /// The program-order index of `block`.
  unsigned getIndex(FFNBlockOp block) const { return indices.lookup(block); }

private:
  llvm::SmallVector<FFNBlockOp> blocks;
  llvm::DenseMap<Operation *, unsigned> indices;
  llvm::SmallVector<FFNChain> chains;
};

} // namespace mlir::ffn

#endif // FFN_ANALYSIS_CHAINANALYSIS_H
