//===- Fusion.h - ffnc's stages and its FFN Fusion reports ------*- C++ -*-===//

#ifndef FFNC_FUSION_H
#define FFNC_FUSION_H

#include "ffn/Analysis/DependencyAnalysis.h"
#include "ffn/Dialect/FFN/Utils/Tensor.h"
#include "ffn/Pipeline/Pipeline.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/Timing.h"

#include <optional>

namespace ffnc {

/// Runs stages of the shared pipeline with the tool's pass manager options
/// (-mlir-timing, -mlir-print-ir-after-all, ...), timed under one report.
class StageRunner {
public:
  explicit StageRunner(mlir::MLIRContext *ctx);

  /// The pipeline's options for the next run().
  mlir::ffn::FFNCPipelineOptions &getOptions() { return options; }

  mlir::LogicalResult run(mlir::ModuleOp module,
                          mlir::ffn::PipelineStage stage);

private:
  mlir::MLIRContext *ctx;
  mlir::DefaultTimingManager timing;
  mlir::TimingScope root;
  mlir::ffn::FFNCPipelineOptions options;
};

/// Prints the dependency matrix of every run, the blocks' statistics and,
/// where measured, the bits per token.
void printReport(const mlir::ffn::DependencyReport &report,
                 llvm::raw_ostream &os);

/// Which ranges to fuse: `ranges` as given ("3-4,5-7"), or chosen from
/// `report` within `maxDependency`.
struct FusionChoice {
  std::string ranges;
  std::optional<mlir::ffn::DependencyReport> report;
  double maxDependency = 0;
  bool includeLast = false;
  bool quiet = false; ///< no report of the runs, candidates and errors
};

/// Fuses the chosen ranges through the ffn-fusion pass, reporting the runs
/// and, with calibration data (and targets), the fused model's error.
mlir::LogicalResult fuse(mlir::ModuleOp module, StageRunner &stages,
                         const FusionChoice &choice,
                         const mlir::ffn::ref::Tensor *calibration,
                         const mlir::ffn::ref::Tensor *targets);

} // namespace ffnc

#endif // FFNC_FUSION_H
