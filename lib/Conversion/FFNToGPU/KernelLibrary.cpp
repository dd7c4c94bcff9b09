//===- KernelLibrary.cpp - The kernel library's MLIR source ---------------===//
//
// The kernels are MLIR text (Kernels/*.mlir), written once for every
// precision through the `!act` alias. The enums of the plan dialect reach
// them as functions, e.g. @epilogue_bias() -> i32, generated here from the
// same ODS definitions the plan uses, so both sides always agree.
//
//===----------------------------------------------------------------------===//

#include "ffn/Conversion/FFNToGPU/FFNToGPU.h"
#include "ffn/Dialect/Plan/IR/PlanDialect.h"

#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::ffn;

namespace {
#include "KernelSources.inc"

/// @<mnemonic>_<case>() -> i32 for every case of an ODS enum.
template <typename Enum, typename Stringify>
void appendEnum(std::string &s, StringRef mnemonic, Stringify stringify,
                ArrayRef<Enum> cases) {
  for (Enum e : cases)
    s += llvm::formatv("func.func private @{0}_{1}() -> i32 {{\n"
                       "  %c = arith.constant {2} : i32\n"
                       "  return %c : i32\n}\n",
                       mnemonic, stringify(e), static_cast<int32_t>(e))
             .str();
}

std::string enumPrelude() {
  using namespace plan;
  std::string s;
  appendEnum<Epilogue>(s, "epilogue",
                       [](Epilogue e) { return stringifyEpilogue(e); },
                       {Epilogue::bias, Epilogue::gated, Epilogue::residual});
  appendEnum<NormMode>(
      s, "norm", [](NormMode e) { return stringifyNormMode(e); },
      {NormMode::layer, NormMode::bias, NormMode::unit_offset});
  appendEnum<KernelActivation>(
      s, "activation",
      [](KernelActivation e) { return stringifyKernelActivation(e); },
      {KernelActivation::silu, KernelActivation::gelu,
       KernelActivation::gelu_tanh, KernelActivation::relu});
  appendEnum<BinaryKind>(s, "binary",
                         [](BinaryKind e) { return stringifyBinaryKind(e); },
                         {BinaryKind::sub, BinaryKind::mul, BinaryKind::div});
  appendEnum<Mask>(s, "mask", [](Mask e) { return stringifyMask(e); },
                   {Mask::causal});
  return s;
}
} // namespace

std::string mlir::ffn::kernelLibrarySource(Precision precision) {
  std::string s = "!act = ";
  s += precision == Precision::BF16   ? "bf16"
       : precision == Precision::FP16 ? "f16"
                                      : "f32";
  s += "\ngpu.module @ffn_kernels {\n";
  s += enumPrelude();
  s += precision == Precision::FP32 ? kF32Source : kHalfSource;
  for (const char *part :
       {kCommonSource, kElementwiseSource, kLinearSource, kAttentionSource})
    s += part;
  s += "}\n";
  return s;
}
