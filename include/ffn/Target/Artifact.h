//===- Artifact.h - From the plan in IR to the runtime's files --*- C++ -*-===//
//
// The last step of compilation: @ffn_plan (ffnrt ops and gpu.launch_func)
// becomes the runtime's launch plan, and every ffnrt.weight is laid out in
// the sidecar, then converted to its storage type as it is streamed out.
//
//===----------------------------------------------------------------------===//

#ifndef FFN_TARGET_ARTIFACT_H
#define FFN_TARGET_ARTIFACT_H

#include "ffn/Runtime/Plan.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

namespace mlir::ffn {

struct RuntimeProgram {
  /// The launch plan; its fingerprint covers the plan and the weights.
  ::ffnrt::Plan plan;
  /// The sidecar's data, laid out but not converted yet: each weight and
  /// its byte offset, in increasing order; plan.weightsBytes in all.
  std::vector<std::pair<Operation *, uint64_t>> weights;
};

/// Converts the program's weights to their storage types and layouts and
/// hands the sidecar's data to `sink` in order, a piece at a time, so that
/// the whole never sits in memory; the pages of the model's weights that a
/// piece read are given back to the system after it. `sink` returns false
/// to stop.
llvm::Error
streamWeights(const RuntimeProgram &program,
              llvm::function_ref<bool(const uint8_t *data, size_t size)> sink);

/// Reads the plan function of `module` (after convert-ffn-to-gpu and
/// ffn-plan-arena) and lays out its weights. Errors are diagnostics at the
/// op.
FailureOr<RuntimeProgram> buildRuntimeProgram(ModuleOp module);

/// The plan bytes that ffn-serialize-plan stored on the kernel module.
llvm::Expected<std::vector<uint8_t>> serializedPlan(ModuleOp module);

/// The architecture of the kernel module's #nvvm.target, e.g. "sm_90".
FailureOr<std::string> kernelChip(ModuleOp module);

} // namespace mlir::ffn

#endif // FFN_TARGET_ARTIFACT_H
