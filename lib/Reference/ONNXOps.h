//===- ONNXOps.h - Reference semantics of the ONNX operators ----*- C++ -*-===//

#ifndef FFN_LIB_REFERENCE_ONNXOPS_H
#define FFN_LIB_REFERENCE_ONNXOPS_H

#include "ffn/Dialect/FFN/IR/FFNOps.h"
#include "ffn/Reference/Tensor.h"

namespace mlir::ffn::ref {

/// Evaluates one ffn.node (an ONNX operator) on host tensors.
llvm::Expected<std::vector<Tensor>>
evaluateNode(NodeOp node, llvm::ArrayRef<const Tensor *> inputs);

} // namespace mlir::ffn::ref

#endif // FFN_LIB_REFERENCE_ONNXOPS_H
