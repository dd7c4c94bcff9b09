//===- LinearPatterns.cpp - Weight matmuls, MLPs and FFN blocks -----------===//
//
// Every weight matmul is one launch of the `linear` kernel over weights
// stored [n, k]. A gated MLP's gate and up projections are one launch over
// interleaved rows with act(g) * u in the epilogue; an FFN block's residual
// add is fused into its down projection.
//
//===----------------------------------------------------------------------===//

#include "PlanBuilder.h"

#include "ffn/Dialect/FFN/IR/FFNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::ffn;

namespace {

/// Calls of up to this many tokens read each weight once with the GEMV.
constexpr int64_t kGemvMaxTokens = 8;
/// The GEMV splits k (slices of at least kMinGemvSplitK columns) until it
/// has about kGemvTargetCTAs CTAs: 16 of 4 warps on each of 132 SMs.
constexpr int64_t kGemvTargetCTAs = 2048;
constexpr int64_t kMinGemvSplitK = 1024;
/// Split-K: for calls of up to kSplitMaxTokens tokens, weights of fewer
/// than kSplitBelowRows rows are split into at most kMaxSplits slices of at
/// least kMinSplitK columns.
constexpr int64_t kSplitMaxTokens = 256;
constexpr int64_t kSplitBelowRows = 16384;
constexpr int64_t kMaxSplits = 16;
constexpr int64_t kMinSplitK = 512;

/// A tensor-core matrix product of the kernel library: the kernel over all
/// of k, its split-K partial, and their tile and launch shape.
struct GemmKernel {
  StringRef full, partial;
  int64_t tileRows, tileTokens, threads, sharedBytes;
  /// Split-K chosen by waveSplits rather than by the weight's rows.
  bool byWaves;
};
/// mma.sync, operands staged by the threads (sm_80 and later).
constexpr GemmKernel kMmaSync = {"gemm_mma", "gemm_mma_partial", 128, 64, 128,
                                 0, false};
/// wgmma fed by TMA (sm_90a), see Wgmma.mlir for the shared-memory budget.
constexpr GemmKernel kWgmma = {"gemm_wgmma", "gemm_wgmma_partial", 256, 128,
                               288, 197696, true};

/// The SMs of the Hopper parts ffnc targets (H100 SXM, H200).
constexpr int64_t kHopperSMs = 132;
/// Hopper split-K slices keep at least this many columns (32 k-steps), so
/// that each CTA's pipeline fill stays small against its stream; a weight
/// too narrow to fill a wave even so (an LM head of a few hundred rows)
/// takes slices of kMinSplitK, since idle SMs cost more than the fills.
constexpr int64_t kMinWaveSplitK = 2048;

/// The split of k that best fills whole waves of one CTA per SM for one
/// token tile of `across` CTAs: the fewest splits among those whose CTAs
/// leave the smallest share of the last wave idle.
int64_t waveSplits(int64_t across, int64_t k) {
  int64_t slice =
      across * (k / kMinWaveSplitK) >= kHopperSMs ? kMinWaveSplitK : kMinSplitK;
  int64_t most = std::min(kMaxSplits, k / slice);
  int64_t best = 1;
  double bestFill = 0;
  for (int64_t s = 1; s <= std::max<int64_t>(most, 1); ++s) {
    int64_t ctas = across * s;
    double fill = double(ctas) / double(llvm::alignTo(ctas, kHopperSMs));
    if (fill > bestFill + 1e-9) {
      best = s;
      bestFill = fill;
    }
  }
  return best;
}

plan::KernelActivation kernelActivation(Activation kind) {
  switch (kind) {
  case Activation::silu:
    return plan::KernelActivation::silu;
  case Activation::gelu:
    return plan::KernelActivation::gelu;
  case Activation::gelu_tanh:
    return plan::KernelActivation::gelu_tanh;
  case Activation::relu:
    return plan::KernelActivation::relu;
  }
  llvm_unreachable("unknown activation");
}

/// A 2-D constant weight, or an error at the user.
FailureOr<ElementsAttr> matrix(Operation *user, Value v) {
  ElementsAttr data = PlanBuilder::hostData(v);
  if (!data || v.getDefiningOp<plan::TableOp>())
    return refuse(user, "weights computed at run time are not supported on "
                        "the GPU");
  auto type = cast<ShapedType>(data.getType());
  if (type.getRank() != 2)
    return refuse(user, "expected a 2-D weight, got " +
                            llvm::formatv("{0}", type).str());
  return data;
}

/// The interleaved bias of `n` outputs; a missing half is zero.
FailureOr<Value> linearBias(PlanBuilder &b, Operation *user, Value bias,
                            Value gateBias, bool gated, int64_t n) {
  SmallVector<Attribute, 2> sources;
  for (Value v :
       gated ? SmallVector<Value>{gateBias, bias} : SmallVector<Value>{bias}) {
    if (!v) {
      sources.push_back(DenseElementsAttr::get(
          RankedTensorType::get({n}, b.getRewriter().getF32Type()), 0.0f));
      continue;
    }
    ElementsAttr data = PlanBuilder::hostData(v);
    if (!data || v.getDefiningOp<plan::TableOp>())
      return refuse(user, "biases computed at run time are not supported on "
                          "the GPU");
    if (data.getNumElements() != n)
      return refuse(user, "bias length differs from the output width");
    sources.push_back(PlanBuilder::flatten(data));
  }
  return b.weight(sources, b.getState().act, /*transpose=*/false);
}

/// z = norm(x) or x; out = mlp(z) (+ x for blocks).
template <typename Op>
LogicalResult launchMLP(PlanBuilder &b, Op op, Value x, Value z, Value residual,
                        Value out) {
  auto upType = cast<RankedTensorType>(op.getUpWeight().getType());
  Value hidden = b.alloc(upType.getDimSize(1));
  if (failed(launchLinear(b, z, op.getUpWeight(), op.getGateWeight(),
                          op.getUpBias(), op.getGateBias(), false,
                          kernelActivation(op.getActivation()), Value(),
                          hidden)))
    return failure();
  return launchLinear(b, hidden, op.getDownWeight(), Value(), op.getDownBias(),
                      Value(), false, plan::KernelActivation::identity,
                      residual, out);
}

/// The single user of `v` if it is the ONNX op `type`.
NodeOp onlyUser(Value v, StringRef type) {
  auto user = v.hasOneUse() ? dyn_cast<NodeOp>(*v.user_begin()) : NodeOp();
  return user && user.getOpType() == type ? user : NodeOp();
}

/// The ONNX Add that is the only use of `op`'s result (or of a reshape of
/// it that keeps the features, an alias) and adds to it a device tensor of
/// the same type computed before `op` (an attention's output projection
/// and its residual, BERT's MLP and its input): the launch can add it in
/// its epilogue. Sets `residual` to that tensor.
NodeOp residualAdd(Operation *op, Value &residual) {
  Value sum = op->getResult(0);
  if (NodeOp reshape = onlyUser(sum, "Reshape"))
    if (cast<ShapedType>(reshape.getOutputs()[0].getType()).getShape().back() ==
        cast<ShapedType>(sum.getType()).getShape().back())
      sum = reshape.getOutputs()[0];
  NodeOp add = onlyUser(sum, "Add");
  if (!add || add.getInputs().size() != 2)
    return {};
  Value other = add.getInputs()[add.getInputs()[0] == sum ? 1 : 0];
  Operation *def = other.getDefiningOp();
  if (other == sum || other.getType() != sum.getType() ||
      add.getOutputs()[0].getType() != sum.getType() || !def ||
      !def->isBeforeInBlock(op) || PlanBuilder::hostData(other))
    return {};
  residual = other;
  return add;
}

/// A pattern for ops that end in one linear launch: `launch` emits it with
/// the residual of a following Add (see residualAdd), if any, which the
/// launch then replaces too.
template <typename Op> class ResidualPattern : public DeviceOpPattern<Op> {
public:
  using DeviceOpPattern<Op>::DeviceOpPattern;
  using OpAdaptor = typename Op::Adaptor;

protected:
  virtual LogicalResult launch(PlanBuilder &b, Op op, Value x, Value residual,
                               Value out) const = 0;

private:
  LogicalResult emit(PlanBuilder &b, Op op, OpAdaptor, int64_t, Value x,
                     Value out) const final {
    Value residual, buffer;
    NodeOp add = residualAdd(op, residual);
    if (add) {
      auto converted = b.earlierValue(residual);
      if (failed(converted))
        return failure();
      buffer = converted->second;
    }
    if (failed(launch(b, op, x, buffer, out)))
      return failure();
    if (add)
      b.getRewriter().replaceOp(add, out);
    return success();
  }
};

struct MatmulLowering : ResidualPattern<MatmulOp> {
  using ResidualPattern::ResidualPattern;
  LogicalResult launch(PlanBuilder &b, MatmulOp op, Value x, Value residual,
                       Value out) const override {
    return launchLinear(b, x, op.getWeight(), Value(), op.getBias(), Value(),
                        op.getTransposeWeight(),
                        plan::KernelActivation::identity, residual, out);
  }
};

struct MLPLowering : ResidualPattern<MLPOp> {
  using ResidualPattern::ResidualPattern;
  LogicalResult launch(PlanBuilder &b, MLPOp op, Value x, Value residual,
                       Value out) const override {
    return launchMLP(b, op, x, x, residual, out);
  }
};

struct FFNBlockLowering : DeviceOpPattern<FFNBlockOp> {
  using DeviceOpPattern::DeviceOpPattern;
  LogicalResult emit(PlanBuilder &b, FFNBlockOp op, OpAdaptor adaptor,
                     int64_t features, Value x, Value out) const override {
    FailureOr<Value> gain =
        b.operand(op.getNormWeight(), adaptor.getNormWeight());
    FailureOr<Value> bias =
        b.optionalOperand(op.getNormBias(), adaptor.getNormBias());
    if (failed(gain) || failed(bias))
      return failure();
    plan::NormMode mode = op.getNormKind() == NormKind::layer
                              ? plan::NormMode::layer
                              : plan::NormMode::rms;
    if (op.getUnitOffset())
      mode = mode | plan::NormMode::unit_offset;
    Value z = b.alloc(features);
    launchNorm(b, x, *gain, *bias, z, features, op.getEpsilon(), mode);
    return launchMLP(b, op, x, z, x, out);
  }
};

} // namespace

LogicalResult mlir::ffn::launchLinear(PlanBuilder &b, Value x, Value weight,
                                      Value gate, Value bias, Value gateBias,
                                      bool transposed,
                                      plan::KernelActivation activation,
                                      Value residual, Value out) {
  Operation *op = b.getOp();
  FailureOr<ElementsAttr> up = matrix(op, weight);
  if (failed(up))
    return failure();
  auto shape = cast<ShapedType>(up->getType()).getShape();
  int64_t k = transposed ? shape[1] : shape[0];
  int64_t n = transposed ? shape[0] : shape[1];
  if (k % 8)
    return refuse(op, "the GPU matmul needs the inner dimension to be a "
                      "multiple of 8, got " +
                          std::to_string(k));
  SmallVector<Attribute, 2> sources;
  if (gate) {
    FailureOr<ElementsAttr> g = matrix(op, gate);
    if (failed(g))
      return failure();
    if (g->getType() != up->getType())
      return refuse(op, "gate and up weights differ in shape");
    sources.push_back(*g);
  }
  sources.push_back(*up);
  // The kernel reads rows of k: [k, n] weights are stored transposed.
  Value w = b.weight(sources, b.getState().act, /*transpose=*/!transposed);
  Value biasMem = w;
  auto epilogue = plan::Epilogue::none;
  if (bias || gateBias) {
    FailureOr<Value> m = linearBias(b, op, bias, gateBias, bool(gate), n);
    if (failed(m))
      return failure();
    biasMem = *m;
    epilogue = epilogue | plan::Epilogue::bias;
  }
  if (gate)
    epilogue = epilogue | plan::Epilogue::gated;
  if (residual)
    epilogue = epilogue | plan::Epilogue::residual;
  MLIRContext *ctx = op->getContext();
  SmallVector<Value> args = {
      x,
      w,
      biasMem,
      residual ? residual : w,
      out,
      b.tokens(),
      b.i32(k),
      b.i32(n),
      b.flags(plan::EpilogueAttr::get(ctx, epilogue)),
      b.flags(plan::KernelActivationAttr::get(ctx, activation))};
  int64_t pairs = gate ? n : (n + 1) / 2;
  int64_t rows = gate ? 2 * n : n;
  GPULoweringState &state = b.getState();
  // Split-K: about `splits` slices of k, a multiple of `align` columns
  // each, summed in f32 into a workspace of [splits, tokens, rows] that
  // @splitk_reduce adds up before the epilogue.
  auto launchSplit = [&](StringRef partial, Value gridX, Value gridY,
                         int64_t threads, int64_t sharedBytes, Value xs,
                         Value ws, int64_t splits, int64_t align,
                         std::array<int64_t, 2> range) {
    int64_t kslice = llvm::alignTo(llvm::divideCeil(k, splits), align);
    splits = llvm::divideCeil(k, kslice);
    Value partials = b.allocElements(
        splits * std::min(state.maxTokens, range[1]) * rows,
        b.getRewriter().getF32Type());
    b.launch(partial, {gridX, gridY, b.index(splits)}, threads,
             {xs, ws, partials, b.tokens(), b.i32(k), b.i32(rows),
              b.i32(kslice)},
             range, sharedBytes);
    b.launch("splitk_reduce",
             {b.tokens(pairs, 0, 256, false), b.index(1), b.index(1)}, 256,
             {partials, biasMem, residual ? residual : w, out, b.tokens(),
              b.i32(n), args[8], args[9], b.i32(splits)},
             range);
  };
  // Few tokens: the GEMV, one warp per pair of weight rows, four pairs and
  // four tokens per CTA, streams the weights; a weight of few rows is split
  // along k so that every SM has loads in flight. More tokens: tensor
  // cores, in the 16-bit precisions.
  bool tensorCores =
      state.precision != Precision::FP32 && state.maxTokens > kGemvMaxTokens;
  int64_t gemvCTAs = llvm::divideCeil(pairs, 4);
  int64_t gemvMost = std::min(kMaxSplits, k / kMinGemvSplitK);
  int64_t gemvSplits =
      gemvMost > 1
          ? std::min<int64_t>(gemvMost,
                             llvm::divideCeil(kGemvTargetCTAs, gemvCTAs))
          : 1;
  Value gemvGrid = b.index(gemvCTAs);
  Value gemvTokens = b.tokens(1, 0, 4, false);
  std::array<int64_t, 2> few = {0, kGemvMaxTokens};
  if (gemvSplits > 1)
    launchSplit("linear_partial", gemvGrid, gemvTokens, 128, 0, x, w,
                gemvSplits, 256, few);
  // The plain GEMV: without split, for the few tokens; and for all calls
  // that have no tensor cores.
  if (gemvSplits == 1 || (!tensorCores && state.maxTokens > kGemvMaxTokens)) {
    std::optional<std::array<int64_t, 2>> range;
    if (tensorCores)
      range = few;
    else if (gemvSplits > 1)
      range = std::array<int64_t, 2>{kGemvMaxTokens + 1, 0};
    b.launch("linear", {gemvGrid, gemvTokens, b.index(1)}, 128, args, range);
  }
  if (!tensorCores)
    return success();
  // Hopper streams both operands with TMA, which reads x through a tensor
  // map over its arena buffer (capacity: the largest call's rows).
  GemmKernel kernel = kMmaSync;
  Value xs = x, ws = w;
  if (auto buffer = x.getDefiningOp<plan::AllocOp>();
      state.hopper && buffer) {
    kernel = kWgmma;
    int64_t capacity =
        buffer.getBytes() /
        (k * (cast<MemRefType>(x.getType()).getElementTypeBitWidth() / 8));
    xs = b.tensorMap(x, capacity, k, kernel.tileTokens);
    ws = b.tensorMap(w, rows, k, kernel.tileRows);
  }
  args[0] = xs;
  args[1] = ws;
  int64_t acrossCTAs = llvm::divideCeil(rows, kernel.tileRows);
  Value across = b.index(acrossCTAs);
  Value down = b.tokens(1, 0, kernel.tileTokens, false);
  // Up to kSplitMaxTokens tokens, a weight of few rows and a long k leaves
  // most SMs idle: split k. On Hopper, also to fill the last wave.
  int64_t splits = kernel.byWaves
                       ? waveSplits(acrossCTAs, k)
                       : std::min<int64_t>(kMaxSplits, k / kMinSplitK);
  int64_t splitMaxTokens = kSplitMaxTokens;
  // A split that only evens out the last wave pays for itself while its
  // partial sums (written and read: 4 * splits * tokens / k of the weight's
  // bytes) stay under an eighth of the weight.
  if (kernel.byWaves && acrossCTAs >= kHopperSMs)
    splitMaxTokens = std::min(splitMaxTokens, k / (32 * splits));
  bool split = (kernel.byWaves || rows < kSplitBelowRows) && splits > 1 &&
               splitMaxTokens > kGemvMaxTokens;
  if (split)
    launchSplit(kernel.partial, down, across, kernel.threads,
                kernel.sharedBytes, xs, ws, splits, 64,
                {kGemvMaxTokens + 1, splitMaxTokens});
  if (!split || state.maxTokens > splitMaxTokens)
    b.launch(kernel.full, {down, across, b.index(1)}, kernel.threads, args,
             std::array<int64_t, 2>{
                 (split ? splitMaxTokens : kGemvMaxTokens) + 1, 0},
             kernel.sharedBytes);
  return success();
}

void mlir::ffn::populateLinearPatterns(GPULoweringState &state,
                                       TypeConverter &converter,
                                       RewritePatternSet &patterns) {
  patterns.add<MatmulLowering, MLPLowering, FFNBlockLowering>(
      state, converter, patterns.getContext());
}
