//===- TensorAttr.h - Host tensors from and to attributes -------*- C++ -*-===//

#ifndef FFN_DIALECT_FFN_UTILS_TENSORATTR_H
#define FFN_DIALECT_FFN_UTILS_TENSORATTR_H

#include "ffn/Dialect/FFN/Utils/Tensor.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/Error.h"

namespace mlir::ffn::ref {

/// The dtype that stores values of the MLIR element type `type`.
llvm::Expected<DType> dtypeOf(Type type);

/// Converts a constant attribute (dense or dense_resource) to a tensor.
llvm::Expected<Tensor> tensorFromAttr(Attribute attr);

/// Stores a floating-point tensor as a dense_resource attribute of `type`'s
/// element type, under a resource named after `name`.
DenseResourceElementsAttr tensorToAttr(const Tensor &tensor,
                                       RankedTensorType type, StringRef name);

} // namespace mlir::ffn::ref

#endif // FFN_DIALECT_FFN_UTILS_TENSORATTR_H
