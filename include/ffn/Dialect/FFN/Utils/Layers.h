//===- Layers.h - Which layer of the model an op belongs to -----*- C++ -*-===//
//
// FFN blocks and attention ops are named "ffn N" and "attention N" (their
// program-order numbers, the ones --ffn-fusion's ranges use) when they are
// raised; a fused group is "ffn A-B". The names live in the ops' locations,
// so they survive fusion and lowering and reach the launch plan, where
// profiles group kernel times by them.
//
//===----------------------------------------------------------------------===//

#ifndef FFN_DIALECT_FFN_UTILS_LAYERS_H
#define FFN_DIALECT_FFN_UTILS_LAYERS_H

#include "mlir/IR/Operation.h"

#include <string>

namespace mlir::ffn {

/// Names every ffn.ffn_block and ffn.attention under `root` by its
/// program-order number; ops named already keep their names.
void nameLayers(Operation *root);

/// The name of the layer `op` belongs to: its own layer name; "embedding"
/// for the embedding; else that of
/// the attention it reads (the output projection, the residual add); else
/// that of the attention or FFN block it feeds (norm, projections, RoPE);
/// else the op's own name from the model (the ONNX node's); else "".
std::string layerOf(Operation *op);

} // namespace mlir::ffn

#endif // FFN_DIALECT_FFN_UTILS_LAYERS_H
