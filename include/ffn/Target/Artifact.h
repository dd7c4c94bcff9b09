//===- Artifact.h - From the plan in IR to the runtime's files --*- C++ -*-===//
//
// The last step of compilation: @ffn_plan (ffnrt ops and gpu.launch_func)
// becomes the runtime's launch plan, and every ffnrt.weight is converted to
// its storage type and laid out in the sidecar.
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
  /// The sidecar's data: every weight, aligned, in the kernels' layout.
  std::vector<uint8_t> weights;
};

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
