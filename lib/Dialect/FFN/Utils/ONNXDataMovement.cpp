//===- ONNXDataMovement.cpp - ONNX data movement and generators -----------===//

#include "ONNXOps.h"

#include "ffn/Dialect/FFN/Utils/TensorAttr.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace mlir;
using namespace mlir::ffn;
using namespace mlir::ffn::ref;
using namespace mlir::ffn::ref::onnx;

Result onnx::transpose(const NodeContext &c) {
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

Result onnx::reshape(const NodeContext &c) {
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

Result onnx::shapeOf(const NodeContext &c) {
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
  return single(std::move(out));
}

static llvm::Expected<std::vector<int64_t>> axesOf(const NodeContext &c,
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

Result onnx::squeeze(const NodeContext &c) {
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

Result onnx::unsqueeze(const NodeContext &c) {
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

Result onnx::slice(const NodeContext &c) {
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

Result onnx::concat(const NodeContext &c) {
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
  auto checked = c.allocate(c.outTypes[0], shape);
  if (!checked)
    return checked.takeError();
  Tensor &out = *checked;
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
  return single(std::move(out));
}

Result onnx::split(const NodeContext &c) {
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

Result onnx::gather(const NodeContext &c) {
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

Result onnx::gatherElements(const NodeContext &c) {
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

Result onnx::gatherND(const NodeContext &c) {
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
  return single(std::move(out));
}

Result onnx::expand(const NodeContext &c) {
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

Result onnx::where(const NodeContext &c) {
  const Tensor &cond = c.in(0), &x = c.in(1), &y = c.in(2);
  auto shape = broadcastShapes(c, {cond.shape(), x.shape(), y.shape()});
  if (!shape)
    return shape.takeError();
  auto checked = c.allocate(c.outTypes[0], *shape);
  if (!checked)
    return checked.takeError();
  Tensor &out = *checked;
  auto offsets = broadcastOffsets(*shape, {cond.shape(), x.shape(), y.shape()});
  for (int64_t e = 0, n = out.numElements(); e < n; ++e) {
    bool pick = cond.getInt(offsets[0][e]) != 0;
    if (out.isFloat())
      out.f()[e] = pick ? x.getDouble(offsets[1][e]) : y.getDouble(offsets[2][e]);
    else
      out.i()[e] = pick ? x.getInt(offsets[1][e]) : y.getInt(offsets[2][e]);
  }
  return single(std::move(out));
}

Result onnx::range(const NodeContext &c) {
  double start = c.in(0).getDouble(0), limit = c.in(1).getDouble(0),
         delta = c.in(2).getDouble(0);
  if (delta == 0)
    return c.fail("delta is 0");
  double steps = std::ceil((limit - start) / delta);
  if (!std::isfinite(steps) || steps > 9.0e18)
    return c.fail("start, limit and delta give no finite count");
  int64_t count = std::max<int64_t>(0, static_cast<int64_t>(steps));
  auto checked = c.allocate(c.outTypes[0], {count});
  if (!checked)
    return checked.takeError();
  Tensor &out = *checked;
  for (int64_t k = 0; k < count; ++k) {
    if (out.isFloat())
      out.f()[k] = start + k * delta;
    else
      out.i()[k] = c.in(0).getInt(0) + k * c.in(2).getInt(0);
  }
  return single(std::move(out));
}

Result onnx::cumSum(const NodeContext &c) {
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
  return single(std::move(out));
}

Result onnx::constantOfShape(const NodeContext &c) {
  auto checked = c.allocate(c.outTypes[0], valuesOf(c.in(0)));
  if (!checked)
    return checked.takeError();
  Tensor &out = *checked;
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
  return single(std::move(out));
}
