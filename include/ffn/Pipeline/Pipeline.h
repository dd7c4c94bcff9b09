//===- Pipeline.h - The one ffnc pipeline -----------------------*- C++ -*-===//
//
// The passes from an imported model to kernels and a launch plan, in
// stages, built in one place for ffnc and ffn-opt (`--ffnc-pipeline`).
//
//===----------------------------------------------------------------------===//

#ifndef FFN_PIPELINE_PIPELINE_H
#define FFN_PIPELINE_PIPELINE_H

#include "ffn/Conversion/FFNToGPU/FFNToGPU.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir::ffn {

enum class PipelineStage {
  /// ffn-raise: ONNX nodes into structured ffn ops.
  Raise = 0,
  /// ffn-fusion: the chosen ranges of FFN blocks into wide blocks.
  Fuse = 1,
  /// ffn-kv-cache when generating, convert-ffn-to-gpu, then cse and
  /// ffn-plan-arena on the plan.
  GPU = 2,
  /// ffn-serialize-plan: the plan's bytes on the kernel module, the weights
  /// in the sidecar.
  Serialize = 3,
};

/// The stages' names on the command line.
inline llvm::cl::ValuesClass pipelineStages() {
  return llvm::cl::values(
      clEnumValN(PipelineStage::Raise, "raise", "raising"),
      clEnumValN(PipelineStage::Fuse, "fuse", "FFN Fusion"),
      clEnumValN(PipelineStage::GPU, "gpu", "lowering to the GPU"),
      clEnumValN(PipelineStage::Serialize, "serialize",
                 "the plan and weights serialized"));
}

struct FFNCPipelineOptions : PassPipelineOptions<FFNCPipelineOptions> {
  Option<PipelineStage> first{
      *this, "first", llvm::cl::desc("First stage to run"),
      llvm::cl::init(PipelineStage::Raise), pipelineStages()};
  Option<PipelineStage> last{*this, "last", llvm::cl::desc("Last stage to run"),
                             llvm::cl::init(PipelineStage::GPU),
                             pipelineStages()};
  Option<std::string> fusionRanges{
      *this, "ffn-fusion-ranges",
      llvm::cl::desc("Block ranges to fuse, e.g. 3-4,5-7 (none when empty)")};
  Option<Precision> precision{
      *this, "precision", llvm::cl::desc("Storage type on the GPU"),
      llvm::cl::init(Precision::BF16),
      llvm::cl::values(clEnumValN(Precision::BF16, "bf16", "bfloat16"),
                       clEnumValN(Precision::FP16, "fp16", "float16"),
                       clEnumValN(Precision::FP32, "fp32", "float32"))};
  Option<std::string> chip{*this, "chip",
                           llvm::cl::desc("GPU architecture, e.g. sm_90"),
                           llvm::cl::init("sm_90")};
  Option<int64_t> maxTokens{
      *this, "max-tokens",
      llvm::cl::desc("Most tokens (batch * seq) one call may process"),
      llvm::cl::init(4096)};
  Option<int64_t> maxContext{
      *this, "max-context",
      llvm::cl::desc("Compile a generation step whose KV caches hold this "
                     "many positions (0: the plain forward)"),
      llvm::cl::init(0)};
  Option<int64_t> maxBatch{
      *this, "max-batch",
      llvm::cl::desc("With max-context: the most sequences one step "
                     "processes"),
      llvm::cl::init(1)};
  Option<std::string> weightsFile{
      *this, "weights-file",
      llvm::cl::desc("The weights sidecar the serialize stage writes"),
      llvm::cl::init("model.weights")};
  Option<bool> writeWeights{
      *this, "write-weights",
      llvm::cl::desc("Write the sidecar (else only fingerprint the weights)"),
      llvm::cl::init(true)};
  Option<bool> progress{
      *this, "progress",
      llvm::cl::desc("Report on stderr how far the fused weights have been "
                     "written and the weights have streamed out"),
      llvm::cl::init(false)};
};

/// Adds the stages [first, last] to `pm`, which runs on the module.
void buildFFNCPipeline(OpPassManager &pm, const FFNCPipelineOptions &options);

/// Registers `ffnc-pipeline` for ffn-opt and --pass-pipeline.
void registerFFNCPipeline();

} // namespace mlir::ffn

#endif // FFN_PIPELINE_PIPELINE_H
