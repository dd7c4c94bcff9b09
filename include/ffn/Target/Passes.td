//===- Passes.td - ffn target passes -----------------------*- tablegen -*-===//

#ifndef FFN_TARGET_PASSES_TD
#define FFN_TARGET_PASSES_TD

include "mlir/Pass/PassBase.td"

def FFNSerializePlan : Pass<"ffn-serialize-plan", "ModuleOp"> {
  let summary = "Serialize the launch plan and write the weights sidecar";
  let description = [{
    The last step before the kernels are compiled, like
    `gpu-module-to-binary` for the host side: the plan function `@ffn_plan`
    becomes the runtime's plan format (docs/artifact-format.md), stored as
    the `ffnrt.plan` attribute (bytes) of `gpu.module @ffn_kernels`, and the
    function is erased. Every `ffnrt.weight` is converted to its storage
    type and laid out in the sidecar, which is written to `weights-file`
    unless `write-weights=false`; the plan names that file and carries the
    fingerprint of plan and weights. Run after `ffn-plan-arena`.
  }];
  let options = [
    Option<"weightsFile", "weights-file", "std::string",
           "\"model.weights\"",
           "The weights sidecar; the plan names its file name">,
    Option<"writeWeights", "write-weights", "bool", "true",
           "Write the sidecar (else only fingerprint the weights)">,
    Option<"progress", "progress", "bool", "false",
           "Report on stderr how far the weights have streamed out: bytes, "
           "rate and time left, every 2 seconds and once at the end">
  ];
}

#endif // FFN_TARGET_PASSES_TD
