//===- RaiseAttention.cpp - Raise exported attention into ffn ops ---------===//
//
// PyTorch exports attention as dozens of nodes: per-head reshapes and
// transposes of the q/k/v projections, rotate-half RoPE, the grouped-query
// repeat of k and v, scaled scores, a mask built from the sequence length,
// softmax (with a NaN guard) and the weighted sum. The pattern finds the
// pieces structurally, then proves the rewrite: it evaluates the original
// nodes and the candidate ffn.rope/ffn.attention ops on random q, k, v, cos
// and sin for several sequence lengths with the reference executor and only
// rewrites when they agree, causal or not. A mask may also read one integer
// model input [batch, seq] (BERT's attention_mask): the proof then draws
// random padding masks too and the candidate takes that input as its key
// mask. A mask that depends on anything else never agrees, so such attention
// stays as nodes.
//
//===----------------------------------------------------------------------===//

#include "RaiseUtils.h"

#include "ffn/Dialect/FFN/Utils/Evaluate.h"
#include "ffn/Dialect/FFN/Utils/TensorAttr.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

using namespace mlir;
using namespace mlir::ffn;

namespace {

/// Transpose(Reshape(flat [B, S, N·D] -> [B, S, N, D]), perm 0,2,1,3).
struct HeadSplit {
  Value flat;
  int64_t heads = 0, headDim = 0;
};

bool hasPerm(NodeOp transpose, ArrayRef<int64_t> perm) {
  auto attr =
      dyn_cast_or_null<DenseI64ArrayAttr>(transpose.getOnnxAttr("perm"));
  return attr && attr.asArrayRef() == perm;
}

std::optional<HeadSplit> matchHeadSplit(Value v) {
  NodeOp transpose = nodeOf(v, "Transpose");
  if (!transpose || !hasPerm(transpose, {0, 2, 1, 3}))
    return std::nullopt;
  NodeOp reshape = nodeOf(transpose.getInputs()[0], "Reshape");
  if (!reshape)
    return std::nullopt;
  Value flat = reshape.getInputs()[0];
  RankedTensorType flatType = typeOf(flat);
  RankedTensorType split = typeOf(reshape.getOutputs()[0]);
  if (flatType.getRank() != 3 || split.getRank() != 4 ||
      split.isDynamicDim(2) || split.isDynamicDim(3) ||
      flatType.isDynamicDim(2) ||
      split.getDimSize(2) * split.getDimSize(3) != flatType.getDimSize(2))
    return std::nullopt;
  return HeadSplit{flat, split.getDimSize(2), split.getDimSize(3)};
}

/// Rotate-half RoPE on a head tensor h [B, N, S, D]:
/// h ⊙ Unsqueeze(cos) + Concat(-h[..., D/2:], h[..., :D/2]) ⊙ Unsqueeze(sin).
struct Rope {
  Value input, cos, sin;
};

Value unsqueezedTable(Value v) {
  NodeOp unsqueeze = nodeOf(v, "Unsqueeze");
  return unsqueeze ? unsqueeze.getInputs()[0] : Value();
}

std::optional<Rope> matchRope(Value v) {
  NodeOp add = nodeOf(v, "Add");
  if (!add)
    return std::nullopt;
  std::optional<Rope> rope;
  matchEitherOrder(add, [&](Value direct, Value rotated) {
    NodeOp mulCos = nodeOf(direct, "Mul"), mulSin = nodeOf(rotated, "Mul");
    if (!mulCos || !mulSin)
      return false;
    Value h, cos, sin, halves;
    matchEitherOrder(mulCos, [&](Value a, Value b) {
      cos = unsqueezedTable(b);
      h = a;
      return static_cast<bool>(cos);
    });
    matchEitherOrder(mulSin, [&](Value a, Value b) {
      sin = unsqueezedTable(b);
      halves = a;
      return static_cast<bool>(sin);
    });
    NodeOp concat = nodeOf(halves, "Concat");
    if (!h || !cos || !sin || !concat || concat.getInputs().size() != 2)
      return false;
    NodeOp neg = nodeOf(concat.getInputs()[0], "Neg");
    NodeOp upper = neg ? nodeOf(neg.getInputs()[0], "Slice") : NodeOp();
    NodeOp lower = nodeOf(concat.getInputs()[1], "Slice");
    if (!upper || !lower || upper.getInputs()[0] != h ||
        lower.getInputs()[0] != h || cos.getType() != sin.getType())
      return false;
    rope = Rope{h, cos, sin};
    return true;
  });
  return rope;
}

/// The grouped-query repeat Reshape(Expand(Unsqueeze(h, 2), ...), ...):
/// returns h.
Value matchRepeat(Value v) {
  NodeOp reshape = nodeOf(v, "Reshape");
  NodeOp expand = reshape ? nodeOf(reshape.getInputs()[0], "Expand") : NodeOp();
  NodeOp unsqueeze =
      expand ? nodeOf(expand.getInputs()[0], "Unsqueeze") : NodeOp();
  return unsqueeze && typeOf(unsqueeze.getInputs()[0]).getRank() == 4
             ? unsqueeze.getInputs()[0]
             : Value();
}

/// What feeds one of q, k, v: its projection and, if any, its RoPE tables.
struct HeadInput {
  HeadSplit split;
  Value cos, sin;
};

std::optional<HeadInput> matchHeadInput(Value v) {
  if (Value base = matchRepeat(v))
    v = base;
  HeadInput input;
  if (std::optional<Rope> rope = matchRope(v)) {
    input.cos = rope->cos;
    input.sin = rope->sin;
    v = rope->input;
  }
  std::optional<HeadSplit> split = matchHeadSplit(v);
  if (!split)
    return std::nullopt;
  input.split = *split;
  return input;
}

/// Strips a multiplication (or division) by a scalar constant, folding it
/// into `scale`.
Value stripScale(Value v, double &scale) {
  if (NodeOp div = nodeOf(v, "Div")) {
    if (std::optional<double> c = splatFloat(div.getInputs()[1])) {
      scale /= *c;
      return div.getInputs()[0];
    }
  }
  NodeOp mul = nodeOf(v, "Mul");
  Value rest;
  if (mul)
    matchEitherOrder(mul, [&](Value a, Value b) {
      std::optional<double> c = splatFloat(b);
      if (!c)
        return false;
      scale *= *c;
      rest = a;
      return true;
    });
  return rest ? rest : v;
}

/// k [B, N, S, D] from kᵀ [B, N, D, S]: Transpose(perm 0,1,3,2), or the
/// exporter's Reshape(Transpose(Reshape(k, [-1, S, D]), perm 0,2,1), ...).
Value untranspose(Value kT) {
  if (NodeOp t = nodeOf(kT, "Transpose"))
    return hasPerm(t, {0, 1, 3, 2}) ? t.getInputs()[0] : Value();
  NodeOp outer = nodeOf(kT, "Reshape");
  NodeOp t = outer ? nodeOf(outer.getInputs()[0], "Transpose") : NodeOp();
  NodeOp inner = t && hasPerm(t, {0, 2, 1}) ? nodeOf(t.getInputs()[0], "Reshape")
                                            : NodeOp();
  return inner ? inner.getInputs()[0] : Value();
}

/// Evaluates the nodes between `leaves` and a root on concrete tensors.
/// Function arguments may only be looked at through Shape; their dynamic
/// extents take the values the caller chose.
class RegionEvaluator {
public:
  RegionEvaluator(const llvm::DenseMap<Value, ref::Tensor> &leaves,
                  int64_t length)
      : length(length) {
    for (const auto &[value, tensor] : leaves)
      values[value] = std::make_unique<ref::Tensor>(tensor);
  }

  FailureOr<const ref::Tensor *> evaluate(Value v) {
    if (auto it = values.find(v); it != values.end())
      return it->second.get();
    Operation *op = v.getDefiningOp();
    if (!op || ++steps > kMaxSteps)
      return failure();
    std::vector<const ref::Tensor *> operands;
    auto node = dyn_cast<NodeOp>(op);
    for (Value operand : op->getOperands()) {
      FailureOr<const ref::Tensor *> t =
          node && node.getOpType() == "Shape" ? shapeOnly(operand)
                                              : evaluate(operand);
      if (failed(t))
        return failure();
      operands.push_back(*t);
    }
    auto results = ref::evaluateOp(op, operands);
    if (!results) {
      llvm::consumeError(results.takeError());
      return failure();
    }
    for (auto [result, tensor] : llvm::zip(op->getResults(), *results))
      values[result] = std::make_unique<ref::Tensor>(std::move(tensor));
    return values[v].get();
  }

private:
  static constexpr unsigned kMaxSteps = 4096;

  /// A stand-in for a value whose data is never read: zeros of its shape,
  /// with a batch of 1 and `length` for the other dynamic extents.
  FailureOr<const ref::Tensor *> shapeOnly(Value v) {
    if (!isa<BlockArgument>(v) && !typeOf(v).hasStaticShape())
      return evaluate(v);
    if (auto it = values.find(v); it != values.end())
      return it->second.get();
    RankedTensorType type = typeOf(v);
    std::vector<int64_t> shape;
    for (int64_t k = 0; k < type.getRank(); ++k)
      shape.push_back(!type.isDynamicDim(k) ? type.getDimSize(k)
                      : k == 0              ? 1
                                            : length);
    auto dtype = ref::dtypeOf(type.getElementType());
    if (!dtype) {
      llvm::consumeError(dtype.takeError());
      return failure();
    }
    values[v] = std::make_unique<ref::Tensor>(*dtype, shape);
    return values[v].get();
  }

  // Held by pointer: evaluation hands out pointers while it inserts.
  llvm::DenseMap<Value, std::unique_ptr<ref::Tensor>> values;
  int64_t length;
  unsigned steps = 0;
};

/// The next value of a fixed linear congruential sequence, 24 bits.
uint64_t nextRandom(uint64_t &state) {
  state = state * 6364136223846793005ULL + 1442695040888963407ULL;
  return state >> 40;
}

/// `type`'s shape with a batch of 1 and `length` for the other dynamic
/// extents.
std::vector<int64_t> sampleShape(RankedTensorType type, int64_t length) {
  std::vector<int64_t> shape;
  for (int64_t k = 0; k < type.getRank(); ++k)
    shape.push_back(!type.isDynamicDim(k) ? type.getDimSize(k)
                    : k == 0              ? 1
                                          : length);
  return shape;
}

/// Uniform values in [-1, 1).
ref::Tensor randomTensor(RankedTensorType type, int64_t length,
                         uint64_t &state) {
  ref::Tensor t(ref::DType::F32, sampleShape(type, length));
  for (float &v : t.f())
    v = static_cast<float>(nextRandom(state) * 0x1.0p-23 - 1.0);
  return t;
}

/// A padding mask of `length` keys per row: the first kept, the last
/// masked (when there are two), the others at random, so that a mask on the
/// wrong axis or of the opposite sense disagrees.
ref::Tensor randomKeyMask(RankedTensorType type, int64_t length,
                          uint64_t &state) {
  ref::Tensor t(ref::DType::I64, sampleShape(type, length));
  for (int64_t e = 0, n = t.numElements(); e < n; ++e) {
    int64_t j = e % length;
    t.i()[e] = j == 0 ? 1 : j == length - 1 ? 0 : nextRandom(state) & 1;
  }
  return t;
}

/// The model inputs whose values (not only shapes) `v` is computed from.
SmallVector<BlockArgument> dataInputs(Value v) {
  SmallVector<BlockArgument> inputs;
  llvm::DenseSet<Value> seen;
  SmallVector<Value> work = {v};
  while (!work.empty()) {
    Value next = work.pop_back_val();
    if (!seen.insert(next).second)
      continue;
    if (auto arg = dyn_cast<BlockArgument>(next)) {
      inputs.push_back(arg);
      continue;
    }
    Operation *op = next.getDefiningOp();
    if (auto node = dyn_cast<NodeOp>(op); node && node.getOpType() == "Shape")
      continue;
    llvm::append_range(work, op->getOperands());
  }
  return inputs;
}

/// The model input that can serve as the key mask of an additive score
/// `bias`: the one input it reads, integer [batch, seq].
Value keyMaskInput(Value bias) {
  SmallVector<BlockArgument> inputs = dataInputs(bias);
  if (inputs.size() != 1)
    return Value();
  RankedTensorType type = typeOf(inputs[0]);
  return type.getRank() == 2 && type.getElementType().isInteger(64)
             ? inputs[0]
             : Value();
}

/// Reshape(Transpose(MatMul(P, v), perm 0,2,1,3) -> [B, S, N·D]) where P is
/// softmax(scale · q·kᵀ + mask), possibly behind a NaN guard.
struct RaiseAttention : OpRewritePattern<NodeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(NodeOp root,
                                PatternRewriter &rewriter) const override {
    if (root.getOpType() != "Reshape")
      return failure();
    NodeOp merge = nodeOf(root.getInputs()[0], "Transpose");
    NodeOp pv = merge && hasPerm(merge, {0, 2, 1, 3})
                    ? nodeOf(merge.getInputs()[0], "MatMul")
                    : NodeOp();
    if (!pv)
      return failure();
    Value probs = pv.getInputs()[0];
    // Where(IsNaN(p), 0, p) guards fully masked rows; a verified mask has
    // none, so the guard is the identity.
    if (NodeOp guard = nodeOf(probs, "Where")) {
      NodeOp isNaN = nodeOf(guard.getInputs()[0], "IsNaN");
      if (!isNaN || isNaN.getInputs()[0] != guard.getInputs()[2])
        return failure();
      probs = guard.getInputs()[2];
    }
    NodeOp softmax = nodeOf(probs, "Softmax");
    int64_t axis = softmax ? intAttr(softmax, "axis", -1) : 0;
    if (!softmax || (axis != -1 && axis != 3))
      return failure();

    // Scores, with or without an additive mask.
    double scale = 1.0;
    Value logits = softmax.getInputs()[0];
    NodeOp scores;
    auto findScores = [&](Value v) {
      double s = 1.0;
      NodeOp m = nodeOf(stripScale(v, s), "MatMul");
      if (m)
        scale *= s;
      return m;
    };
    Value keyMask;
    scores = findScores(logits);
    if (!scores)
      if (NodeOp add = nodeOf(logits, "Add"))
        matchEitherOrder(add, [&](Value a, Value bias) {
          scores = findScores(a);
          if (scores)
            keyMask = keyMaskInput(bias);
          return static_cast<bool>(scores);
        });
    if (!scores)
      return failure();
    Value q4 = stripScale(scores.getInputs()[0], scale);
    Value k4 = untranspose(stripScale(scores.getInputs()[1], scale));
    std::optional<HeadInput> q = matchHeadInput(q4);
    std::optional<HeadInput> k = k4 ? matchHeadInput(k4) : std::nullopt;
    std::optional<HeadInput> v = matchHeadInput(pv.getInputs()[1]);
    if (!q || !k || !v || v->cos ||
        static_cast<bool>(q->cos) != static_cast<bool>(k->cos) ||
        k->split.heads != v->split.heads ||
        q->split.headDim != k->split.headDim ||
        v->split.headDim != q->split.headDim ||
        q->split.heads % k->split.heads != 0 ||

        k->split.flat.getType() != v->split.flat.getType())
      return failure();
    if (q->cos && (q->cos != k->cos || q->sin != k->sin))
      return failure();
    // The heads are merged back to [B, S, N·D], or flattened further (to
    // [B·S, N·D] before a 2-D Gemm, say); then a reshape stays behind.
    Type mergedType = root.getOutputs()[0].getType();
    bool reshapeAfter = mergedType != q->split.flat.getType();
    if (reshapeAfter && cast<RankedTensorType>(mergedType).getShape().back() !=
                            typeOf(q->split.flat).getShape().back())
      return failure();

    // Candidates, built detached so that a failed proof leaves no trace.
    OpBuilder detached(getContext());
    Location loc = root.getLoc();
    auto build = [&](OpBuilder &b, bool causal, Value mask) {
      Value qIn = q->split.flat, kIn = k->split.flat;
      SmallVector<Operation *> ops;
      if (q->cos) {
        auto qr = RoPEOp::create(b, loc, qIn.getType(), qIn, q->cos, q->sin,
                                 /*positions=*/Value());
        auto kr = RoPEOp::create(b, loc, kIn.getType(), kIn, k->cos, k->sin,
                                 /*positions=*/Value());
        ops = {qr, kr};
        qIn = qr;
        kIn = kr;
      }
      auto attention = AttentionOp::create(
          b, loc, qIn.getType(), qIn, kIn, v->split.flat, /*positions=*/Value(),
          mask, q->split.heads, k->split.heads,
          APFloat(static_cast<float>(scale)), causal);
      ops.push_back(attention);
      if (reshapeAfter) {
        IRMapping mapping;
        mapping.map(root.getInputs()[0], attention.getOutput());
        ops.push_back(b.clone(*root, mapping));
      }
      return ops;
    };

    // Causal or not, then the same with the key mask, if there is one.
    SmallVector<std::pair<bool, Value>, 4> candidates = {{true, Value()},
                                                         {false, Value()}};
    if (keyMask)
      candidates.append({{true, keyMask}, {false, keyMask}});
    std::optional<std::pair<bool, Value>> proven;
    for (auto [causal, mask] : candidates) {
      SmallVector<Operation *> candidate = build(detached, causal, mask);
      bool agrees = succeeded(
          verify(root.getOutputs()[0], *q, *k, *v, keyMask, candidate));
      for (Operation *op : llvm::reverse(candidate))
        op->erase();
      if (agrees) {
        proven = {causal, mask};
        break;
      }
    }
    if (!proven)
      return failure();
    rewriter.setInsertionPoint(root);
    SmallVector<Operation *> ops =
        build(rewriter, proven->first, proven->second);
    rewriter.replaceOp(root, ops.back()->getResults());
    return success();
  }

  /// Evaluates the original nodes and `candidate` on the same random inputs
  /// (and padding masks for `keyMask`, if any) for several sequence lengths.
  static LogicalResult verify(Value original, const HeadInput &q,
                              const HeadInput &k, const HeadInput &v,
                              Value keyMask, ArrayRef<Operation *> candidate) {
    uint64_t state = 0x2545F4914F6CDD1DULL;
    // The nodes of a bf16 or fp16 export round after every step, the
    // candidate once: agreement within the format's precision (a wrong mask
    // or scale is off by tens of percent).
    Type element = typeOf(original).getElementType();
    double tolerance = element.isBF16() ? 5e-2 : element.isF16() ? 1e-2 : 1e-5;
    for (int64_t length : {1, 3, 6}) {
      llvm::DenseMap<Value, ref::Tensor> leaves;
      for (Value leaf : {q.split.flat, k.split.flat, v.split.flat, q.cos,
                         q.sin})
        if (leaf && !leaves.count(leaf))
          leaves[leaf] = randomTensor(typeOf(leaf), length, state);
      if (keyMask)
        leaves[keyMask] = randomKeyMask(typeOf(keyMask), length, state);
      RegionEvaluator evaluator(leaves, length);
      FailureOr<const ref::Tensor *> expected = evaluator.evaluate(original);
      if (failed(expected))
        return failure();
      // The candidate ops read the leaves, each other and constants.
      FailureOr<const ref::Tensor *> actual =
          evaluator.evaluate(candidate.back()->getResult(0));
      if (failed(actual))
        return failure();
      if ((*actual)->shape() != (*expected)->shape() ||
          ref::errorStats(**actual, **expected).relativeL2() > tolerance)
        return failure();
    }
    return success();
  }
};

} // namespace

void mlir::ffn::populateRaiseAttentionPatterns(RewritePatternSet &patterns) {
  patterns.add<RaiseAttention>(patterns.getContext());
}
