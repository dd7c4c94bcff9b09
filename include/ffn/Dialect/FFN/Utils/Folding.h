//===- Folding.h - Constant folding of ffn.node -----------------*- C++ -*-===//
//
// ONNX nodes whose operands are all constants fold into a constant through
// the same evaluation the passes use (Evaluate.h). It is registered as the
// ffn dialect's fold interface from here, so that the dialect itself stays
// free of the evaluator.
//
//===----------------------------------------------------------------------===//

#ifndef FFN_DIALECT_FFN_UTILS_FOLDING_H
#define FFN_DIALECT_FFN_UTILS_FOLDING_H

#include "mlir/IR/DialectRegistry.h"

#include <cstdint>

namespace mlir::ffn {

/// Results larger than this stay as nodes: folding is for small constants
/// (shapes, scalars, masks), never for weights.
constexpr int64_t kMaxFoldedElements = 1 << 16;

/// Registers the fold interface that folds ffn.node over constants.
void registerFFNFoldInterface(DialectRegistry &registry);

} // namespace mlir::ffn

#endif // FFN_DIALECT_FFN_UTILS_FOLDING_H
