//===- Heatmap.h - Drawing the dependency matrix ----------------*- C++ -*-===//

#ifndef FFN_ANALYSIS_HEATMAP_H
#define FFN_ANALYSIS_HEATMAP_H

#include "ffn/Analysis/DependencyAnalysis.h"

namespace mlir::ffn {

/// Writes M[i, j] as a PNG heatmap: dropped block i down, affected block j
/// across, a logarithmic colour scale with its legend, runs outlined.
llvm::Error writeHeatmap(const DependencyReport &report, llvm::StringRef path);

} // namespace mlir::ffn

#endif // FFN_ANALYSIS_HEATMAP_H
