//===- NormPatterns.cpp - RMSNorm and LayerNorm ---------------------------===//
//
// One `norm` launch per op: a CTA per row, statistics in f32.
//
//===----------------------------------------------------------------------===//

#include "PlanBuilder.h"

#include "ffn/Dialect/FFN/IR/FFNOps.h"

using namespace mlir;
using namespace mlir::ffn;

namespace {

template <typename Op> struct NormLowering : GPUPattern<Op> {
  using GPUPattern<Op>::GPUPattern;
  using OpAdaptor = typename Op::Adaptor;

  LogicalResult
  matchAndRewrite(Op op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    PlanBuilder b(rewriter, op, this->state);
    auto io =
        b.resultAndInput(op.getResult(), op.getInput(), adaptor.getInput());
    if (failed(io))
      return failure();
    auto [f, x] = *io;
    FailureOr<Value> gain = b.operand(op.getWeight(), adaptor.getWeight());
    if (failed(gain))
      return failure();
    FailureOr<Value> bias = Value();
    plan::NormMode mode = plan::NormMode::rms;
    if constexpr (std::is_same_v<Op, LayerNormOp>) {
      mode = plan::NormMode::layer;
      bias = b.optionalOperand(op.getBias(), adaptor.getBias());
      if (failed(bias))
        return failure();
    } else if (op.getUnitOffset()) {
      mode = plan::NormMode::unit_offset;
    }
    Value out = b.alloc(f);
    launchNorm(b, x, *gain, *bias, out, f, op.getEpsilon(), mode);
    rewriter.replaceOp(op, out);
    return success();
  }
};

} // namespace

void mlir::ffn::populateNormPatterns(GPULoweringState &state,
                                     TypeConverter &converter,
                                     RewritePatternSet &patterns) {
  patterns.add<NormLowering<RMSNormOp>, NormLowering<LayerNormOp>>(
      state, converter, patterns.getContext());
}
