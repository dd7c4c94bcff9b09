//===- AttentionPatterns.cpp - Multi-head attention -----------------------===//
//
// One `attention` launch: a warp per (query, head, batch), an online softmax
// over the keys, GQA by indexing the KV head of each query head.
//
//===----------------------------------------------------------------------===//

#include "PlanBuilder.h"

#include "ffn/Dialect/FFN/IR/FFNOps.h"

using namespace mlir;
using namespace mlir::ffn;

namespace {

/// The kernel keeps a query row in registers, four values per lane.
constexpr int64_t kMaxHeadDim = 128;

struct AttentionLowering : GPUPattern<AttentionOp> {
  using GPUPattern::GPUPattern;
  LogicalResult
  matchAndRewrite(AttentionOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (op.getPositions())
      return refuse(op, "attention over a KV cache does not run on the GPU; "
                        "generate with ffn-run --device=cpu");
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
    Value out = b.alloc(*f);
    auto mask =
        plan::MaskAttr::get(op.getContext(), op.getCausal() ? plan::Mask::causal
                                                            : plan::Mask::none);
    b.launch("attention",
             {b.extent(plan::Sym::seq, 1, 0, 1, false), b.index(heads),
              b.extent(plan::Sym::batch, 1, 0, 1, false)},
             32,
             {qkv[0], qkv[1], qkv[2], out, b.extent(plan::Sym::seq),
              b.i32(heads), b.i32(kvHeads), b.i32(d),
              b.f32(op.getScale().convertToDouble()), b.flags(mask)});
    rewriter.replaceOp(op, out);
    return success();
  }
};

} // namespace

void mlir::ffn::populateAttentionPatterns(GPULoweringState &state,
                                          TypeConverter &converter,
                                          RewritePatternSet &patterns) {
  patterns.add<AttentionLowering>(state, converter, patterns.getContext());
}
