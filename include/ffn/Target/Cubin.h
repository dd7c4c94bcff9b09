//===- Cubin.h - From gpu.module to PTX and cubin ---------------*- C++ -*-===//
//
// The device half of the back end: the kernel module is lowered to the NVVM
// and LLVM dialects, LLVM's NVPTX back end emits PTX, and ptxas from the CUDA
// toolkit assembles the cubin. The launch plan is appended to the PTX as a
// global byte array so that the cubin carries it.
//
//===----------------------------------------------------------------------===//

#ifndef FFN_TARGET_CUBIN_H
#define FFN_TARGET_CUBIN_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir::ffn {

struct CubinOptions {
  /// ptxas's architecture: the kernel module's (kernelChip in Artifact.h).
  std::string chip = "sm_90";
  /// The CUDA toolkit: bin/ptxas and nvvm/libdevice/libdevice.10.bc.
  std::string cudaPath;
  /// Pass -v to ptxas and return its report (registers, spills).
  bool verbose = false;
};

/// Dialects, interfaces and translations the kernel pipeline needs.
void registerGPUTargetDialects(DialectRegistry &registry);

/// Lowers the gpu.modules in `kernels` in place to the LLVM and NVVM
/// dialects and links libdevice into their #nvvm.target.
llvm::Error lowerKernelsToNVVM(ModuleOp kernels, const CubinOptions &options);

/// The LLVM IR (text) of lowered kernels.
llvm::Expected<std::string>
translateKernelsToLLVMIR(ModuleOp kernels, const CubinOptions &options);

/// The PTX of lowered kernels.
llvm::Expected<std::string> translateKernelsToPTX(ModuleOp kernels,
                                                  const CubinOptions &options);

/// PTX that defines the global `symbol` holding `bytes`.
std::string ptxGlobalBytes(const std::string &symbol,
                           const std::vector<uint8_t> &bytes);

/// Runs ptxas; its messages come back verbatim in the error. With
/// options.verbose, `report` receives ptxas's resource report.
llvm::Expected<std::vector<char>> assembleCubin(const std::string &ptx,
                                                const CubinOptions &options,
                                                std::string *report = nullptr);

} // namespace mlir::ffn

#endif // FFN_TARGET_CUBIN_H
