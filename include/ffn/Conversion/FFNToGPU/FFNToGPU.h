//===- FFNToGPU.h - Lowering the ffn dialect to GPU kernels -----*- C++ -*-===//
//
// convert-ffn-to-gpu turns func @main in the ffn dialect into a GPU program:
// gpu.module @ffn_kernels (the kernel library) and the host function
// @ffn_plan (ffnrt ops and gpu.launch_func). See Passes.td.
//
//===----------------------------------------------------------------------===//

#ifndef FFN_CONVERSION_FFNTOGPU_FFNTOGPU_H
#define FFN_CONVERSION_FFNTOGPU_FFNTOGPU_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Transforms/DialectConversion.h"

#include <string>

namespace mlir::ffn {

enum class Precision { BF16, FP16, FP32 };
llvm::StringRef precisionName(Precision precision);
/// The storage type of activations and weights in `precision`.
Type precisionType(MLIRContext *ctx, Precision precision);

/// The architectures the kernels are built and tested for.
bool isSupportedChip(llvm::StringRef chip);
constexpr llvm::StringLiteral kSupportedChips = "sm_80, sm_86, sm_89 or sm_90";

/// What the patterns share while one function is converted.
struct GPULoweringState {
  Precision precision = Precision::BF16;
  /// The storage type of activations.
  Type act;
  /// Largest batch * seq one call may process; buffers are sized for it.
  int64_t maxTokens = 4096;
  /// The model's token ids, [batch, seq].
  RankedTensorType input;
  /// Hopper's wgmma and TMA are available (sm_90, built as sm_90a).
  bool hopper = false;
  /// The most sequences one call may process (0: any that fit maxTokens):
  /// a generation step's --max-batch, 1 when some tensor has a static batch
  /// of 1.
  int64_t maxBatch = 0;
  /// For a generation step: the positions each KV cache holds.
  int64_t maxContext = 0;
  /// The model's output names, by result index.
  SmallVector<std::string> outputNames;
  /// The layer each op of the model belongs to (ffn::layerOf), found before
  /// conversion rewrites the uses it is read from.
  DenseMap<Operation *, std::string> layers;
};

/// Tensors of [rows, features] become flat buffers of the storage type.
void populateFFNToGPUTypeConversions(TypeConverter &converter,
                                     const GPULoweringState &state);

/// Patterns that turn ffn ops, the ffn.node ops the kernels cover and
/// func.return into launches of the kernel library.
void populateFFNToGPUConversionPatterns(GPULoweringState &state,
                                        TypeConverter &converter,
                                        RewritePatternSet &patterns);

/// The kernel library (gpu dialect) for `precision`, as MLIR source; with
/// `hopper`, also the wgmma/TMA kernels.
std::string kernelLibrarySource(Precision precision, bool hopper);

/// The chip the kernels are built for: Hopper's wgmma needs the
/// architecture-specific sm_90a.
std::string kernelChipFor(llvm::StringRef chip);

} // namespace mlir::ffn

#endif // FFN_CONVERSION_FFNTOGPU_FFNTOGPU_H
