//===- FFNToGPU.h - Lowering the ffn dialect to GPU kernels -----*- C++ -*-===//
//
// Turns func @main in the ffn dialect into a GPU program: a gpu.module of
// kernels, a launch plan that replays them over a statically planned
// activation arena, and the weights in the layout the kernels read.
//
//===----------------------------------------------------------------------===//

#ifndef FFN_CONVERSION_FFNTOGPU_H
#define FFN_CONVERSION_FFNTOGPU_H

#include "ffn/Runtime/Plan.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"

namespace mlir::ffn {

enum class Precision { BF16, FP16, FP32 };
llvm::StringRef precisionName(Precision precision);

struct GPULoweringOptions {
  Precision precision = Precision::BF16;
  /// Largest batch * seq the plan serves; the arena is sized for it.
  int64_t maxTokens = 4096;
  std::string target = "sm_90";
};

struct GPUProgram {
  /// A module holding gpu.module @ffn_kernels.
  OwningOpRef<ModuleOp> kernels;
  /// The launch plan; its fingerprint is set by the artifact writer.
  ffnrt::Plan plan;
  /// The sidecar's data: every weight, aligned, in the kernels' layout.
  std::vector<uint8_t> weights;
};

/// The kernel library's source for `precision` (MLIR, gpu dialect).
std::string kernelLibrarySource(Precision precision);

/// Lowers `module`'s func @main. Unsupported ops and shapes are errors that
/// name the op and its location.
llvm::Expected<GPUProgram> lowerToGPU(ModuleOp module,
                                      const GPULoweringOptions &options);

/// A one-line description of a launch, e.g. for --emit=mlir-gpu.
std::string describeLaunch(const ffnrt::Plan &plan,
                           const ffnrt::Launch &launch);

} // namespace mlir::ffn

#endif // FFN_CONVERSION_FFNTOGPU_H
