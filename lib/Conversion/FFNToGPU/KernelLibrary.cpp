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
                   {Mask::causal, Mask::cache, Mask::keys,
                    Mask::causal_keys});
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

/// Helpers of Wgmma.mlir whose shape follows the wgmma accumulator, 128 f32
/// a thread (!wgacc): @wg_mma4 (one 64-column k-step: four m64n256k16, the
/// descriptors advancing 32 bytes each), and @wg_store / @wg_partial, which
/// hand each of the 32 fragments of 8 columns to @gemm_store /
/// @partial_store (the fragments have mma.sync's m16n8 layout).
std::string wgmmaHelpers(Precision precision) {
  std::string type = precision == Precision::BF16 ? "bf16" : "f16";
  std::string s = R"(
func.func private @wg_mma4(%da: i64, %db: i64, %acc: !wgacc) -> !wgacc {
)";
  for (int i = 0; i < 4; ++i)
    s += llvm::formatv(
             "  %o{0} = arith.constant {1} : i64\n"
             "  %da{0} = arith.addi %da, %o{0} : i64\n"
             "  %db{0} = arith.addi %db, %o{0} : i64\n"
             "  %r{0} = nvvm.wgmma.mma_async %da{0}, %db{0}, {2}, "
             "#nvvm.shape<m = 64, n = 256, k = 16>, D [<f32>, <one>], "
             "A [<{3}>, <one>, <row>], B [<{3}>, <one>, <col>] "
             ": !wgacc -> !wgacc\n",
             i, 2 * i, i ? llvm::formatv("%r{0}", i - 1).str() : "%acc", type)
             .str();
  s += "  return %r3 : !wgacc\n}\n";
  auto fragments = [&](StringRef name, StringRef params, StringRef callee, StringRef before, StringRef after,
                       StringRef calleeTypes) {
    s += llvm::formatv("func.func private @{0}(%acc: !wgacc, {1}) "
                       "attributes {{always_inline} {{\n"
                       "  %c8 = arith.constant 8 : index\n",
                       name, params)
             .str();
    for (int j = 0; j < 32; ++j) {
      for (int e = 0; e < 4; ++e)
        s += llvm::formatv("  %e{0}_{1} = llvm.extractvalue %acc[{2}] : "
                           "!wgacc\n",
                           j, e, 4 * j + e)
                 .str();
      s += llvm::formatv(
               "  %v{0} = vector.from_elements %e{0}_0, %e{0}_1, %e{0}_2, "
               "%e{0}_3 : vector<4xf32>\n"
               "  %j{0} = arith.constant {1} : index\n"
               "  %col{0} = arith.addi %n0, %j{0} : index\n"
               "  func.call @{2}({3}, %col{0}, {4}, %v{0}) : ({5}) -> ()\n",
               j, 8 * j, callee, before, after, calleeTypes)
               .str();
    }
    s += "  return\n}\n";
  };
  fragments("wg_store",
            "%bias: memref<?x!act>, %res: memref<?x!act>, %out: "
            "memref<?x!act>, %m0: index, %n0: index, %lane: index, %tokens: "
            "index, %pairs: index, %ncols: index, %flags: i32, %kind: i32",
            "gemm_store", "%bias, %res, %out, %m0",
            "%lane, %tokens, %pairs, %ncols, %flags, %kind",
            "memref<?x!act>, memref<?x!act>, memref<?x!act>, index, index, "
            "index, index, index, index, i32, i32, vector<4xf32>");
  fragments("wg_partial",
            "%ws: memref<?xf32>, %z: index, %m0: index, %n0: index, %lane: "
            "index, %tokens: index, %rows: index",
            "partial_store", "%ws, %z, %m0", "%lane, %tokens, %rows",
            "memref<?xf32>, index, index, index, index, index, index, "
            "vector<4xf32>");
  return s;
}
} // namespace

std::string mlir::ffn::kernelLibrarySource(Precision precision, bool hopper) {
  std::string s = "!act = ";
  s += precision == Precision::BF16   ? "bf16"
       : precision == Precision::FP16 ? "f16"
                                      : "f32";
  bool wgmma = hopper && precision != Precision::FP32;
  if (wgmma) {
    s += "\n!wgacc = !llvm.struct<(";
    for (int i = 0; i < 128; ++i)
      s += i ? ", f32" : "f32";
    s += ")>";
  }
  s += "\ngpu.module @ffn_kernels {\n";
  s += enumPrelude();
  s += precision == Precision::FP32 ? kF32Source : kHalfSource;
  for (const char *part :
       {kCommonSource, kElementwiseSource, kLinearSource, kAttentionSource})
    s += part;
  // Tensor cores take the 16-bit precisions.
  if (precision != Precision::FP32)
    s += mmaHelper(precision) + kGemmSource;
  if (wgmma)
    s += wgmmaHelpers(precision) + kWgmmaSource;
  s += "}\n";
  return s;
}
