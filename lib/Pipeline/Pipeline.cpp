//===- Pipeline.cpp - The one ffnc pipeline -------------------------------===//

#include "ffn/Pipeline/Pipeline.h"

#include "ffn/Conversion/Passes.h"
#include "ffn/Target/Passes.h"
#include "ffn/Transforms/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::ffn;

void mlir::ffn::buildFFNCPipeline(OpPassManager &pm,
                                  const FFNCPipelineOptions &options) {
  auto runs = [&](PipelineStage stage) {
    return options.first <= stage && stage <= options.last;
  };
  if (runs(PipelineStage::Raise))
    pm.addNestedPass<func::FuncOp>(createFFNRaise());
  if (runs(PipelineStage::Fuse) && !options.fusionRanges.empty()) {
    FFNFusionOptions fusion;
    fusion.ranges = options.fusionRanges;
    fusion.progress = options.progress;
    pm.addPass(createFFNFusion(fusion));
  }
  if (runs(PipelineStage::GPU)) {
    if (options.maxContext > 0) {
      FFNKVCacheOptions cache;
      cache.maxContext = options.maxContext;
      cache.maxBatch = options.maxBatch;
      pm.addNestedPass<func::FuncOp>(createFFNKVCache(cache));
    }
    ConvertFFNToGPUOptions gpu;
    gpu.precision = options.precision;
    gpu.chip = options.chip;
    gpu.maxTokens = options.maxTokens;
    pm.addPass(createConvertFFNToGPU(gpu));
    // Weights and constants used by several launches are stored once.
    pm.addNestedPass<func::FuncOp>(createCSEPass());
    pm.addNestedPass<func::FuncOp>(createFFNPlanArena());
  }
  if (runs(PipelineStage::Serialize)) {
    FFNSerializePlanOptions serialize;
    serialize.weightsFile = options.weightsFile;
    serialize.writeWeights = options.writeWeights;
    serialize.progress = options.progress;
    pm.addPass(createFFNSerializePlan(serialize));
  }
}

void mlir::ffn::registerFFNCPipeline() {
  PassPipelineRegistration<FFNCPipelineOptions>(
      "ffnc-pipeline",
      "ffnc's stages: raising, FFN Fusion of the given ranges, lowering to "
      "kernels and a launch plan, serializing the plan and weights",
      buildFFNCPipeline);
}
