//===- AttentionPatterns.cpp - Multi-head attention -----------------------===//
//
// One `attention` launch: a CTA of 8 warps per (query, head, batch), each
// warp an online softmax over every 8th key, merged at the end; GQA by
// indexing the KV head of each query head.
//
//===----------------------------------------------------------------------===//

#include "PlanBuilder.h"

#include "ffn/Dialect/FFN/IR/FFNOps.h"

using namespace mlir;
using namespace mlir::ffn;

namespace {

/// The kernel keeps a query row in registers, up to eight values per lane.
constexpr int64_t kMaxHeadDim = 256;
/// Warps per query and head, each taking every 8th key; the kernel's
/// shared memory holds the partial results of up to 8 warps.
constexpr int64_t kAttentionThreads = 8 * 32;

struct AttentionLowering : GPUPattern<AttentionOp> {
  using GPUPattern::GPUPattern;
  LogicalResult
  matchAndRewrite(AttentionOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    PlanBuilder b(rewriter, op, state);
    FailureOr<int64_t> f = b.deviceResult(op.getResult());
    if (failed(f))
      return failure();
    SmallVector<Value, 3> qkv;
    Value originals[] = {op.getQuery(), op.getKey(), op.getValue()};
    Value converted[] = {adaptor.getQuery(), adaptor.getKey(),
                         adaptor.getValue()};
    for (auto [original, converted] : llvm::zip(originals, converted)) {
      FailureOr<Value> m = b.operand(original, converted);
      if (failed(m))
        return failure();
      qkv.push_back(*m);
    }
    int64_t heads = op.getNumHeads(), kvHeads = op.getNumKvHeads();
    int64_t d = *f / heads;
    if (d > kMaxHeadDim)
      return refuse(op, "GPU attention supports head dims up to " +
                            std::to_string(kMaxHeadDim) + ", got " +
                            std::to_string(d));
    // The kernel reads the mask as [batch, seq], a model input's layout.
    if (op.getKeyMask() && PlanBuilder::hostData(op.getKeyMask()))
      return refuse(op, "a key mask computed on the host is not supported on "
                        "the GPU; it must be a model input");
    FailureOr<Value> positions =
        b.optionalIndices(op.getPositions(), adaptor.getPositions());
    FailureOr<Value> keyMask =
        b.optionalIndices(op.getKeyMask(), adaptor.getKeyMask());
    if (failed(positions) || failed(keyMask))
      return failure();
    // Over a cache, each sequence's keys are a [context, width] block.
    Value kvRows =
        op.getPositions()
            ? b.i32(cast<RankedTensorType>(op.getKey().getType()).getDimSize(1))
            : b.extent(plan::Sym::seq);
    Value out = b.alloc(*f);
    bool keys = static_cast<bool>(op.getKeyMask());
    plan::Mask causal = keys ? plan::Mask::causal_keys : plan::Mask::causal;
    plan::Mask all = keys ? plan::Mask::keys : plan::Mask::none;
    plan::Mask mask = op.getPositions() ? plan::Mask::cache
                      : op.getCausal()  ? causal
                                        : all;
    b.launch("attention",
             {b.extent(plan::Sym::seq, 1, 0, 1, false), b.index(heads),
              b.extent(plan::Sym::batch, 1, 0, 1, false)},
             kAttentionThreads,
             {qkv[0], qkv[1], qkv[2], out, *positions, *keyMask,
              b.extent(plan::Sym::seq),
              kvRows, b.i32(heads), b.i32(kvHeads), b.i32(d),
              b.f32(op.getScale().convertToDouble()),
              b.flags(plan::MaskAttr::get(op.getContext(), mask))});
    rewriter.replaceOp(op, out);
    return success();
  }
};

/// Whether `v` is a model state, looking through conversion casts.
bool isState(Value v) {
  while (auto cast = v.getDefiningOp<UnrealizedConversionCastOp>())
    v = cast.getInputs()[0];
  return v.getDefiningOp<plan::StateOp>() != nullptr;
}

/// ffn.cache_write: the new rows go into the cache (an ffnrt.state) in
/// place, and the cache stands for the result. The next cache write at the
/// same positions into a cache of the same shape (a layer's values after
/// its keys) shares the launch (grid y 2).
struct CacheWriteLowering : GPUPattern<CacheWriteOp> {
  using GPUPattern::GPUPattern;
  LogicalResult
  matchAndRewrite(CacheWriteOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    PlanBuilder b(rewriter, op, state);
    auto value = b.featuresAndBuffer(op.getValue(), adaptor.getValue());
    if (failed(value))
      return failure();
    if (!isState(adaptor.getCache()))
      return refuse(op, "the cache must be a model state (ffn-kv-cache's "
                        "cache argument)");
    FailureOr<Value> positions =
        b.optionalIndices(op.getPositions(), adaptor.getPositions());
    if (failed(positions))
      return failure();
    auto [width, buffer] = *value;
    CacheWriteOp partner = launchPartner(op);
    Value buffer2 = buffer, cache2 = adaptor.getCache();
    if (partner && partner.getPositions() == op.getPositions() &&
        partner.getCache().getType() == op.getCache().getType()) {
      auto value2 = b.earlierValue(partner.getValue());
      if (failed(value2))
        return failure();
      buffer2 = value2->second;
      cache2 = rewriter.getRemappedValue(partner.getCache());
      if (!isState(cache2))
        return refuse(partner, "the cache must be a model state "
                               "(ffn-kv-cache's cache argument)");
    } else {
      partner = {};
    }
    b.launch(
        "cache_write",
        {b.tokens(1, 0, 1, false), b.index(partner ? 2 : 1), b.index(1)}, 128,
        {buffer, adaptor.getCache(), buffer2, cache2, *positions, b.i32(width),
         b.extent(plan::Sym::seq),
         b.i32(cast<RankedTensorType>(op.getCache().getType()).getDimSize(1))});
    if (partner)
      rewriter.replaceOp(partner, cache2);
    rewriter.replaceOp(op, adaptor.getCache());
    return success();
  }
};

} // namespace

void mlir::ffn::populateAttentionPatterns(GPULoweringState &state,
                                          TypeConverter &converter,
                                          RewritePatternSet &patterns) {
  patterns.add<AttentionLowering, CacheWriteLowering>(state, converter,
                                                      patterns.getContext());
}
