//===- ONNXOps.cpp - Reference semantics of the ONNX operators ------------===//
//
// One function per ONNX operator that the frontend accepts, following the
// operator specification for opsets 13 to 21. Shapes come from the operands
// at run time; the result dtype comes from the op's result type.
//
//===----------------------------------------------------------------------===//

#include "ONNXOps.h"

#include "ffn/Reference/Executor.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FormatVariadic.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

using namespace mlir;
using namespace mlir::ffn;
using namespace mlir::ffn::ref;

using Result = llvm::Expected<std::vector<Tensor>>;

namespace {

/// Collects what an ONNX op implementation needs.
struct NodeContext {
  mutable NodeOp node;
  llvm::ArrayRef<const Tensor *> inputs;
  std::vector<DType> outTypes;

  const Tensor &in(unsigned k) const { return *inputs[k]; }
  bool has(unsigned k) const { return k < inputs.size(); }
  int64_t intAttr(StringRef name, int64_t otherwise) const {
    auto attr = dyn_cast_or_null<IntegerAttr>(node.getOnnxAttr(name));
    return attr ? attr.getInt() : otherwise;
  }
  float floatAttr(StringRef name, float otherwise) const {
    auto attr = dyn_cast_or_null<FloatAttr>(node.getOnnxAttr(name));
    return attr ? attr.getValueAsDouble() : otherwise;
  }
  std::optional<std::vector<int64_t>> intsAttr(StringRef name) const {
    auto attr = dyn_cast_or_null<DenseI64ArrayAttr>(node.getOnnxAttr(name));
    if (!attr)
      return std::nullopt;
    return std::vector<int64_t>(attr.asArrayRef().begin(),
                                attr.asArrayRef().end());
  }
  llvm::Error fail(const llvm::Twine &message) const {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   node.getOpType() + ": " + message);
  }
};

std::vector<int64_t> valuesOf(const Tensor &t) {
  std::vector<int64_t> v(t.numElements());
  for (int64_t k = 0; k < t.numElements(); ++k)
    v[k] = t.getInt(k);
  return v;
}

/// Normalizes a possibly negative axis against `rank`.
llvm::Expected<int64_t> axisIn(const NodeContext &c, int64_t axis,
                               int64_t rank) {
  if (axis < -rank || axis >= std::max<int64_t>(rank, 1))
    return c.fail(llvm::formatv("axis {0} is out of range for rank {1}", axis,
                                rank));
  return axis < 0 ? axis + rank : axis;
}

//===----------------------------------------------------------------------===//
// Broadcasting elementwise ops
//===----------------------------------------------------------------------===//

llvm::Expected<std::vector<int64_t>>
broadcastShapes(const NodeContext &c,
                llvm::ArrayRef<llvm::ArrayRef<int64_t>> shapes) {
  size_t rank = 0;
  for (auto s : shapes)
    rank = std::max(rank, s.size());
  std::vector<int64_t> out(rank, 1);
  for (auto s : shapes) {
    for (size_t k = 0; k < s.size(); ++k) {
      int64_t &o = out[rank - s.size() + k];
      if (s[k] == o || s[k] == 1)
        continue;
      if (o != 1)
        return c.fail("shapes cannot be broadcast together");
      o = s[k];
    }
  }
  return out;
}

/// Offsets of every element of a broadcast result into each input.
std::vector<std::vector<int64_t>>
broadcastOffsets(llvm::ArrayRef<int64_t> out,
                 llvm::ArrayRef<llvm::ArrayRef<int64_t>> shapes) {
  int64_t count = 1;
  for (int64_t d : out)
    count *= d;
  std::vector<std::vector<int64_t>> offsets(shapes.size(),
                                            std::vector<int64_t>(count));
  int64_t rank = out.size();
  for (size_t s = 0; s < shapes.size(); ++s) {
    std::vector<int64_t> inStrides = stridesOf(shapes[s]);
    // Strides aligned to the output's dims; 0 where broadcast.
    std::vector<int64_t> strides(rank, 0);
    int64_t lead = rank - shapes[s].size();
    for (size_t k = 0; k < shapes[s].size(); ++k)
      strides[lead + k] = shapes[s][k] == 1 ? 0 : inStrides[k];
    std::vector<int64_t> index(rank, 0);
    int64_t offset = 0;
    for (int64_t e = 0; e < count; ++e) {
      offsets[s][e] = offset;
      for (int64_t k = rank - 1; k >= 0; --k) {
        if (++index[k] < out[k]) {
          offset += strides[k];
          break;
        }
        offset -= strides[k] * (out[k] - 1);
        index[k] = 0;
      }
    }
  }
  return offsets;
}

/// Applies `floatFn` (float inputs) or `intFn` (integer inputs) elementwise
/// with broadcasting; the result has dtype `out`.
template <typename FloatFn, typename IntFn>
llvm::Expected<Tensor> elementwise(const NodeContext &c,
                                   std::vector<const Tensor *> ins, DType out,
                                   FloatFn floatFn, IntFn intFn) {
  std::vector<llvm::ArrayRef<int64_t>> shapes;
  for (const Tensor *t : ins)
    shapes.push_back(t->shape());
  auto shape = broadcastShapes(c, shapes);
  if (!shape)
    return shape.takeError();
  auto offsets = broadcastOffsets(*shape, shapes);
  Tensor result(out, *shape);
  bool floatIn = ins[0]->isFloat();
  std::vector<double> fargs(ins.size());
  std::vector<int64_t> iargs(ins.size());
  for (int64_t e = 0, n = result.numElements(); e < n; ++e) {
    double value;
    if (floatIn) {
      for (size_t s = 0; s < ins.size(); ++s)
        fargs[s] = ins[s]->getDouble(offsets[s][e]);
      value = floatFn(fargs);
    } else {
      for (size_t s = 0; s < ins.size(); ++s)
        iargs[s] = ins[s]->getInt(offsets[s][e]);
      int64_t v = intFn(iargs);
      if (!result.isFloat()) {
        result.i()[e] = out == DType::Bool ? v != 0 : v;
        continue;
      }
      value = static_cast<double>(v);
    }
    if (result.isFloat())
      result.f()[e] = static_cast<float>(value);
    else
      result.i()[e] = out == DType::Bool ? value != 0.0 : static_cast<int64_t>(value);
  }
  return result;
}

Result single(llvm::Expected<Tensor> t) {
  if (!t)
    return t.takeError();
  std::vector<Tensor> results;
  results.push_back(std::move(*t));
  return results;
}

Result unary(const NodeContext &c, double (*f)(double)) {
  return single(elementwise(
      c, {&c.in(0)}, c.outTypes[0],
      [&](llvm::ArrayRef<double> a) { return f(a[0]); },
      [&](llvm::ArrayRef<int64_t> a) {
        return static_cast<int64_t>(f(static_cast<double>(a[0])));
      }));
}

template <typename F, typename I>
Result binary(const NodeContext &c, F f, I i) {
  return single(elementwise(
      c, {&c.in(0), &c.in(1)}, c.outTypes[0],
      [&](llvm::ArrayRef<double> a) { return f(a[0], a[1]); },
      [&](llvm::ArrayRef<int64_t> a) { return i(a[0], a[1]); }));
}

template <typename F>
Result variadic(const NodeContext &c, F f) {
  std::vector<const Tensor *> ins(c.inputs.begin(), c.inputs.end());
  return single(elementwise(
      c, ins, c.outTypes[0],
      [&](llvm::ArrayRef<double> a) {
        return std::accumulate(a.begin() + 1, a.end(), a[0], f);
      },
      [&](llvm::ArrayRef<int64_t> a) {
        return std::accumulate(a.begin() + 1, a.end(), a[0], f);
      }));
}

//===----------------------------------------------------------------------===//
// Linear algebra and normalization
//===----------------------------------------------------------------------===//

/// C[m, n] = Σ_k A[m, k] · B[k, n] (+= when accumulate), row-major.
void sgemm(const float *a, const float *b, float *out, int64_t m, int64_t n,
           int64_t k, bool transB = false, float beta = 0.0f) {
  if (m == 0 || n == 0)
    return;
  cblas_sgemm(CblasRowMajor, CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
              m, n, k, 1.0f, a, k, b, transB ? k : n, beta, out, n);
}

Result matMul(const NodeContext &c) {
  Tensor a = c.in(0), b = c.in(1);
  if (!a.isFloat() || !b.isFloat())
    return c.fail("integer matmul is not supported");
  bool vecA = a.rank() == 1, vecB = b.rank() == 1;
  if (vecA)
    a = a.reshaped({1, a.dim(0)});
  if (vecB)
    b = b.reshaped({b.dim(0), 1});
  if (a.rank() < 2 || b.rank() < 2)
    return c.fail("operands must have rank at least 1");
  int64_t m = a.dim(-2), k = a.dim(-1), n = b.dim(-1);
  if (b.dim(-2) != k)
    return c.fail(llvm::formatv("contracting dimensions differ: {0} vs {1}", k,
                                b.dim(-2)));
  std::vector<int64_t> batchA(a.shape().begin(), a.shape().end() - 2);
  std::vector<int64_t> batchB(b.shape().begin(), b.shape().end() - 2);
  auto batch = broadcastShapes(c, {batchA, batchB});
  if (!batch)
    return batch.takeError();
  auto offsets = broadcastOffsets(*batch, {batchA, batchB});
  std::vector<int64_t> shape = *batch;
  shape.push_back(m);
  shape.push_back(n);
  Tensor out(DType::F32, shape);
  for (size_t e = 0; e < offsets[0].size(); ++e)
    sgemm(a.f().data() + offsets[0][e] * m * k,
          b.f().data() + offsets[1][e] * k * n, out.f().data() + e * m * n, m,
          n, k);
  // Drop the dims that the 1-D operands gained.
  std::vector<int64_t> finalShape = *batch;
  if (!vecA)
    finalShape.push_back(m);
  if (!vecB)
    finalShape.push_back(n);
  return single(out.reshaped(finalShape).cast(c.outTypes[0]));
}

Result gemm(const NodeContext &c) {
  Tensor a = c.in(0), b = c.in(1);
  if (a.rank() != 2 || b.rank() != 2)
    return c.fail("A and B must be matrices");
  bool transA = c.intAttr("transA", 0), transB = c.intAttr("transB", 0);
  int64_t m = transA ? a.dim(1) : a.dim(0), k = transA ? a.dim(0) : a.dim(1);
  int64_t kb = transB ? b.dim(1) : b.dim(0), n = transB ? b.dim(0) : b.dim(1);
  if (k != kb)
    return c.fail("contracting dimensions differ");
  float alpha = c.floatAttr("alpha", 1.0f), beta = c.floatAttr("beta", 1.0f);
  Tensor out(DType::F32, {m, n});
  if (c.has(2)) {
    auto offsets = broadcastOffsets({m, n}, {c.in(2).shape()});
    for (int64_t e = 0; e < m * n; ++e)
      out.f()[e] = beta * c.in(2).getDouble(offsets[0][e]);
  }
  if (m && n)
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans,
                transB ? CblasTrans : CblasNoTrans, m, n, k, alpha,
                a.f().data(), a.dim(1), b.f().data(), b.dim(1),
                c.has(2) ? 1.0f : 0.0f, out.f().data(), n);
  return single(out.cast(c.outTypes[0]));
}

/// Splits `shape` around `axis` into outer · axis · inner element counts.
std::tuple<int64_t, int64_t, int64_t> around(llvm::ArrayRef<int64_t> shape,
                                             int64_t axis) {
  int64_t outer = 1, inner = 1;
  for (int64_t k = 0; k < axis; ++k)
    outer *= shape[k];
  for (size_t k = axis + 1; k < shape.size(); ++k)
    inner *= shape[k];
  return {outer, shape.empty() ? 1 : shape[axis], inner};
}

Result softmax(const NodeContext &c) {
  const Tensor &x = c.in(0);
  auto axis = axisIn(c, c.intAttr("axis", -1), x.rank());
  if (!axis)
    return axis.takeError();
  auto [outer, count, inner] = around(x.shape(), *axis);
  Tensor out(DType::F32, std::vector<int64_t>(x.shape()));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      int64_t base = o * count * inner + i;
      double maxValue = -std::numeric_limits<double>::infinity();
      for (int64_t k = 0; k < count; ++k)
        maxValue = std::max<double>(maxValue, x.f()[base + k * inner]);
      double sum = 0;
      for (int64_t k = 0; k < count; ++k)
        sum += std::exp(x.f()[base + k * inner] - maxValue);
      for (int64_t k = 0; k < count; ++k)
        out.f()[base + k * inner] =
            std::exp(x.f()[base + k * inner] - maxValue) / sum;
    }
  return single(out.cast(c.outTypes[0]));
}

Result layerNormalization(const NodeContext &c) {
  const Tensor &x = c.in(0);
  auto axis = axisIn(c, c.intAttr("axis", -1), x.rank());
  if (!axis)
    return axis.takeError();
  float eps = c.floatAttr("epsilon", 1e-5f);
  int64_t outer = 1, inner = 1;
  for (int64_t k = 0; k < x.rank(); ++k)
    (k < *axis ? outer : inner) *= x.dim(k);
  std::vector<int64_t> statShape(x.shape().begin(), x.shape().end());
  for (int64_t k = *axis; k < x.rank(); ++k)
    statShape[k] = 1;
  Tensor out(DType::F32, std::vector<int64_t>(x.shape()));
  Tensor mean(DType::F32, statShape), invStd(DType::F32, statShape);
  std::vector<int64_t> innerShape(x.shape().begin() + *axis, x.shape().end());
  auto scale = broadcastOffsets(innerShape, {c.in(1).shape()});
  std::optional<std::vector<std::vector<int64_t>>> bias;
  if (c.has(2))
    bias = broadcastOffsets(innerShape, {c.in(2).shape()});
  for (int64_t o = 0; o < outer; ++o) {
    const float *row = x.f().data() + o * inner;
    auto [mu, rstd] = meanAndInverseStd(row, inner, eps);
    mean.f()[o] = mu;
    invStd.f()[o] = rstd;
    for (int64_t i = 0; i < inner; ++i) {
      double v = (row[i] - mu) * rstd * c.in(1).getDouble(scale[0][i]);
      if (bias)
        v += c.in(2).getDouble((*bias)[0][i]);
      out.f()[o * inner + i] = v;
    }
  }
  std::vector<Tensor> results;
  results.push_back(out.cast(c.outTypes[0]));
  if (c.outTypes.size() > 1)
    results.push_back(mean);
  if (c.outTypes.size() > 2)
    results.push_back(invStd);
  return results;
}

/// The axes of a reduction: input 1 (opset 18+) or the `axes` attribute.
llvm::Expected<std::vector<int64_t>> reductionAxes(const NodeContext &c,
                                                  bool &noop) {
  std::vector<int64_t> axes;
  if (c.has(1))
    axes = valuesOf(c.in(1));
  else if (auto attr = c.intsAttr("axes"))
    axes = *attr;
  noop = axes.empty() && c.intAttr("noop_with_empty_axes", 0);
  if (axes.empty() && !noop)
    for (int64_t k = 0; k < c.in(0).rank(); ++k)
      axes.push_back(k);
  for (int64_t &axis : axes) {
    auto normalized = axisIn(c, axis, c.in(0).rank());
    if (!normalized)
      return normalized.takeError();
    axis = *normalized;
  }
  return axes;
}

enum class Reduction { Sum, Mean, Max };

Result reduce(const NodeContext &c, Reduction kind) {
  const Tensor &x = c.in(0);
  bool noop;
  auto axes = reductionAxes(c, noop);
  if (!axes)
    return axes.takeError();
  if (noop)
    return single(x.cast(c.outTypes[0]));
  std::vector<bool> reduced(x.rank(), false);
  for (int64_t axis : *axes)
    reduced[axis] = true;
  std::vector<int64_t> kept(x.shape().begin(), x.shape().end());
  int64_t count = 1;
  for (int64_t k = 0; k < x.rank(); ++k)
    if (reduced[k]) {
      count *= kept[k];
      kept[k] = 1;
    }
  std::vector<int64_t> keptStrides = stridesOf(kept);
  Tensor acc(DType::F32, kept);
  std::vector<double> sums(acc.numElements(),
                           kind == Reduction::Max
                               ? -std::numeric_limits<double>::infinity()
                               : 0.0);
  std::vector<int64_t> index(x.rank(), 0);
  for (int64_t e = 0, n = x.numElements(); e < n; ++e) {
    int64_t o = 0;
    for (int64_t k = 0; k < x.rank(); ++k)
      if (!reduced[k])
        o += index[k] * keptStrides[k];
    double v = x.getDouble(e);
    sums[o] = kind == Reduction::Max ? std::max(sums[o], v) : sums[o] + v;
    for (int64_t k = x.rank() - 1; k >= 0; --k) {
      if (++index[k] < x.dim(k))
        break;
      index[k] = 0;
    }
  }
  for (size_t o = 0; o < sums.size(); ++o)
    acc.f()[o] = kind == Reduction::Mean ? sums[o] / count : sums[o];
  std::vector<int64_t> shape;
  if (c.intAttr("keepdims", 1))
    shape = kept;
  else
    for (int64_t k = 0; k < x.rank(); ++k)
      if (!reduced[k])
        shape.push_back(x.dim(k));
  return single(acc.reshaped(shape).cast(c.outTypes[0]));
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

Result transpose(const NodeContext &c) {
  const Tensor &x = c.in(0);
  std::vector<int64_t> perm(x.rank());
  std::iota(perm.rbegin(), perm.rend(), 0);
  if (auto attr = c.intsAttr("perm"))
    perm = *attr;
  if (static_cast<int64_t>(perm.size()) != x.rank())
    return c.fail("perm does not match the input rank");
  std::vector<int64_t> shape(x.rank());
  for (int64_t k = 0; k < x.rank(); ++k)
    shape[k] = x.dim(perm[k]);
  std::vector<int64_t> strides = stridesOf(x.shape());
  return single(gatherBy(x, shape, [&](llvm::ArrayRef<int64_t> index) {
    int64_t from = 0;
    for (size_t k = 0; k < index.size(); ++k)
      from += index[k] * strides[perm[k]];
    return from;
  }));
}

Result reshape(const NodeContext &c) {
  const Tensor &x = c.in(0);
  std::vector<int64_t> shape = valuesOf(c.in(1));
  bool allowZero = c.intAttr("allowzero", 0);
  int64_t known = 1, inferred = -1;
  for (size_t k = 0; k < shape.size(); ++k) {
    if (shape[k] == 0 && !allowZero) {
      if (static_cast<int64_t>(k) >= x.rank())
        return c.fail("0 copies a dimension the input does not have");
      shape[k] = x.dim(k);
    }
    if (shape[k] == -1) {
      if (inferred >= 0)
        return c.fail("more than one -1 in the target shape");
      inferred = k;
      continue;
    }
    known *= shape[k];
  }
  if (inferred >= 0) {
    if (known == 0 || x.numElements() % known)
      return c.fail("cannot infer the -1 dimension");
    shape[inferred] = x.numElements() / known;
    known *= shape[inferred];
  }
  if (known != x.numElements())
    return c.fail(llvm::formatv("cannot reshape {0} elements into {1}",
                                x.numElements(), known));
  return single(x.reshaped(shape));
}

Result shapeOf(const NodeContext &c) {
  int64_t rank = c.in(0).rank();
  auto clampIndex = [&](int64_t v) {
    if (v < 0)
      v += rank;
    return std::clamp<int64_t>(v, 0, rank);
  };
  int64_t start = clampIndex(c.intAttr("start", 0));
  int64_t end = clampIndex(c.intAttr("end", rank));
  Tensor out(DType::I64, {std::max<int64_t>(end - start, 0)});
  for (int64_t k = start; k < end; ++k)
    out.i()[k - start] = c.in(0).dim(k);
  return single(out);
}

llvm::Expected<std::vector<int64_t>> axesOf(const NodeContext &c,
                                           int64_t rank) {
  std::vector<int64_t> axes;
  if (c.has(1))
    axes = valuesOf(c.in(1));
  else if (auto attr = c.intsAttr("axes"))
    axes = *attr;
  for (int64_t &axis : axes) {
    auto normalized = axisIn(c, axis, rank);
    if (!normalized)
      return normalized.takeError();
    axis = *normalized;
  }
  return axes;
}

Result squeeze(const NodeContext &c) {
  const Tensor &x = c.in(0);
  auto axes = axesOf(c, x.rank());
  if (!axes)
    return axes.takeError();
  std::vector<int64_t> shape;
  for (int64_t k = 0; k < x.rank(); ++k) {
    bool listed = llvm::is_contained(*axes, k);
    if (listed && x.dim(k) != 1)
      return c.fail(llvm::formatv("cannot squeeze dimension {0} of size {1}",
                                  k, x.dim(k)));
    if (!(listed || (axes->empty() && x.dim(k) == 1)))
      shape.push_back(x.dim(k));
  }
  return single(x.reshaped(shape));
}

Result unsqueeze(const NodeContext &c) {
  const Tensor &x = c.in(0);
  int64_t rank = x.rank() + (c.has(1) ? c.in(1).numElements() : 0);
  if (!c.has(1))
    if (auto attr = c.intsAttr("axes"))
      rank += attr->size();
  auto axes = axesOf(c, rank);
  if (!axes)
    return axes.takeError();
  std::vector<int64_t> shape;
  int64_t next = 0;
  for (int64_t k = 0; k < rank; ++k)
    shape.push_back(llvm::is_contained(*axes, k) ? 1 : x.dim(next++));
  return single(x.reshaped(shape));
}

Result slice(const NodeContext &c) {
  const Tensor &x = c.in(0);
  std::vector<int64_t> starts = valuesOf(c.in(1)), ends = valuesOf(c.in(2));
  std::vector<int64_t> axes(starts.size()), steps(starts.size(), 1);
  std::iota(axes.begin(), axes.end(), 0);
  if (c.has(3))
    axes = valuesOf(c.in(3));
  if (c.has(4))
    steps = valuesOf(c.in(4));
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size())
    return c.fail("starts, ends, axes and steps differ in length");
  std::vector<int64_t> begin(x.rank(), 0), step(x.rank(), 1);
  std::vector<int64_t> shape(x.shape().begin(), x.shape().end());
  for (size_t s = 0; s < starts.size(); ++s) {
    auto axis = axisIn(c, axes[s], x.rank());
    if (!axis)
      return axis.takeError();
    int64_t dim = x.dim(*axis), st = steps[s];
    if (st == 0)
      return c.fail("step 0");
    auto clampTo = [&](int64_t v, int64_t lo, int64_t hi) {
      if (v < 0)
        v += dim;
      return std::clamp(v, lo, hi);
    };
    int64_t b = st > 0 ? clampTo(starts[s], 0, dim)
                       : clampTo(starts[s], -1, dim - 1);
    int64_t e = st > 0 ? clampTo(ends[s], 0, dim) : clampTo(ends[s], -1, dim - 1);
    // Ends below -dim mean "before the first element" for negative steps.
    if (st < 0 && ends[s] < -dim)
      e = -1;
    int64_t count = st > 0 ? std::max<int64_t>(0, (e - b + st - 1) / st)
                           : std::max<int64_t>(0, (b - e - st - 1) / -st);
    begin[*axis] = b;
    step[*axis] = st;
    shape[*axis] = count;
  }
  std::vector<int64_t> strides = stridesOf(x.shape());
  return single(gatherBy(x, shape, [&](llvm::ArrayRef<int64_t> index) {
    int64_t from = 0;
    for (size_t k = 0; k < index.size(); ++k)
      from += (begin[k] + index[k] * step[k]) * strides[k];
    return from;
  }));
}

Result concat(const NodeContext &c) {
  const Tensor &first = c.in(0);
  auto axis = axisIn(c, c.intAttr("axis", 0), first.rank());
  if (!axis)
    return axis.takeError();
  std::vector<int64_t> shape(first.shape().begin(), first.shape().end());
  shape[*axis] = 0;
  for (const Tensor *t : c.inputs) {
    if (t->rank() != first.rank())
      return c.fail("inputs differ in rank");
    for (int64_t k = 0; k < t->rank(); ++k)
      if (k != *axis && t->dim(k) != first.dim(k))
        return c.fail("inputs differ off the concatenation axis");
    shape[*axis] += t->dim(*axis);
  }
  Tensor out(c.outTypes[0], shape);
  auto [outer, total, inner] = around(shape, *axis);
  int64_t at = 0;
  for (const Tensor *t : c.inputs) {
    Tensor piece = t->cast(c.outTypes[0]);
    int64_t n = t->dim(*axis) * inner;
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t k = 0; k < n; ++k) {
        int64_t to = o * total * inner + at + k;
        if (out.isFloat())
          out.f()[to] = piece.f()[o * n + k];
        else
          out.i()[to] = piece.i()[o * n + k];
      }
    at += n;
  }
  return single(out);
}

Result split(const NodeContext &c) {
  const Tensor &x = c.in(0);
  auto axis = axisIn(c, c.intAttr("axis", 0), x.rank());
  if (!axis)
    return axis.takeError();
  size_t parts = c.outTypes.size();
  std::vector<int64_t> sizes;
  if (c.has(1)) {
    sizes = valuesOf(c.in(1));
  } else if (auto attr = c.intsAttr("split")) {
    sizes = *attr;
  } else {
    int64_t dim = x.dim(*axis);
    int64_t chunk = (dim + parts - 1) / parts;
    for (size_t p = 0; p < parts; ++p)
      sizes.push_back(std::min<int64_t>(chunk, dim - chunk * p));
  }
  if (sizes.size() != parts ||
      std::accumulate(sizes.begin(), sizes.end(), int64_t(0)) != x.dim(*axis))
    return c.fail("split sizes do not add up to the axis");
  std::vector<Tensor> results;
  std::vector<int64_t> strides = stridesOf(x.shape());
  int64_t at = 0;
  for (int64_t size : sizes) {
    std::vector<int64_t> shape(x.shape().begin(), x.shape().end());
    shape[*axis] = size;
    int64_t offset = at;
    results.push_back(gatherBy(x, shape, [&](llvm::ArrayRef<int64_t> index) {
      int64_t from = 0;
      for (size_t k = 0; k < index.size(); ++k)
        from += (index[k] + (static_cast<int64_t>(k) == *axis ? offset : 0)) *
                strides[k];
      return from;
    }));
    at += size;
  }
  return results;
}

Result gather(const NodeContext &c) {
  const Tensor &x = c.in(0), &indices = c.in(1);
  auto axis = axisIn(c, c.intAttr("axis", 0), x.rank());
  if (!axis)
    return axis.takeError();
  int64_t dim = x.dim(*axis);
  std::vector<int64_t> shape(x.shape().begin(), x.shape().begin() + *axis);
  shape.insert(shape.end(), indices.shape().begin(), indices.shape().end());
  shape.insert(shape.end(), x.shape().begin() + *axis + 1, x.shape().end());
  for (int64_t k = 0; k < indices.numElements(); ++k) {
    int64_t v = indices.getInt(k);
    if (v < -dim || v >= dim)
      return c.fail(llvm::formatv("index {0} is out of range [{1}, {2})", v,
                                  -dim, dim));
  }
  std::vector<int64_t> strides = stridesOf(x.shape());
  std::vector<int64_t> indexStrides = stridesOf(indices.shape());
  int64_t q = indices.rank();
  return single(gatherBy(x, shape, [&](llvm::ArrayRef<int64_t> index) {
    int64_t from = 0, which = 0;
    for (int64_t k = 0; k < *axis; ++k)
      from += index[k] * strides[k];
    for (int64_t k = 0; k < q; ++k)
      which += index[*axis + k] * indexStrides[k];
    int64_t v = indices.getInt(which);
    from += (v < 0 ? v + dim : v) * strides[*axis];
    for (int64_t k = *axis + 1; k < x.rank(); ++k)
      from += index[k + q - 1] * strides[k];
    return from;
  }));
}

Result gatherElements(const NodeContext &c) {
  const Tensor &x = c.in(0), &indices = c.in(1);
  auto axis = axisIn(c, c.intAttr("axis", 0), x.rank());
  if (!axis)
    return axis.takeError();
  if (indices.rank() != x.rank())
    return c.fail("data and indices differ in rank");
  int64_t dim = x.dim(*axis);
  for (int64_t k = 0; k < indices.numElements(); ++k) {
    int64_t v = indices.getInt(k);
    if (v < -dim || v >= dim)
      return c.fail(llvm::formatv("index {0} is out of range", v));
  }
  std::vector<int64_t> strides = stridesOf(x.shape());
  std::vector<int64_t> indexStrides = stridesOf(indices.shape());
  return single(gatherBy(
      x, std::vector<int64_t>(indices.shape()),
      [&](llvm::ArrayRef<int64_t> index) {
        int64_t which = 0, from = 0;
        for (size_t k = 0; k < index.size(); ++k)
          which += index[k] * indexStrides[k];
        for (size_t k = 0; k < index.size(); ++k) {
          int64_t i = index[k];
          if (static_cast<int64_t>(k) == *axis) {
            i = indices.getInt(which);
            i = i < 0 ? i + dim : i;
          }
          from += i * strides[k];
        }
        return from;
      }));
}

Result gatherND(const NodeContext &c) {
  const Tensor &x = c.in(0), &indices = c.in(1);
  int64_t b = c.intAttr("batch_dims", 0);
  int64_t last = indices.dim(-1);
  if (indices.rank() < 1 || b + last > x.rank())
    return c.fail("indices do not fit the data");
  std::vector<int64_t> shape(indices.shape().begin(), indices.shape().end() - 1);
  shape.insert(shape.end(), x.shape().begin() + b + last, x.shape().end());
  std::vector<int64_t> strides = stridesOf(x.shape());
  std::vector<int64_t> indexStrides = stridesOf(indices.shape());
  int64_t q = indices.rank() - 1;
  bool outOfRange = false;
  Tensor out = gatherBy(x, shape, [&](llvm::ArrayRef<int64_t> index) {
    int64_t from = 0, tuple = 0;
    for (int64_t k = 0; k < q; ++k)
      tuple += index[k] * indexStrides[k];
    for (int64_t k = 0; k < b; ++k)
      from += index[k] * strides[k];
    for (int64_t j = 0; j < last; ++j) {
      int64_t dim = x.dim(b + j);
      int64_t v = indices.getInt(tuple + j);
      if (v < -dim || v >= dim) {
        outOfRange = true;
        v = 0;
      }
      from += (v < 0 ? v + dim : v) * strides[b + j];
    }
    for (int64_t k = b + last; k < x.rank(); ++k)
      from += index[q + k - b - last] * strides[k];
    return from;
  });
  if (outOfRange)
    return c.fail("an index is out of range");
  return single(out);
}

Result expand(const NodeContext &c) {
  const Tensor &x = c.in(0);
  std::vector<int64_t> target = valuesOf(c.in(1));
  auto shape = broadcastShapes(c, {x.shape(), target});
  if (!shape)
    return shape.takeError();
  auto offsets = broadcastOffsets(*shape, {x.shape()});
  int64_t e = 0;
  return single(gatherBy(x, *shape, [&](llvm::ArrayRef<int64_t>) {
    return offsets[0][e++];
  }));
}

Result where(const NodeContext &c) {
  const Tensor &cond = c.in(0), &x = c.in(1), &y = c.in(2);
  auto shape = broadcastShapes(c, {cond.shape(), x.shape(), y.shape()});
  if (!shape)
    return shape.takeError();
  auto offsets = broadcastOffsets(*shape, {cond.shape(), x.shape(), y.shape()});
  Tensor out(c.outTypes[0], *shape);
  for (int64_t e = 0, n = out.numElements(); e < n; ++e) {
    bool pick = cond.getInt(offsets[0][e]) != 0;
    if (out.isFloat())
      out.f()[e] = pick ? x.getDouble(offsets[1][e]) : y.getDouble(offsets[2][e]);
    else
      out.i()[e] = pick ? x.getInt(offsets[1][e]) : y.getInt(offsets[2][e]);
  }
  return single(out);
}

Result range(const NodeContext &c) {
  double start = c.in(0).getDouble(0), limit = c.in(1).getDouble(0),
         delta = c.in(2).getDouble(0);
  if (delta == 0)
    return c.fail("delta is 0");
  int64_t count = std::max<int64_t>(
      0, static_cast<int64_t>(std::ceil((limit - start) / delta)));
  Tensor out(c.outTypes[0], {count});
  for (int64_t k = 0; k < count; ++k) {
    if (out.isFloat())
      out.f()[k] = start + k * delta;
    else
      out.i()[k] = c.in(0).getInt(0) + k * c.in(2).getInt(0);
  }
  return single(out);
}

Result cumSum(const NodeContext &c) {
  const Tensor &x = c.in(0);
  auto axis = axisIn(c, c.in(1).getInt(0), x.rank());
  if (!axis)
    return axis.takeError();
  bool exclusive = c.intAttr("exclusive", 0), reverse = c.intAttr("reverse", 0);
  auto [outer, count, inner] = around(x.shape(), *axis);
  Tensor out(x.dtype(), std::vector<int64_t>(x.shape()));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      double fsum = 0;
      int64_t isum = 0;
      for (int64_t s = 0; s < count; ++s) {
        int64_t k = reverse ? count - 1 - s : s;
        int64_t at = (o * count + k) * inner + i;
        if (exclusive) {
          if (x.isFloat())
            out.f()[at] = fsum;
          else
            out.i()[at] = isum;
        }
        if (x.isFloat())
          fsum += x.f()[at];
        else
          isum += x.i()[at];
        if (!exclusive) {
          if (x.isFloat())
            out.f()[at] = fsum;
          else
            out.i()[at] = isum;
        }
      }
    }
  return single(out);
}

Result constantOfShape(const NodeContext &c) {
  Tensor out(c.outTypes[0], valuesOf(c.in(0)));
  if (Attribute value = c.node.getOnnxAttr("value")) {
    auto fill = tensorFromAttr(value);
    if (!fill)
      return fill.takeError();
    for (int64_t e = 0, n = out.numElements(); e < n; ++e) {
      if (out.isFloat())
        out.f()[e] = fill->getDouble(0);
      else
        out.i()[e] = fill->getInt(0);
    }
  }
  return single(out);
}

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double relu(double x) { return x > 0 ? x : 0; }
double reciprocal(double x) { return 1.0 / x; }
double negate(double x) { return -x; }
double isNaN(double x) { return std::isnan(x) ? 1 : 0; }
double logicalNot(double x) { return x == 0 ? 1 : 0; }

} // namespace

llvm::Expected<std::vector<Tensor>>
mlir::ffn::ref::evaluateNode(NodeOp node,
                             llvm::ArrayRef<const Tensor *> inputs) {
  NodeContext c{node, inputs, {}};
  for (Type type : node.getResultTypes()) {
    auto dtype = dtypeOf(cast<ShapedType>(type).getElementType());
    if (!dtype)
      return dtype.takeError();
    c.outTypes.push_back(*dtype);
  }
  StringRef op = node.getOpType();
  auto fdiv = [](double a, double b) { return a / b; };
  auto idiv = [&](int64_t a, int64_t b) { return b ? a / b : int64_t(0); };

  if (op == "Add")
    return binary(c, std::plus<double>(), std::plus<int64_t>());
  if (op == "Sub")
    return binary(c, std::minus<double>(), std::minus<int64_t>());
  if (op == "Mul")
    return binary(c, std::multiplies<double>(), std::multiplies<int64_t>());
  if (op == "Div")
    return binary(c, fdiv, idiv);
  if (op == "Pow")
    return binary(
        c, [](double a, double b) { return std::pow(a, b); },
        [](int64_t a, int64_t b) {
          return static_cast<int64_t>(std::pow(a, b));
        });
  if (op == "Equal")
    return binary(c, std::equal_to<double>(), std::equal_to<int64_t>());
  if (op == "Less")
    return binary(c, std::less<double>(), std::less<int64_t>());
  if (op == "LessOrEqual")
    return binary(c, std::less_equal<double>(), std::less_equal<int64_t>());
  if (op == "Greater")
    return binary(c, std::greater<double>(), std::greater<int64_t>());
  if (op == "GreaterOrEqual")
    return binary(c, std::greater_equal<double>(),
                  std::greater_equal<int64_t>());
  if (op == "And")
    return binary(c, std::logical_and<double>(), std::logical_and<int64_t>());
  if (op == "Or")
    return binary(c, std::logical_or<double>(), std::logical_or<int64_t>());
  if (op == "Max")
    return variadic(c, [](auto a, auto b) {
      return std::isnan(static_cast<double>(a)) ? a : std::max(a, b);
    });
  if (op == "Min")
    return variadic(c, [](auto a, auto b) {
      return std::isnan(static_cast<double>(a)) ? a : std::min(a, b);
    });

  using UnaryFn = double (*)(double);
  UnaryFn fn = llvm::StringSwitch<UnaryFn>(op)
                   .Case("Sqrt", [](double x) { return std::sqrt(x); })
                   .Case("Reciprocal", reciprocal)
                   .Case("Neg", negate)
                   .Case("Abs", [](double x) { return std::abs(x); })
                   .Case("Exp", [](double x) { return std::exp(x); })
                   .Case("Log", [](double x) { return std::log(x); })
                   .Case("Sigmoid", sigmoid)
                   .Case("Tanh", [](double x) { return std::tanh(x); })
                   .Case("Erf", [](double x) { return std::erf(x); })
                   .Case("Cos", [](double x) { return std::cos(x); })
                   .Case("Sin", [](double x) { return std::sin(x); })
                   .Case("Relu", relu)
                   .Case("IsNaN", isNaN)
                   .Case("Not", logicalNot)
                   .Default(nullptr);
  if (fn)
    return unary(c, fn);

  if (op == "Identity")
    return single(c.in(0));
  if (op == "Cast")
    return single(c.in(0).cast(c.outTypes[0]));
  if (op == "MatMul")
    return matMul(c);
  if (op == "Gemm")
    return gemm(c);
  if (op == "Softmax")
    return softmax(c);
  if (op == "LayerNormalization")
    return layerNormalization(c);
  if (op == "ReduceMean")
    return reduce(c, Reduction::Mean);
  if (op == "ReduceSum")
    return reduce(c, Reduction::Sum);
  if (op == "ReduceMax")
    return reduce(c, Reduction::Max);
  if (op == "Transpose")
    return transpose(c);
  if (op == "Reshape")
    return reshape(c);
  if (op == "Shape")
    return shapeOf(c);
  if (op == "Squeeze")
    return squeeze(c);
  if (op == "Unsqueeze")
    return unsqueeze(c);
  if (op == "Slice")
    return slice(c);
  if (op == "Concat")
    return concat(c);
  if (op == "Split")
    return split(c);
  if (op == "Gather")
    return gather(c);
  if (op == "GatherElements")
    return gatherElements(c);
  if (op == "GatherND")
    return gatherND(c);
  if (op == "Expand")
    return expand(c);
  if (op == "Where")
    return where(c);
  if (op == "Range")
    return range(c);
  if (op == "CumSum")
    return cumSum(c);
  if (op == "ConstantOfShape")
    return constantOfShape(c);
  return c.fail("the reference executor does not implement this operator");
}
