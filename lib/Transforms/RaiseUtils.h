//===- RaiseUtils.h - Matching helpers for the raising patterns -*- C++ -*-===//

#ifndef FFN_LIB_TRANSFORMS_RAISEUTILS_H
#define FFN_LIB_TRANSFORMS_RAISEUTILS_H

#include "ffn/Dialect/FFN/IR/FFNOps.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

#include <cmath>
#include <functional>

namespace mlir::ffn {

/// The ffn.node of type `opType` that defines `v`, or null.
inline NodeOp nodeOf(Value v, StringRef opType) {
  auto node = v ? v.getDefiningOp<NodeOp>() : NodeOp();
  return node && node.getOpType() == opType ? node : NodeOp();
}

/// Like nodeOf, but only when `v` has no other use: the node is folded into
/// the op being built.
inline NodeOp soleNodeOf(Value v, StringRef opType) {
  return v && v.hasOneUse() ? nodeOf(v, opType) : NodeOp();
}

template <typename OpTy>
OpTy soleOpOf(Value v) {
  return v && v.hasOneUse() ? v.getDefiningOp<OpTy>() : OpTy();
}

inline RankedTensorType typeOf(Value v) {
  return cast<RankedTensorType>(v.getType());
}

inline bool isConstant(Value v) { return matchPattern(v, m_Constant()); }

/// The value of a floating-point constant holding one value (any shape).
inline std::optional<double> splatFloat(Value v) {
  DenseFPElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) || !attr.isSplat())
    return std::nullopt;
  return attr.getSplatValue<APFloat>().convertToDouble();
}

inline bool isSplat(Value v, double expected, double relTol = 1e-6) {
  std::optional<double> value = splatFloat(v);
  return value && std::abs(*value - expected) <= relTol * std::abs(expected);
}

/// The values of an integer constant.
inline std::optional<SmallVector<int64_t>> intConstant(Value v) {
  DenseIntElementsAttr attr;
  if (!v || !matchPattern(v, m_Constant(&attr)))
    return std::nullopt;
  return llvm::to_vector(llvm::map_range(
      attr.getValues<APInt>(), [](const APInt &i) { return i.getSExtValue(); }));
}

inline int64_t intAttr(NodeOp node, StringRef name, int64_t otherwise) {
  auto attr = dyn_cast_or_null<IntegerAttr>(node.getOnnxAttr(name));
  return attr ? attr.getInt() : otherwise;
}

/// The two inputs of a commutative binary node, tried in both orders.
template <typename Fn>
bool matchEitherOrder(NodeOp node, Fn fn) {
  if (node.getInputs().size() != 2)
    return false;
  Value a = node.getInputs()[0], b = node.getInputs()[1];
  return fn(a, b) || fn(b, a);
}

/// Flattens a tree of single-use Mul nodes rooted at `root` into its factors.
inline SmallVector<Value> productFactors(NodeOp root) {
  SmallVector<Value> factors;
  std::function<void(Value, bool)> visit = [&](Value v, bool isRoot) {
    NodeOp mul = isRoot ? root : soleNodeOf(v, "Mul");
    if (!mul || mul.getInputs().size() != 2 ||
        typeOf(mul.getOutputs()[0]) != typeOf(root.getOutputs()[0])) {
      factors.push_back(v);
      return;
    }
    for (Value input : mul.getInputs())
      visit(input, false);
  };
  visit(root.getOutputs()[0], true);
  return factors;
}

/// Removes from `factors` one element that satisfies `pred`, returning it.
template <typename Pred>
Value takeFactor(SmallVectorImpl<Value> &factors, Pred pred) {
  for (auto *it = factors.begin(); it != factors.end(); ++it) {
    if (pred(*it)) {
      Value v = *it;
      factors.erase(it);
      return v;
    }
  }
  return nullptr;
}

/// True when `axes` (attribute before opset 18, input since) names only the
/// last dimension of a tensor of rank `rank`.
inline bool reducesLastAxis(NodeOp reduce, int64_t rank) {
  std::optional<SmallVector<int64_t>> axes;
  if (reduce.getInputs().size() > 1) {
    axes = intConstant(reduce.getInputs()[1]);
  } else if (auto attr = dyn_cast_or_null<DenseI64ArrayAttr>(
                 reduce.getOnnxAttr("axes"))) {
    axes = SmallVector<int64_t>(attr.asArrayRef());
  }
  return axes && axes->size() == 1 &&
         ((*axes)[0] == -1 || (*axes)[0] == rank - 1) &&
         intAttr(reduce, "keepdims", 1) == 1;
}

/// The exporter's value types are sometimes more static than the values a
/// pattern replaces them with (a batch of 1 learnt from broadcasting, say).
inline bool castCompatible(Type from, Type to) {
  return from == to || tensor::CastOp::areCastCompatible(from, to);
}

/// Replaces `op`'s one result by `value`, through a tensor.cast when their
/// types differ in static extents only.
inline void replaceWithCast(PatternRewriter &rewriter, Operation *op,
                            Value value) {
  Type type = op->getResult(0).getType();
  if (value.getType() != type)
    value = tensor::CastOp::create(rewriter, op->getLoc(), type, value);
  rewriter.replaceOp(op, value);
}

/// Adds the attention raising pattern (RaiseAttention.cpp).
void populateRaiseAttentionPatterns(RewritePatternSet &patterns);

} // namespace mlir::ffn

#endif // FFN_LIB_TRANSFORMS_RAISEUTILS_H
