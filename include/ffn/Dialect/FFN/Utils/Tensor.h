//===- Tensor.h - Host tensors for evaluating ffn IR ------------*- C++ -*-===//
//
// A deliberately plain tensor: a shape and a contiguous row-major buffer,
// floats held as fp32 and integers and booleans as int64, whatever their
// width in the model. Constant folding, the passes that evaluate subgraphs
// and the reference executor compute in these.
//
//===----------------------------------------------------------------------===//

#ifndef FFN_DIALECT_FFN_UTILS_TENSOR_H
#define FFN_DIALECT_FFN_UTILS_TENSOR_H

#include "ffn/Support/DType.h"
#include "ffn/Support/Metrics.h"

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mlir::ffn::ref {

using ffnsupport::DType;
using ffnsupport::dtypeName;
using ffnsupport::isFloat;

class Tensor {
public:
  Tensor() = default;
  /// A zero-filled tensor.
  Tensor(DType dtype, std::vector<int64_t> shape);

  static Tensor scalarFloat(float value);
  static Tensor scalarInt(int64_t value, DType dtype = DType::I64);

  DType dtype() const { return type; }
  bool isFloat() const { return ffn::ref::isFloat(type); }
  llvm::ArrayRef<int64_t> shape() const { return dims; }
  int64_t rank() const { return dims.size(); }
  int64_t dim(int64_t i) const { return dims[i < 0 ? i + rank() : i]; }
  int64_t numElements() const;

  /// Float storage (float dtypes).
  std::vector<float> &f() { return floats; }
  const std::vector<float> &f() const { return floats; }
  /// Integer storage (integer and boolean dtypes).
  std::vector<int64_t> &i() { return ints; }
  const std::vector<int64_t> &i() const { return ints; }

  /// Element `k` (row-major) as double / int64, whatever the storage.
  double getDouble(int64_t k) const {
    return isFloat() ? floats[k] : static_cast<double>(ints[k]);
  }
  int64_t getInt(int64_t k) const {
    return isFloat() ? static_cast<int64_t>(floats[k]) : ints[k];
  }

  /// The same data under another shape with as many elements.
  Tensor reshaped(std::vector<int64_t> shape) const;
  /// Converts to `dtype` as ONNX Cast does.
  Tensor cast(DType dtype) const;

  std::string shapeString() const;

private:
  DType type = DType::F32;
  std::vector<int64_t> dims;
  std::vector<float> floats;
  std::vector<int64_t> ints;
};

/// Row-major strides of `shape`.
std::vector<int64_t> stridesOf(llvm::ArrayRef<int64_t> shape);

/// A tensor of `shape` whose element at each multi-index is `x`'s element at
/// the row-major offset `source(index)`: the core of every data movement op.
template <typename Fn>
Tensor gatherBy(const Tensor &x, std::vector<int64_t> shape, Fn source) {
  Tensor out(x.dtype(), shape);
  std::vector<int64_t> index(shape.size(), 0);
  for (int64_t e = 0, n = out.numElements(); e < n; ++e) {
    int64_t from = source(llvm::ArrayRef<int64_t>(index));
    if (out.isFloat())
      out.f()[e] = x.f()[from];
    else
      out.i()[e] = x.i()[from];
    for (int64_t k = static_cast<int64_t>(shape.size()) - 1; k >= 0; --k) {
      if (++index[k] < shape[k])
        break;
      index[k] = 0;
    }
  }
  return out;
}

/// Mean and 1/sqrt(biased variance + eps) of `n` values, in double.
std::pair<double, double> meanAndInverseStd(const float *values, int64_t n,
                                            double eps);

/// Row `r` of `t`'s first dimension, keeping that dimension (as size 1).
Tensor rowOf(const Tensor &t, int64_t r);

/// The error of `actual` against `expected`, element by element; they must
/// have as many elements.
ffnsupport::ErrorStats errorStats(const Tensor &actual, const Tensor &expected);

/// The most bytes one tensor the executors compute may take (default: half
/// the machine's memory); tools set it from --max-memory.
uint64_t memoryBudget();
void setMemoryBudget(uint64_t bytes);

/// Why a tensor of `shape` with `bytesPerElement` cannot be allocated: a
/// negative dimension, an element count that overflows, or more bytes than
/// memoryBudget(); "" when it can.
std::string allocationProblem(llvm::ArrayRef<int64_t> shape,
                              uint64_t bytesPerElement);

} // namespace mlir::ffn::ref

#endif // FFN_DIALECT_FFN_UTILS_TENSOR_H
