//===- Tensor.cpp - Host tensors for evaluating ffn IR --------------------===//

#include "ffn/Dialect/FFN/Utils/Tensor.h"

#include "llvm/Support/FormatVariadic.h"

#include <limits>

#include "ffn/Support/Npy.h"
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

using namespace mlir::ffn::ref;

Tensor::Tensor(DType dtype, std::vector<int64_t> shape)
    : type(dtype), dims(std::move(shape)) {
  if (isFloat())
    floats.assign(numElements(), 0.0f);
  else
    ints.assign(numElements(), 0);
}

Tensor Tensor::scalarFloat(float value) {
  Tensor t(DType::F32, {});
  t.floats[0] = value;
  return t;
}

Tensor Tensor::scalarInt(int64_t value, DType dtype) {
  Tensor t(dtype, {});
  t.ints[0] = value;
  return t;
}

/// Half the machine's memory, or half the address space or data segment a
/// resource limit (ulimit -v, -d) leaves, whichever is smallest: past it an
/// allocation would fail instead of being refused with the node's name.
static uint64_t &budget() {
  static uint64_t bytes = [] {
    long pages = ::sysconf(_SC_PHYS_PAGES), size = ::sysconf(_SC_PAGESIZE);
    uint64_t most = pages > 0 && size > 0 ? uint64_t(pages) * uint64_t(size)
                                          : uint64_t(1) << 35;
    for (int resource : {RLIMIT_AS, RLIMIT_DATA}) {
      struct rlimit limit;
      if (::getrlimit(resource, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
        most = std::min<uint64_t>(most, limit.rlim_cur);
    }
    return most / 2;
  }();
  return bytes;
}

uint64_t mlir::ffn::ref::memoryBudget() { return budget(); }
void mlir::ffn::ref::setMemoryBudget(uint64_t bytes) { budget() = bytes; }

std::string mlir::ffn::ref::allocationProblem(llvm::ArrayRef<int64_t> shape,
                                              uint64_t bytesPerElement) {
  uint64_t elements = 1;
  for (int64_t d : shape) {
    if (d < 0)
      return "a negative dimension (" + std::to_string(d) + ")";
    if (d && elements > std::numeric_limits<int64_t>::max() / uint64_t(d))
      return "more elements than fit in 64 bits";
    elements *= d;
  }
  // In the unit that shows the sizes, down to small test budgets.
  auto size = [](double bytes) {
    const char *units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    int unit = 0;
    while (bytes >= 1024 && unit < 4) {
      bytes /= 1024;
      ++unit;
    }
    return llvm::formatv(unit ? "{0:F1} {1}" : "{0:F0} {1}", bytes, units[unit])
        .str();
  };
  if (elements > budget() / std::max<uint64_t>(bytesPerElement, 1))
    return llvm::formatv("{0} elements ({1}), more than the memory budget of "
                         "{2} (--max-memory)",
                         elements, size(double(elements) * bytesPerElement),
                         size(double(budget())))
        .str();
  return "";
}

int64_t Tensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : dims)
    n *= d;
  return n;
}

Tensor Tensor::reshaped(std::vector<int64_t> shape) const {
  Tensor t = *this;
  t.dims = std::move(shape);
  return t;
}

/// Wraps an integer to the range of a narrower integer type.
static int64_t wrapTo(int64_t value, DType dtype) {
  switch (dtype) {
  case DType::I32: return static_cast<int32_t>(value);
  case DType::I16: return static_cast<int16_t>(value);
  case DType::U32: return static_cast<uint32_t>(value);
  case DType::U16: return static_cast<uint16_t>(value);
  case DType::I8: return static_cast<int8_t>(value);
  case DType::U8: return static_cast<uint8_t>(value);
  case DType::Bool: return value != 0;
  default: return value;
  }
}

Tensor Tensor::cast(DType to) const {
  Tensor t(to, dims);
  int64_t n = numElements();
  for (int64_t k = 0; k < n; ++k) {
    if (t.isFloat())
      t.floats[k] = ffnsupport::roundTo(
          isFloat() ? floats[k] : static_cast<float>(ints[k]), to);
    else if (isFloat())
      t.ints[k] = to == DType::Bool ? floats[k] != 0.0f
                                    : wrapTo(static_cast<int64_t>(floats[k]), to);
    else
      t.ints[k] = wrapTo(ints[k], to);
  }
  return t;
}

std::string Tensor::shapeString() const {
  return ffnsupport::shapeString(dims);
}

std::vector<int64_t> mlir::ffn::ref::stridesOf(llvm::ArrayRef<int64_t> shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (int64_t k = static_cast<int64_t>(shape.size()) - 2; k >= 0; --k)
    strides[k] = strides[k + 1] * shape[k + 1];
  return strides;
}

std::pair<double, double>
mlir::ffn::ref::meanAndInverseStd(const float *values, int64_t n, double eps) {
  double sum = 0, squares = 0;
  for (int64_t k = 0; k < n; ++k)
    sum += values[k];
  double mean = sum / n;
  for (int64_t k = 0; k < n; ++k)
    squares += (values[k] - mean) * (values[k] - mean);
  return {mean, 1.0 / std::sqrt(squares / n + eps)};
}

Tensor mlir::ffn::ref::rowOf(const Tensor &t, int64_t r) {
  std::vector<int64_t> shape(t.shape().begin(), t.shape().end());
  int64_t size = t.numElements() / shape[0];
  shape[0] = 1;
  Tensor out(t.dtype(), shape);
  if (t.isFloat())
    std::copy_n(t.f().begin() + r * size, size, out.f().begin());
  else
    std::copy_n(t.i().begin() + r * size, size, out.i().begin());
  return out;
}

ffnsupport::ErrorStats mlir::ffn::ref::errorStats(const Tensor &actual,
                                                  const Tensor &expected) {
  ffnsupport::ErrorStats stats;
  for (int64_t k = 0, n = expected.numElements(); k < n; ++k)
    stats.add(actual.getDouble(k), expected.getDouble(k));
  return stats;
}
