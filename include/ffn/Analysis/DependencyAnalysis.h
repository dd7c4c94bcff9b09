//===- DependencyAnalysis.h - Block-wise dependency matrix ------*- C++ -*-===//
//
// Measures how much each FFN block of a run depends on the ones before it,
// on calibration data, with the reference executor:
//
//   h_j        block j's contribution F_j(N_j(x_{j-1})) in the unmodified run;
//   h̃_j^i      the same when block i's contribution is dropped (x_i = x_{i-1});
//   M[i, j]    mean over tokens of 1 − cos(h_j, h̃_j^i), i < j in one run, and
//              the same over the flattened tensors;
//
// plus, per block, the mean over tokens of 1 − cos(x, x + h) and ‖h‖/‖x‖,
// and, given next-token targets, the cross-entropy of the model and of each
// block range of a run computed in parallel form. One forward per dropped
// block fills a row: L + 1 forwards for L blocks, per calibration row.
//
//===----------------------------------------------------------------------===//

#ifndef FFN_ANALYSIS_DEPENDENCYANALYSIS_H
#define FFN_ANALYSIS_DEPENDENCYANALYSIS_H

#include "ffn/Analysis/ChainAnalysis.h"
#include "ffn/Dialect/FFN/Utils/Tensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <functional>
#include <map>
#include <optional>

namespace mlir::ffn {

struct DependencyReport {
  struct Distances {
    double meanToken = 0, flat = 0;
  };
  struct BlockStats {
    double saturation = 0, relativeNorm = 0;
  };
  unsigned numBlocks = 0;
  int64_t tokens = 0;
  std::vector<std::pair<unsigned, unsigned>> runs;
  std::map<std::pair<unsigned, unsigned>, Distances> dependency;
  std::map<unsigned, BlockStats> blocks;
  std::optional<double> bitsOriginal;
  /// Cross-entropy with each range "a-b" of a run in parallel form.
  std::map<std::pair<unsigned, unsigned>, double> bitsFused;

  llvm::json::Value toJSON() const;
  /// Reads what toJSON writes; errors name the field at fault.
  static llvm::Expected<DependencyReport> fromJSON(const llvm::json::Value &v);
};

/// Runs the analysis on `calibration` (token ids, one sequence per row; each
/// row runs on its own). With `targets`, also measures cross-entropy in bits
/// per token of the original and of every sub-range of every run fused.
/// `progress` receives a line per forward pass.
llvm::Expected<DependencyReport>
analyzeDependencies(func::FuncOp func, const ref::Tensor &calibration,
                    const ref::Tensor *targets,
                    llvm::function_ref<void(llvm::StringRef)> progress);

} // namespace mlir::ffn

#endif // FFN_ANALYSIS_DEPENDENCYANALYSIS_H
