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

/// A float constant of `type` written a piece at a time into an unlinked
/// temporary file mapped in memory: pieces released after writing go back
/// to the file, so a constant of gigabytes costs the memory of a piece. The
/// file disappears when the attribute's data is freed (or the process
/// ends). The temporary folder is $TMPDIR, else /tmp.
class ScratchConstant {
public:
  static llvm::Expected<ScratchConstant> create(RankedTensorType type);
  ScratchConstant(ScratchConstant &&other);
  ~ScratchConstant();

  /// Stores `values` as elements [first, first + values.size()).
  void write(int64_t first, llvm::ArrayRef<float> values);
  /// Gives the pages of elements [first, last) back to the file; pages only
  /// partly covered stay.
  void release(int64_t first, int64_t last);
  /// The finished constant, named after `name`; the data moves into it.
  DenseResourceElementsAttr take(StringRef name);

private:
  ScratchConstant(RankedTensorType type, char *data, size_t bytes)
      : type(type), data(data), bytes(bytes) {}
  RankedTensorType type;
  char *data = nullptr;
  size_t bytes = 0;
};

} // namespace mlir::ffn::ref

#endif // FFN_DIALECT_FFN_UTILS_TENSORATTR_H
