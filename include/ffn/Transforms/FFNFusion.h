//===- FFNFusion.h - Fusing consecutive FFN blocks --------------*- C++ -*-===//

#ifndef FFN_TRANSFORMS_FFNFUSION_H
#define FFN_TRANSFORMS_FFNFUSION_H

#include "ffn/Dialect/FFN/IR/FFNOps.h"

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"

#include <map>
#include <utility>
#include <vector>

namespace mlir::ffn {

class FFNChainAnalysis;

/// An inclusive range of program-order block numbers.
using BlockSpan = std::pair<unsigned, unsigned>;

/// Pairwise dependencies M[i, j] (i < j) by block numbers.
using DependencyMatrix = std::map<std::pair<unsigned, unsigned>, double>;

/// Parses "3-4,5-7". Returns an error message on failure.
llvm::Expected<std::vector<BlockSpan>> parseBlockRanges(llvm::StringRef text);

/// Greedy selection over the runs of `chains`: grow each range while the
/// largest pairwise dependency stays at or below `maxDependency`; the last
/// block of a run is left out unless `includeLast`.
std::vector<BlockSpan> selectRanges(const FFNChainAnalysis &chains,
                                     const DependencyMatrix &dependencies,
                                     double maxDependency, bool includeLast);

/// Replaces `blocks` (consecutive on the residual stream, in order) by one
/// block computing their parallel form. Emits an error naming the block and
/// the reason, and changes nothing, when they cannot be fused. With
/// `progress`, reports how far the fused weights have been written.
FailureOr<FFNBlockOp> fuseBlocks(ArrayRef<FFNBlockOp> blocks,
                                 ArrayRef<unsigned> numbers,
                                 bool progress = false);

/// Fuses each of `ranges` (program-order numbers of `chains`' blocks) with
/// fuseBlocks, reporting a range that names a missing block on `root`. Calls
/// `onFused` with each range, the widths it joined and the new block.
LogicalResult fuseRanges(
    Operation *root, const FFNChainAnalysis &chains, ArrayRef<BlockSpan> ranges,
    llvm::function_ref<void(BlockSpan, ArrayRef<int64_t>, FFNBlockOp)> onFused =
        {},
    bool progress = false);

} // namespace mlir::ffn

#endif // FFN_TRANSFORMS_FFNFUSION_H
