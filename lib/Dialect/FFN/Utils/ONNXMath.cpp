//===- ONNXMath.cpp - ONNX linear algebra, normalization, reductions ------===//

#include "ONNXOps.h"

#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::ffn;
using namespace mlir::ffn::ref;
using namespace mlir::ffn::ref::onnx;

Result onnx::matMul(const NodeContext &c) {
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
  auto checked = c.allocate(DType::F32, shape);
  if (!checked)
    return checked.takeError();
  Tensor &out = *checked;
  if (m && n)
    for (size_t e = 0; e < offsets[0].size(); ++e)
      c.sgemm(false, false, m, n, k, 1.0f,
              a.f().data() + offsets[0][e] * m * k, k,
              b.f().data() + offsets[1][e] * k * n, n, 0.0f,
              out.f().data() + e * m * n, n);
  // Drop the dims that the 1-D operands gained.
  std::vector<int64_t> finalShape = *batch;
  if (!vecA)
    finalShape.push_back(m);
  if (!vecB)
    finalShape.push_back(n);
  return single(out.reshaped(finalShape).cast(c.outTypes[0]));
}

Result onnx::gemm(const NodeContext &c) {
  Tensor a = c.in(0), b = c.in(1);
  if (a.rank() != 2 || b.rank() != 2)
    return c.fail("A and B must be matrices");
  bool transA = c.intAttr("transA", 0), transB = c.intAttr("transB", 0);
  int64_t m = transA ? a.dim(1) : a.dim(0), k = transA ? a.dim(0) : a.dim(1);
  int64_t kb = transB ? b.dim(1) : b.dim(0), n = transB ? b.dim(0) : b.dim(1);
  if (k != kb)
    return c.fail("contracting dimensions differ");
  float alpha = c.floatAttr("alpha", 1.0f), beta = c.floatAttr("beta", 1.0f);
  auto checked = c.allocate(DType::F32, {m, n});
  if (!checked)
    return checked.takeError();
  Tensor &out = *checked;
  if (c.has(2)) {
    auto offsets = broadcastOffsets({m, n}, {c.in(2).shape()});
    for (int64_t e = 0; e < m * n; ++e)
      out.f()[e] = beta * c.in(2).getDouble(offsets[0][e]);
  }
  if (m && n)
    c.sgemm(transA, transB, m, n, k, alpha, a.f().data(), a.dim(1),
            b.f().data(), b.dim(1), c.has(2) ? 1.0f : 0.0f, out.f().data(), n);
  return single(out.cast(c.outTypes[0]));
}

Result onnx::softmax(const NodeContext &c) {
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

Result onnx::layerNormalization(const NodeContext &c) {
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
static llvm::Expected<std::vector<int64_t>>
reductionAxes(const NodeContext &c, bool &noop) {
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

Result onnx::reduce(const NodeContext &c, Reduction kind) {
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

