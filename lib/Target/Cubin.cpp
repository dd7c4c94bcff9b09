//===- Cubin.cpp - From gpu.module to PTX and cubin -----------------------===//

#include "ffn/Target/Cubin.h"

#include "mlir/Conversion/ArithToLLVM/ArithToLLVM.h"
#include "mlir/Conversion/ControlFlowToLLVM/ControlFlowToLLVM.h"
#include "mlir/Conversion/FuncToLLVM/ConvertFuncToLLVM.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/MathToLLVM/MathToLLVM.h"
#include "mlir/Conversion/MemRefToLLVM/MemRefToLLVM.h"
#include "mlir/Conversion/NVGPUToNVVM/NVGPUToNVVM.h"
#include "mlir/Conversion/NVVMToLLVM/NVVMToLLVM.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVM.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/ConvertToLLVM/ToLLVMInterface.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::ffn;

namespace {
llvm::Error makeError(const Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 message.str());
}

std::string libdevicePath(const CubinOptions &options) {
  llvm::SmallString<256> path(options.cudaPath);
  llvm::sys::path::append(path, "nvvm", "libdevice", "libdevice.10.bc");
  return path.str().str();
}

/// Runs gpu-module-to-binary for `format` and returns the one object.
llvm::Expected<std::string> serialize(ModuleOp kernels, StringRef format) {
  OwningOpRef<ModuleOp> copy = kernels.clone();
  PassManager pm(kernels.getContext());
  GpuModuleToBinaryPassOptions options;
  options.compilationTarget = format.str();
  pm.addPass(createGpuModuleToBinaryPass(options));
  std::string diagnostics;
  {
    ScopedDiagnosticHandler handler(kernels.getContext(), [&](Diagnostic &d) {
      diagnostics += d.str() + "\n";
      return success();
    });
    if (failed(pm.run(*copy)))
      return makeError("serializing the kernels failed:\n" + diagnostics);
  }
  std::string object;
  copy->walk([&](gpu::BinaryOp binary) {
    for (Attribute attr : binary.getObjects())
      object = cast<gpu::ObjectAttr>(attr).getObject().str();
  });
  if (object.empty())
    return makeError("serializing the kernels produced no object");
  return object;
}
} // namespace

void mlir::ffn::registerGPUTargetDialects(DialectRegistry &registry) {
  registry.insert<arith::ArithDialect, cf::ControlFlowDialect,
                  func::FuncDialect, gpu::GPUDialect, LLVM::LLVMDialect,
                  math::MathDialect, memref::MemRefDialect, NVVM::NVVMDialect,
                  nvgpu::NVGPUDialect,
                  scf::SCFDialect, vector::VectorDialect>();
  NVVM::registerNVVMTargetInterfaceExternalModels(registry);
  // convert-gpu-to-nvvm lowers the other dialects through these.
  arith::registerConvertArithToLLVMInterface(registry);
  cf::registerConvertControlFlowToLLVMInterface(registry);
  registerConvertFuncToLLVMInterface(registry);
  registerConvertMathToLLVMInterface(registry);
  registerConvertMemRefToLLVMInterface(registry);
  registerConvertNVVMToLLVMInterface(registry);
  vector::registerConvertVectorToLLVMInterface(registry);
  registerBuiltinDialectTranslation(registry);
  registerGPUDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerNVVMDialectTranslation(registry);
}

llvm::Error mlir::ffn::lowerKernelsToNVVM(ModuleOp kernels,
                                          const CubinOptions &options) {
  static bool initialized = [] {
    LLVMInitializeNVPTXTarget();
    LLVMInitializeNVPTXTargetInfo();
    LLVMInitializeNVPTXTargetMC();
    LLVMInitializeNVPTXAsmPrinter();
    return true;
  }();
  (void)initialized;
  std::string libdevice = libdevicePath(options);
  if (!llvm::sys::fs::exists(libdevice))
    return makeError("libdevice not found at " + libdevice +
                     " (set --cuda-path to the CUDA toolkit)");
  PassManager pm(kernels.getContext());
  OpPassManager &device = pm.nest<gpu::GPUModuleOp>();
  device.addPass(createSCFToControlFlowPass());
  device.addPass(createConvertNVGPUToNVVMPass());
  device.addPass(createConvertGpuOpsToNVVMOps());
  // Ops NVVM has no intrinsic for (wgmma, TMA with predicates) as PTX.
  device.addPass(createConvertNVVMToLLVMPass());
  device.addPass(createReconcileUnrealizedCastsPass());
  // The target chosen by convert-ffn-to-gpu, now linked with libdevice.
  MLIRContext *ctx = kernels.getContext();
  Builder b(ctx);
  WalkResult targets = kernels.walk([&](gpu::GPUModuleOp module) {
    ArrayAttr attrs = module.getTargetsAttr();
    auto nvvm = attrs && attrs.size() == 1
                    ? dyn_cast<NVVM::NVVMTargetAttr>(attrs[0])
                    : NVVM::NVVMTargetAttr();
    if (!nvvm)
      return WalkResult::interrupt();
    module.setTargetsAttr(b.getArrayAttr({NVVM::NVVMTargetAttr::get(
        ctx, nvvm.getO(), nvvm.getTriple(), nvvm.getChip(),
        nvvm.getFeatures(), nvvm.getFlags(),
        b.getArrayAttr({b.getStringAttr(libdevice)}))}));
    return WalkResult::advance();
  });
  if (targets.wasInterrupted())
    return makeError("every gpu.module needs one #nvvm.target (set by "
                     "convert-ffn-to-gpu)");
  std::string diagnostics;
  ScopedDiagnosticHandler handler(kernels.getContext(), [&](Diagnostic &d) {
    diagnostics += d.str() + "\n";
    return success();
  });
  if (failed(pm.run(kernels)))
    return makeError("lowering the kernels to NVVM failed:\n" + diagnostics);
  return llvm::Error::success();
}

llvm::Expected<std::string>
mlir::ffn::translateKernelsToLLVMIR(ModuleOp kernels,
                                    const CubinOptions &options) {
  auto bitcode = serialize(kernels, "llvm");
  if (!bitcode)
    return bitcode.takeError();
  llvm::LLVMContext context;
  auto module = llvm::parseBitcodeFile(
      llvm::MemoryBufferRef(*bitcode, "kernels"), context);
  if (!module)
    return module.takeError();
  std::string text;
  llvm::raw_string_ostream os(text);
  (*module)->print(os, nullptr);
  return text;
}

llvm::Expected<std::string>
mlir::ffn::translateKernelsToPTX(ModuleOp kernels,
                                 const CubinOptions &options) {
  return serialize(kernels, "isa");
}

std::string mlir::ffn::ptxGlobalBytes(const std::string &symbol,
                                      const std::vector<uint8_t> &bytes) {
  std::string s = "\n// The launch plan (docs/artifact-format.md).\n"
                  ".visible .global .align 8 .b8 " +
                  symbol + "[" + std::to_string(bytes.size()) + "] = {";
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i)
      s += i % 32 ? "," : ",\n  ";
    s += std::to_string(bytes[i]);
  }
  return s + "};\n";
}

llvm::Expected<std::vector<char>>
mlir::ffn::assembleCubin(const std::string &ptx, const CubinOptions &options,
                         std::string *report) {
  llvm::SmallString<256> ptxas(options.cudaPath);
  llvm::sys::path::append(ptxas, "bin", "ptxas");
  if (!llvm::sys::fs::can_execute(ptxas))
    return makeError("ptxas not found at " + ptxas +
                     " (set --cuda-path to the CUDA toolkit, or stop at "
                     "--emit=ptx)");
  llvm::SmallString<128> in, out, log;
  int fd;
  if (auto ec = llvm::sys::fs::createTemporaryFile("ffnc", "ptx", fd, in))
    return llvm::errorCodeToError(ec);
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << ptx;
  }
  if (auto ec = llvm::sys::fs::createTemporaryFile("ffnc", "cubin", out))
    return llvm::errorCodeToError(ec);
  if (auto ec = llvm::sys::fs::createTemporaryFile("ffnc", "log", log))
    return llvm::errorCodeToError(ec);
  std::string arch = "-arch=" + options.chip;
  llvm::SmallVector<StringRef> args = {ptxas, arch, "-O3", in, "-o", out};
  if (options.verbose)
    args.push_back("-v");
  std::optional<StringRef> redirects[] = {std::nullopt, log, log};
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(ptxas, args, std::nullopt, redirects, 0,
                                     0, &message);
  auto logText = llvm::MemoryBuffer::getFile(log);
  std::string diagnostics = logText ? (*logText)->getBuffer().str() : "";
  auto cubin = llvm::MemoryBuffer::getFile(out);
  llvm::sys::fs::remove(in);
  llvm::sys::fs::remove(log);
  llvm::sys::fs::remove(out);
  if (rc != 0)
    return makeError("ptxas failed" +
                     (message.empty() ? "" : " (" + message + ")") + ":\n" +
                     diagnostics);
  if (!cubin)
    return makeError("ptxas wrote no cubin");
  if (report)
    *report = diagnostics;
  StringRef bytes = (*cubin)->getBuffer();
  return std::vector<char>(bytes.begin(), bytes.end());
}
