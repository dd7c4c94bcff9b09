//===- ONNXOps.cpp - Semantics of the ONNX operators ----------------------===//
//
// One function per ONNX operator that the frontend accepts, following the
// operator specification for opsets 13 to 21. Shapes come from the operands
// at run time; the result dtype comes from the op's result type. Here: the
// shared helpers, the elementwise operators and the dispatch.
//
//===----------------------------------------------------------------------===//

#include "ONNXOps.h"

#include "ffn/Dialect/FFN/Utils/TensorAttr.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace mlir;
using namespace mlir::ffn;
using namespace mlir::ffn::ref;
using namespace mlir::ffn::ref::onnx;

std::vector<int64_t> onnx::valuesOf(const Tensor &t) {
  std::vector<int64_t> v(t.numElements());
  for (int64_t k = 0; k < t.numElements(); ++k)
    v[k] = t.getInt(k);
  return v;
}

llvm::Expected<int64_t> onnx::axisIn(const NodeContext &c, int64_t axis,
                                     int64_t rank) {
  if (axis < -rank || axis >= std::max<int64_t>(rank, 1))
    return c.fail(llvm::formatv("axis {0} is out of range for rank {1}", axis,
                                rank));
  return axis < 0 ? axis + rank : axis;
}

std::tuple<int64_t, int64_t, int64_t>
onnx::around(llvm::ArrayRef<int64_t> shape, int64_t axis) {
  int64_t outer = 1, inner = 1;
  for (int64_t k = 0; k < axis; ++k)
    outer *= shape[k];
  for (size_t k = axis + 1; k < shape.size(); ++k)
    inner *= shape[k];
  return {outer, shape.empty() ? 1 : shape[axis], inner};
}

Result onnx::single(llvm::Expected<Tensor> t) {
  if (!t)
    return t.takeError();
  std::vector<Tensor> results;
  results.push_back(std::move(*t));
  return results;
}

//===----------------------------------------------------------------------===//
// Broadcasting elementwise ops
//===----------------------------------------------------------------------===//

llvm::Expected<std::vector<int64_t>>
onnx::broadcastShapes(const NodeContext &c,
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
  // The result and, per operand, an offset for each of its elements.
  if (std::string why = allocationProblem(out, 8 * (shapes.size() + 1));
      !why.empty())
    return c.fail("broadcasting to " + ffnsupport::shapeString(out) +
                  " needs " + why);
  return out;
}

std::vector<std::vector<int64_t>>
onnx::broadcastOffsets(llvm::ArrayRef<int64_t> out,
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

namespace {

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
  auto checked = c.allocate(out, *shape);
  if (!checked)
    return checked.takeError();
  Tensor &result = *checked;
  auto offsets = broadcastOffsets(*shape, shapes);
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
  return std::move(result);
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

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
double relu(double x) { return x > 0 ? x : 0; }
double reciprocal(double x) { return 1.0 / x; }
double negate(double x) { return -x; }
double isNaN(double x) { return std::isnan(x) ? 1 : 0; }
double logicalNot(double x) { return x == 0 ? 1 : 0; }

} // namespace

llvm::Expected<std::vector<Tensor>>
mlir::ffn::ref::evaluateNode(NodeOp node,
                             llvm::ArrayRef<const Tensor *> inputs,
                             GemmFn sgemm) {
  NodeContext c{node, inputs, {}, sgemm};
  for (Type type : node.getResultTypes()) {
    auto dtype = dtypeOf(cast<ShapedType>(type).getElementType());
    if (!dtype)
      return dtype.takeError();
    c.outTypes.push_back(*dtype);
  }
  StringRef op = node.getOpType();
  auto fdiv = [](double a, double b) { return a / b; };
  // Integer division truncates; INT64_MIN / -1 wraps, as in two's
  // complement, instead of trapping. Division by zero is refused below.
  auto idiv = [&](int64_t a, int64_t b) {
    if (b == -1)
      return static_cast<int64_t>(0 - static_cast<uint64_t>(a));
    return b ? a / b : int64_t(0);
  };

  if (op == "Add")
    return binary(c, std::plus<double>(), std::plus<int64_t>());
  if (op == "Sub")
    return binary(c, std::minus<double>(), std::minus<int64_t>());
  if (op == "Mul")
    return binary(c, std::multiplies<double>(), std::multiplies<int64_t>());
  if (op == "Div") {
    const Tensor &divisor = c.in(1);
    if (!divisor.isFloat() && llvm::is_contained(divisor.i(), int64_t(0)))
      return c.fail("integer division by zero");
    return binary(c, fdiv, idiv);
  }
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

