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
/// @mma(a, b, c): one mma.sync m16n8k16 of 16-bit fragments into f32, for
/// the precision's type (bf16 operands travel packed in i32).
std::string mmaHelper(Precision precision) {
  bool bf16 = precision == Precision::BF16;
  std::string type = bf16 ? "bf16" : "f16";
  std::string operand = bf16 ? "i32" : "vector<2xf16>";
  std::string s = llvm::formatv(R"(
func.func private @mma(%a: vector<4x2x{0}>, %b: vector<2x2x{0}>, %c: vector<4xf32>) -> vector<4xf32> {{
)",
                                type);
  if (bf16)
    for (auto [name, source, index, shape] : {std::tuple{"a0", "a", 0, "4x2"},
                                              {"a1", "a", 1, "4x2"},
                                              {"a2", "a", 2, "4x2"},
                                              {"a3", "a", 3, "4x2"},
                                              {"b0", "b", 0, "2x2"},
                                              {"b1", "b", 1, "2x2"}})
      s += llvm::formatv("  %{0}v = vector.extract %{1}[{2}] : vector<2xbf16> "
                         "from vector<{3}xbf16>\n"
                         "  %{0}p = vector.bitcast %{0}v : vector<2xbf16> to "
                         "vector<1xi32>\n"
                         "  %{0} = vector.extract %{0}p[0] : i32 from "
                         "vector<1xi32>\n",
                         name, source, index, shape)
               .str();
  else
    s += R"(  %a0 = vector.extract %a[0] : vector<2xf16> from vector<4x2xf16>
  %a1 = vector.extract %a[1] : vector<2xf16> from vector<4x2xf16>
  %a2 = vector.extract %a[2] : vector<2xf16> from vector<4x2xf16>
  %a3 = vector.extract %a[3] : vector<2xf16> from vector<4x2xf16>
  %b0 = vector.extract %b[0] : vector<2xf16> from vector<2x2xf16>
  %b1 = vector.extract %b[1] : vector<2xf16> from vector<2x2xf16>
)";
  s += llvm::formatv(R"(  %c0 = vector.extract %c[0] : f32 from vector<4xf32>
  %c1 = vector.extract %c[1] : f32 from vector<4xf32>
  %c2 = vector.extract %c[2] : f32 from vector<4xf32>
  %c3 = vector.extract %c[3] : f32 from vector<4xf32>
  %r = nvvm.mma.sync A[%a0, %a1, %a2, %a3] B[%b0, %b1] C[%c0, %c1, %c2, %c3]
      {{layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>,
       multiplicandAPtxType = #nvvm.mma_type<{0}>,
       multiplicandBPtxType = #nvvm.mma_type<{0}>,
       shape = #nvvm.shape<m = 16, n = 8, k = 16>}
      : ({1}, {1}, f32) -> !llvm.struct<(f32, f32, f32, f32)>
  %r0 = llvm.extractvalue %r[0] : !llvm.struct<(f32, f32, f32, f32)>
  %r1 = llvm.extractvalue %r[1] : !llvm.struct<(f32, f32, f32, f32)>
  %r2 = llvm.extractvalue %r[2] : !llvm.struct<(f32, f32, f32, f32)>
  %r3 = llvm.extractvalue %r[3] : !llvm.struct<(f32, f32, f32, f32)>
  %v = vector.from_elements %r0, %r1, %r2, %r3 : vector<4xf32>
  return %v : vector<4xf32>
}
)",
                     type, operand)
           .str();
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
  // Tensor cores take the 16-bit precisions.
  if (precision != Precision::FP32)
    s += mmaHelper(precision) + kGemmSource;
  s += "}\n";
  return s;
}
