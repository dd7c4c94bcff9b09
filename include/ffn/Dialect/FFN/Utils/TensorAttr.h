//===- TensorAttr.h - Host tensors from and to attributes -------*- C++ -*-===//

#ifndef FFN_DIALECT_FFN_UTILS_TENSORATTR_H
#define FFN_DIALECT_FFN_UTILS_TENSORATTR_H

#include "ffn/Dialect/FFN/Utils/Tensor.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/Error.h"

#include <vector>

namespace mlir::ffn::ref {

/// The dtype that stores values of the MLIR element type `type`.
llvm::Expected<DType> dtypeOf(Type type);

/// Converts a constant attribute (dense or dense_resource) to a tensor.
llvm::Expected<Tensor> tensorFromAttr(Attribute attr);

/// Stores a floating-point tensor as a dense_resource attribute of `type`'s
/// element type, under a resource named after `name`.
DenseResourceElementsAttr tensorToAttr(const Tensor &tensor,
                                       RankedTensorType type, StringRef name);

/// Unmaps the pages of a dense_resource constant's data from the process
/// once a pass has read it for the last time: mapped from the model's file,
/// they stay in the page cache and are read again if used again. Other
/// constants are left alone.
void unmapConstantPages(Attribute attr);

/// The rows of a 2-D float constant, decoded into floats as they are read:
/// a dense_resource constant (a mapped weight of gigabytes) is read in place
/// and never materialized; any other is turned into a tensor once.
class ConstantRows {
public:
  ConstantRows() = default;
  /// Rows of a 2-D float tensor.
  explicit ConstantRows(Tensor t);
  static llvm::Expected<ConstantRows> get(ElementsAttr attr);

  int64_t rows() const { return shape[0]; }
  int64_t cols() const { return shape[1]; }
  /// Writes row `r`'s cols() values to `out`.
  void read(int64_t r, float *out) const;

private:
  const char *data = nullptr;
  DType dtype = DType::F32;
  int64_t shape[2] = {0, 0};
  Tensor tensor;
};

/// A float constant of `type` written a piece at a time into an unlinked
/// temporary file, not into memory: the pieces sit in the page cache, which
/// the system writes out and reclaims as it needs, so a constant of
/// gigabytes costs no memory of the process. Once complete it is mapped
/// read-only as the constant's resource blob; the file disappears when that
/// is freed (or the process ends). The folder is $TMPDIR, else /tmp.
class ScratchConstant {
public:
  static llvm::Expected<ScratchConstant> create(RankedTensorType type);
  ScratchConstant(ScratchConstant &&other);
  ~ScratchConstant();

  /// Stores `values` as elements [first, first + values.size()); false when
  /// the file cannot be written (a full disk). Threads may write disjoint
  /// elements at once.
  bool write(int64_t first, llvm::ArrayRef<float> values);
  /// The finished constant, named after `name`.
  llvm::Expected<DenseResourceElementsAttr> take(StringRef name);

private:
  ScratchConstant(RankedTensorType type, int fd, size_t bytes)
      : type(type), fd(fd), bytes(bytes) {}
  RankedTensorType type;
  int fd = -1;
  size_t bytes = 0;
};

} // namespace mlir::ffn::ref

#endif // FFN_DIALECT_FFN_UTILS_TENSORATTR_H
