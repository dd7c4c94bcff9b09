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

template <typename Op> struct NormLowering : DeviceOpPattern<Op> {
  using DeviceOpPattern<Op>::DeviceOpPattern;
  using OpAdaptor = typename Op::Adaptor;

  LogicalResult emit(PlanBuilder &b, Op op, OpAdaptor adaptor, int64_t features,
                     Value x, Value out) const override {
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
    launchNorm(b, x, *gain, *bias, out, features, op.getEpsilon(), mode);
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
