//===- Raise.cpp - Raise imported ONNX nodes into ffn ops -----------------===//
//
// Structural patterns over ffn.node: each one recognises the nodes that
// PyTorch's exporter writes for one construct and replaces them by the
// structured op. Patterns build on one another (matmul, then activation, then
// MLP, then block), so the greedy driver runs them to a fixed point; the nodes
// they leave dead, shape computations included, are erased by it.
//
//===----------------------------------------------------------------------===//

#include "RaiseUtils.h"

#include "ffn/Dialect/FFN/IR/FFNOps.h"
#include "ffn/Dialect/FFN/Utils/Layers.h"
#include "ffn/Transforms/Passes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace mlir::ffn {
#define GEN_PASS_DEF_FFNRAISE
#include "ffn/Transforms/Passes.h.inc"
} // namespace mlir::ffn

using namespace mlir;
using namespace mlir::ffn;

namespace {

/// Base for patterns rooted at one ONNX op type.
struct NodePattern : public OpRewritePattern<NodeOp> {
  NodePattern(MLIRContext *context, StringRef opType, PatternBenefit benefit = 1)
      : OpRewritePattern<NodeOp>(context, benefit), opType(opType) {}

  LogicalResult matchAndRewrite(NodeOp node,
                                PatternRewriter &rewriter) const final {
    if (node.getOpType() != opType || node.getOutputs().size() != 1)
      return failure();
    return rewrite(node, node.getOutputs()[0], rewriter);
  }
  virtual LogicalResult rewrite(NodeOp node, Value result,
                                PatternRewriter &rewriter) const = 0;

  std::string opType;
};

//===----------------------------------------------------------------------===//
// Embedding, matmuls, normalizations
//===----------------------------------------------------------------------===//

/// Gather(table[V, d], ids, axis = 0) -> ffn.embedding.
struct RaiseEmbedding : NodePattern {
  RaiseEmbedding(MLIRContext *c) : NodePattern(c, "Gather") {}
  LogicalResult rewrite(NodeOp node, Value result,
                        PatternRewriter &rewriter) const override {
    Value table = node.getInputs()[0], ids = node.getInputs()[1];
    if (intAttr(node, "axis", 0) != 0 || !isConstant(table) ||
        typeOf(table).getRank() != 2 ||
        !isa<FloatType>(typeOf(table).getElementType()) ||
        !typeOf(ids).getElementType().isSignlessInteger())
      return failure();
    rewriter.replaceOpWithNewOp<EmbeddingOp>(node, result.getType(), table,
                                             ids);
    return success();
  }
};

/// MatMul(x, W[K, N] constant) -> ffn.matmul.
struct RaiseMatMul : NodePattern {
  RaiseMatMul(MLIRContext *c) : NodePattern(c, "MatMul") {}
  LogicalResult rewrite(NodeOp node, Value result,
                        PatternRewriter &rewriter) const override {
    Value x = node.getInputs()[0], w = node.getInputs()[1];
    if (!isConstant(w) || typeOf(w).getRank() != 2 ||
        !isa<FloatType>(typeOf(w).getElementType()))
      return failure();
    rewriter.replaceOpWithNewOp<MatmulOp>(node, result.getType(), x, w,
                                          Value(), false);
    return success();
  }
};

/// Gemm(A, B constant, C constant vector?) with alpha = beta = 1 and no transA
/// -> ffn.matmul (transB becomes transpose_weight).
struct RaiseGemm : NodePattern {
  RaiseGemm(MLIRContext *c) : NodePattern(c, "Gemm") {}
  LogicalResult rewrite(NodeOp node, Value result,
                        PatternRewriter &rewriter) const override {
    auto inputs = node.getInputs();
    auto alpha = dyn_cast_or_null<FloatAttr>(node.getOnnxAttr("alpha"));
    auto beta = dyn_cast_or_null<FloatAttr>(node.getOnnxAttr("beta"));
    if ((alpha && alpha.getValueAsDouble() != 1.0) ||
        (beta && beta.getValueAsDouble() != 1.0) ||
        intAttr(node, "transA", 0) != 0 || !isConstant(inputs[1]))
      return failure();
    Value bias = inputs.size() > 2 ? inputs[2] : Value();
    if (bias && (!isConstant(bias) || typeOf(bias).getRank() != 1))
      return failure();
    rewriter.replaceOpWithNewOp<MatmulOp>(node, result.getType(), inputs[0],
                                          inputs[1], bias,
                                          intAttr(node, "transB", 0) != 0);
    return success();
  }
};

/// Add(ffn.matmul without bias, b[N] constant) -> ffn.matmul with bias.
struct RaiseMatMulBias : NodePattern {
  RaiseMatMulBias(MLIRContext *c) : NodePattern(c, "Add") {}
  LogicalResult rewrite(NodeOp node, Value result,
                        PatternRewriter &rewriter) const override {
    MatmulOp matmul;
    Value bias;
    if (!matchEitherOrder(node, [&](Value a, Value b) {
          matmul = soleOpOf<MatmulOp>(a);
          bias = b;
          return matmul && !matmul.getBias() && isConstant(b) &&
                 typeOf(b).getRank() == 1 &&
                 castCompatible(a.getType(), result.getType());
        }))
      return failure();
    replaceWithCast(rewriter, node,
                    MatmulOp::create(rewriter, node.getLoc(), matmul.getType(),
                                     matmul.getInput(), matmul.getWeight(),
                                     bias, matmul.getTransposeWeight()));
    return success();
  }
};

/// Reshape(ffn.matmul(Reshape(x, [-1, K])), [lead..., N]) -> ffn.matmul(x),
/// when the outer reshape restores x's leading dimensions (as the exporter
/// writes around Gemm, which is 2-D only).
struct RaiseFlattenedMatMul : NodePattern {
  RaiseFlattenedMatMul(MLIRContext *c) : NodePattern(c, "Reshape") {}
  LogicalResult rewrite(NodeOp node, Value result,
                        PatternRewriter &rewriter) const override {
    auto matmul = soleOpOf<MatmulOp>(node.getInputs()[0]);
    if (!matmul)
      return failure();
    NodeOp flatten = soleNodeOf(matmul.getInput(), "Reshape");
    if (!flatten)
      return failure();
    Value x = flatten.getInputs()[0];
    RankedTensorType xType = typeOf(x), outType = typeOf(result);
    int64_t rank = xType.getRank();
    if (rank < 2 || outType.getRank() != rank ||
        typeOf(flatten.getOutputs()[0]).getRank() != 2 ||
        xType.getShape().back() != typeOf(flatten.getOutputs()[0]).getDimSize(1))
      return failure();
    // Each leading target extent must provably equal x's: the same static
    // size, a copied dim (0 without allowzero), or the one inferred (-1) dim
    // when all others are provably equal.
    std::optional<SmallVector<int64_t>> target =
        intConstant(node.getInputs()[1]);
    if (!target || static_cast<int64_t>(target->size()) != rank)
      return failure();
    bool allowZero = intAttr(node, "allowzero", 0) != 0;
    int inferred = 0;
    for (int64_t i = 0; i + 1 < rank; ++i) {
      int64_t t = (*target)[i], d = xType.getDimSize(i);
      if (t == -1)
        ++inferred;
      else if (!((t == 0 && !allowZero) || (t > 0 && t == d)))
        return failure();
    }
    if (inferred > 1 || (*target)[rank - 1] == -1 ||
        (*target)[rank - 1] != outType.getShape().back())
      return failure();
    rewriter.replaceOpWithNewOp<MatmulOp>(node, result.getType(), x,
                                          matmul.getWeight(), matmul.getBias(),
                                          matmul.getTransposeWeight());
    return success();
  }
};

/// g ⊙ x · 1/sqrt(ReduceMean(x², -1) + ε) (any association of the products,
/// or x / sqrt(...)) -> ffn.rms_norm; g = Add(w, 1) gives Gemma's unit offset.
struct RaiseRMSNorm : NodePattern {
  RaiseRMSNorm(MLIRContext *c) : NodePattern(c, "Mul") {}

  /// If `v` is 1/sqrt(mean(x², -1) + ε) or sqrt(...) when `isDenominator`,
  /// returns x and ε.
  static std::optional<std::pair<Value, double>> matchInvRMS(Value v,
                                                            bool sqrtOnly) {
    Value sqrtValue = v;
    if (!sqrtOnly) {
      NodeOp recip = soleNodeOf(v, "Reciprocal");
      if (!recip)
        return std::nullopt;
      sqrtValue = recip.getInputs()[0];
    }
    NodeOp sqrt = soleNodeOf(sqrtValue, "Sqrt");
    NodeOp add = sqrt ? soleNodeOf(sqrt.getInputs()[0], "Add") : NodeOp();
    if (!add)
      return std::nullopt;
    NodeOp mean;
    std::optional<double> eps;
    matchEitherOrder(add, [&](Value a, Value b) {
      mean = soleNodeOf(a, "ReduceMean");
      eps = splatFloat(b);
      return mean && eps;
    });
    if (!mean || !eps || *eps <= 0)
      return std::nullopt;
    NodeOp pow = soleNodeOf(mean.getInputs()[0], "Pow");
    if (!pow || !isSplat(pow.getInputs()[1], 2.0))
      return std::nullopt;
    Value x = pow.getInputs()[0];
    if (!reducesLastAxis(mean, typeOf(x).getRank()))
      return std::nullopt;
    return std::make_pair(x, *eps);
  }

  LogicalResult rewrite(NodeOp node, Value result,
                        PatternRewriter &rewriter) const override {
    SmallVector<Value> factors = productFactors(node);
    // bf16 and fp16 exports normalise in fp32 and round before the gain:
    // g ⊙ Cast(Cast(x) · 1/sqrt(...)). The raised norm rounds once, after
    // the gain.
    Type element = typeOf(result).getElementType();
    for (auto [k, factor] : llvm::enumerate(factors)) {
      NodeOp narrow = soleNodeOf(factor, "Cast");
      if (!narrow || !isa<FloatType>(element) || element.isF32())
        continue;
      Value wide = narrow.getInputs()[0];
      if (NodeOp mul = soleNodeOf(wide, "Mul")) {
        factors.erase(factors.begin() + k);
        llvm::append_range(factors, productFactors(mul));
      } else if (soleNodeOf(wide, "Div")) {
        factors[k] = wide;
      }
      break;
    }
    std::optional<std::pair<Value, double>> invRMS;
    Value x;
    // x · 1/sqrt(...)
    if (takeFactor(factors, [&](Value v) {
          invRMS = matchInvRMS(v, /*sqrtOnly=*/false);
          return invRMS.has_value();
        })) {
      x = takeFactor(factors, [&](Value v) { return v == invRMS->first; });
    } else {
      // x / sqrt(...)
      takeFactor(factors, [&](Value v) {
        NodeOp div = soleNodeOf(v, "Div");
        if (!div)
          return false;
        invRMS = matchInvRMS(div.getInputs()[1], /*sqrtOnly=*/true);
        if (!invRMS || div.getInputs()[0] != invRMS->first)
          return false;
        x = div.getInputs()[0];
        return true;
      });
    }
    if (!x || factors.size() != 1)
      return failure();
    // The norm of the narrow input, widened for the statistics.
    if (typeOf(x).getElementType() != element)
      if (NodeOp widen = nodeOf(x, "Cast");
          widen && typeOf(widen.getInputs()[0]).getElementType() == element)
        x = widen.getInputs()[0];
    // The gain: a constant vector, or Add(w, 1) for Gemma.
    Value gain = factors[0];
    bool unitOffset = false;
    if (NodeOp add = soleNodeOf(gain, "Add")) {
      matchEitherOrder(add, [&](Value a, Value b) {
        if (!isConstant(a) || !isSplat(b, 1.0))
          return false;
        gain = a;
        unitOffset = true;
        return true;
      });
    }
    RankedTensorType gainType = typeOf(gain);
    if (!isConstant(gain) || gainType.getRank() != 1 ||
        gainType.getElementType() != typeOf(x).getElementType() ||
        !castCompatible(x.getType(), result.getType()))
      return failure();
    replaceWithCast(rewriter, node,
                    RMSNormOp::create(
                        rewriter, node.getLoc(), x.getType(), x, gain,
                        rewriter.getF32FloatAttr(invRMS->second),
                        unitOffset ? rewriter.getUnitAttr() : UnitAttr()));
    return success();
  }
};

/// LayerNormalization over the last axis -> ffn.layer_norm.
struct RaiseLayerNorm : OpRewritePattern<NodeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(NodeOp node,
                                PatternRewriter &rewriter) const override {
    if (node.getOpType() != "LayerNormalization")
      return failure();
    Value result = node.getOutputs()[0];
    // Mean and inverse std-dev outputs, if any, must be unused.
    for (Value extra : node.getOutputs().drop_front())
      if (!extra.use_empty())
        return failure();
    Value x = node.getInputs()[0];
    int64_t axis = intAttr(node, "axis", -1);
    if (axis != -1 && axis != typeOf(x).getRank() - 1)
      return failure();
    auto epsilon = dyn_cast_or_null<FloatAttr>(node.getOnnxAttr("epsilon"));
    Value scale = node.getInputs()[1];
    Value bias = node.getInputs().size() > 2 ? node.getInputs()[2] : Value();
    if (typeOf(scale).getRank() != 1 || (bias && typeOf(bias).getRank() != 1))
      return failure();
    auto ln = LayerNormOp::create(
        rewriter, node.getLoc(), x.getType(), x, scale, bias,
        rewriter.getF32FloatAttr(epsilon ? epsilon.getValueAsDouble() : 1e-5));
    rewriter.replaceAllUsesWith(result, ln.getOutput());
    rewriter.eraseOp(node);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

/// x · Sigmoid(x) -> silu; x · 0.5 · (1 + erf(x / √2)) -> gelu;
/// x · 0.5 · (1 + tanh(√(2/π) · (x + 0.044715 · x³))) -> gelu_tanh.
struct RaiseActivation : NodePattern {
  RaiseActivation(MLIRContext *c) : NodePattern(c, "Mul") {}

  /// If `v` is 1 + f(...) for the unary node `unary`, returns f's input.
  static Value onePlus(Value v, StringRef unary) {
    NodeOp add = soleNodeOf(v, "Add");
    Value inner;
    if (add)
      matchEitherOrder(add, [&](Value a, Value b) {
        NodeOp f = soleNodeOf(a, unary);
        if (!f || !isSplat(b, 1.0))
          return false;
        inner = f.getInputs()[0];
        return true;
      });
    return inner;
  }

  /// erf's argument x / √2 or x · (1/√2); returns x.
  static Value erfArgument(Value v) {
    if (NodeOp div = soleNodeOf(v, "Div"))
      return isSplat(div.getInputs()[1], std::sqrt(2.0)) ? div.getInputs()[0]
                                                         : Value();
    Value x;
    if (NodeOp mul = soleNodeOf(v, "Mul"))
      matchEitherOrder(mul, [&](Value a, Value b) {
        x = isSplat(b, 1.0 / std::sqrt(2.0), 1e-5) ? a : Value();
        return static_cast<bool>(x);
      });
    return x;
  }

  /// tanh's argument √(2/π) · (x + 0.044715 · x³); returns x.
  static Value tanhArgument(Value v) {
    NodeOp mul = soleNodeOf(v, "Mul");
    Value sum;
    if (!mul || !matchEitherOrder(mul, [&](Value a, Value b) {
          sum = a;
          return isSplat(b, std::sqrt(2.0 / M_PI), 1e-5);
        }))
      return nullptr;
    NodeOp add = soleNodeOf(sum, "Add");
    Value x;
    if (add)
      matchEitherOrder(add, [&](Value a, Value b) {
        NodeOp cube = soleNodeOf(b, "Mul");
        Value pow;
        if (!cube || !matchEitherOrder(cube, [&](Value p, Value c) {
              pow = p;
              return isSplat(c, 0.044715, 1e-5);
            }))
          return false;
        NodeOp p = soleNodeOf(pow, "Pow");
        if (!p || p.getInputs()[0] != a || !isSplat(p.getInputs()[1], 3.0))
          return false;
        x = a;
        return true;
      });
    return x;
  }

  LogicalResult rewrite(NodeOp node, Value result,
                        PatternRewriter &rewriter) const override {
    SmallVector<Value> factors = productFactors(node);
    auto replace = [&](Value x, Activation kind) {
      replaceWithCast(rewriter, node,
                      ActivationOp::create(rewriter, node.getLoc(),
                                           x.getType(), kind, x));
      return success();
    };
    // SiLU: exactly x and Sigmoid(x).
    if (factors.size() == 2) {
      for (int i = 0; i < 2; ++i) {
        NodeOp sigmoid = soleNodeOf(factors[i], "Sigmoid");
        if (sigmoid && sigmoid.getInputs()[0] == factors[1 - i] &&
            castCompatible(factors[1 - i].getType(), result.getType()))
          return replace(factors[1 - i], Activation::silu);
      }
      return failure();
    }
    // GELU: x, 0.5 and 1 + erf(...) or 1 + tanh(...).
    if (factors.size() != 3 ||
        !takeFactor(factors, [](Value v) { return isSplat(v, 0.5); }))
      return failure();
    for (int i = 0; i < 2; ++i) {
      Value x = factors[1 - i];
      if (!castCompatible(x.getType(), result.getType()))
        continue;
      if (Value arg = onePlus(factors[i], "Erf"); arg && erfArgument(arg) == x)
        return replace(x, Activation::gelu);
      if (Value arg = onePlus(factors[i], "Tanh");
          arg && tanhArgument(arg) == x)
        return replace(x, Activation::gelu_tanh);
    }
    return failure();
  }
};

/// Relu -> ffn.activation <relu>.
struct RaiseRelu : NodePattern {
  RaiseRelu(MLIRContext *c) : NodePattern(c, "Relu") {}
  LogicalResult rewrite(NodeOp node, Value result,
                        PatternRewriter &rewriter) const override {
    if (result.getType() != node.getInputs()[0].getType())
      return failure();
    rewriter.replaceOpWithNewOp<ActivationOp>(node, result.getType(),
                                              Activation::relu,
                                              node.getInputs()[0]);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// MLPs and blocks
//===----------------------------------------------------------------------===//

/// A plain (non-transposed) weight matmul whose result feeds one op.
static MatmulOp projection(Value v) {
  auto matmul = soleOpOf<MatmulOp>(v);
  return matmul && !matmul.getTransposeWeight() ? matmul : MatmulOp();
}

/// ffn.matmul(act(z·Wg) ⊙ (z·Wu), Wd) -> gated ffn.mlp; the gate and up
/// projections may also be the two halves of one matmul split on the last
/// axis (Phi-3). ffn.matmul(act(z·W1), W2) -> plain ffn.mlp.
struct RaiseMLP : OpRewritePattern<MatmulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MatmulOp down,
                                PatternRewriter &rewriter) const override {
    if (down.getTransposeWeight())
      return failure();
    Value hidden = down.getInput();
    Type resultType = down.getOutput().getType();

    // Plain: act(z·W1 + b1).
    if (auto act = soleOpOf<ActivationOp>(hidden)) {
      MatmulOp up = projection(act.getInput());
      if (!up)
        return failure();
      rewriter.replaceOpWithNewOp<MLPOp>(
          down, resultType, up.getInput(), Value(), Value(), up.getWeight(),
          up.getBias(), down.getWeight(), down.getBias(), act.getKind());
      return success();
    }

    // Gated: act(gate) ⊙ up.
    NodeOp mul = soleNodeOf(hidden, "Mul");
    if (!mul)
      return failure();
    ActivationOp act;
    Value upValue;
    if (!matchEitherOrder(mul, [&](Value a, Value b) {
          act = soleOpOf<ActivationOp>(a);
          upValue = b;
          return static_cast<bool>(act);
        }))
      return failure();
    Value gateValue = act.getInput();
    Value z, gateWeight, gateBias, upWeight, upBias;
    if (MatmulOp gate = projection(gateValue)) {
      MatmulOp up = projection(upValue);
      if (!up || up.getInput() != gate.getInput())
        return failure();
      z = gate.getInput();
      gateWeight = gate.getWeight();
      gateBias = gate.getBias();
      upWeight = up.getWeight();
      upBias = up.getBias();
    } else {
      // Split(z·[Wg | Wu], last axis, 2 halves): slice the fused weight.
      auto split = gateValue.getDefiningOp<NodeOp>();
      if (!split || split.getOpType() != "Split" ||
          split.getOutputs().size() != 2 || split.getOutputs()[0] != gateValue ||
          split.getOutputs()[1] != upValue || !gateValue.hasOneUse() ||
          !upValue.hasOneUse())
        return failure();
      MatmulOp fused = projection(split.getInputs()[0]);
      int64_t rank = typeOf(gateValue).getRank();
      int64_t axis = intAttr(split, "axis", 0);
      if (!fused || fused.getBias() || (axis != -1 && axis != rank - 1))
        return failure();
      RankedTensorType fusedType = typeOf(fused.getWeight());
      int64_t width = typeOf(gateValue).getShape().back();
      if (ShapedType::isDynamic(width) || fusedType.getDimSize(1) != 2 * width)
        return failure();
      if (split.getInputs().size() > 1) {
        std::optional<SmallVector<int64_t>> sizes =
            intConstant(split.getInputs()[1]);
        if (!sizes || *sizes != SmallVector<int64_t>{width, width})
          return failure();
      }
      z = fused.getInput();
      int64_t rows = fusedType.getDimSize(0);
      auto half = [&](int64_t offset) {
        return tensor::ExtractSliceOp::create(
            rewriter, split.getLoc(), fused.getWeight(),
            ArrayRef<OpFoldResult>{rewriter.getIndexAttr(0),
                                   rewriter.getIndexAttr(offset)},
            ArrayRef<OpFoldResult>{rewriter.getIndexAttr(rows),
                                   rewriter.getIndexAttr(width)},
            ArrayRef<OpFoldResult>{rewriter.getIndexAttr(1),
                                   rewriter.getIndexAttr(1)});
      };
      gateWeight = half(0);
      upWeight = half(width);
    }
    rewriter.replaceOpWithNewOp<MLPOp>(down, resultType, z, gateWeight,
                                       gateBias, upWeight, upBias,
                                       down.getWeight(), down.getBias(),
                                       act.getKind());
    return success();
  }
};

/// Add(x, ffn.mlp(Norm(x))) -> ffn.ffn_block.
struct RaiseFFNBlock : NodePattern {
  RaiseFFNBlock(MLIRContext *c) : NodePattern(c, "Add") {}
  LogicalResult rewrite(NodeOp node, Value result,
                        PatternRewriter &rewriter) const override {
    MLPOp mlp;
    Value x;
    Operation *norm = nullptr;
    if (!matchEitherOrder(node, [&](Value a, Value b) {
          mlp = soleOpOf<MLPOp>(b);
          if (!mlp || !mlp.getInput().hasOneUse() ||
              !castCompatible(a.getType(), result.getType()))
            return false;
          norm = mlp.getInput().getDefiningOp();
          x = a;
          if (auto rms = dyn_cast_or_null<RMSNormOp>(norm))
            return rms.getInput() == x;
          if (auto ln = dyn_cast_or_null<LayerNormOp>(norm))
            return ln.getInput() == x;
          return false;
        }))
      return failure();
    auto create = [&](NormKind kind, Value weight, Value bias, FloatAttr eps,
                      UnitAttr unitOffset) {
      replaceWithCast(
          rewriter, node,
          FFNBlockOp::create(rewriter, node.getLoc(), x.getType(), x,
                             NormKindAttr::get(getContext(), kind), weight,
                             bias, eps, unitOffset, mlp.getGateWeight(),
                             mlp.getGateBias(), mlp.getUpWeight(),
                             mlp.getUpBias(), mlp.getDownWeight(),
                             mlp.getDownBias(), mlp.getActivationAttr()));
    };
    if (auto rms = dyn_cast<RMSNormOp>(norm))
      create(NormKind::rms, rms.getWeight(), Value(), rms.getEpsilonAttr(),
             rms.getUnitOffsetAttr());
    else {
      auto ln = cast<LayerNormOp>(norm);
      create(NormKind::layer, ln.getWeight(), ln.getBias(),
             ln.getEpsilonAttr(), UnitAttr());
    }
    return success();
  }
};

struct RaisePass : public ffn::impl::FFNRaiseBase<RaisePass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    RewritePatternSet patterns(context);
    patterns.add<RaiseEmbedding, RaiseMatMul, RaiseGemm, RaiseMatMulBias,
                 RaiseFlattenedMatMul, RaiseRMSNorm, RaiseLayerNorm,
                 RaiseActivation, RaiseRelu, RaiseMLP, RaiseFFNBlock>(context);
    populateRaiseAttentionPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    nameLayers(getOperation());
  }
};

} // namespace
