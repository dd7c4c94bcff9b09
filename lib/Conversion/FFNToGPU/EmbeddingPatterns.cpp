//===- EmbeddingPatterns.cpp - Token embedding and RoPE -------------------===//

#include "PlanBuilder.h"

#include "ffn/Dialect/FFN/IR/FFNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace mlir::ffn;

namespace {

/// The model input that `v` is, looking through conversion casts.
plan::InputOp definingInput(Value v) {
  while (auto cast = v.getDefiningOp<UnrealizedConversionCastOp>())
    v = cast.getInputs()[0];
  return v.getDefiningOp<plan::InputOp>();
}

struct EmbeddingLowering : GPUPattern<EmbeddingOp> {
  using GPUPattern::GPUPattern;
  LogicalResult
  matchAndRewrite(EmbeddingOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    PlanBuilder b(rewriter, op, state);
    FailureOr<int64_t> f = b.deviceResult(op.getResult());
    if (failed(f))
      return failure();
    if (!PlanBuilder::hostData(op.getTable()))
      return refuse(op, "expected a constant embedding table");
    FailureOr<Value> table = b.operand(op.getTable(), adaptor.getTable());
    if (failed(table))
      return failure();
    FailureOr<Value> ids =
        b.operand(op.getIds(), adaptor.getIds(), rewriter.getI64Type());
    if (failed(ids))
      return failure();
    // The runtime rejects ids outside the table rather than reading past it.
    if (plan::InputOp input = definingInput(*ids)) {
      int64_t vocab = op.getTable().getType().getDimSize(0);
      int64_t limit = input.getValueLimit();
      rewriter.modifyOpInPlace(input, [&] {
        input.setValueLimit(limit ? std::min(limit, vocab) : vocab);
      });
    }
    Value out = b.alloc(*f);
    b.launch("embed", {b.tokens(1, 0, 1, false), b.index(1), b.index(1)}, 128,
             {*table, *ids, out, b.i32(*f), b.rows(op.getIds())});
    rewriter.replaceOp(op, out);
    return success();
  }
};

/// One `rope` launch, for the next RoPE too when it reads the same tables
/// and positions (grid y 2): a layer's queries and keys.
struct RoPELowering : DeviceOpPattern<RoPEOp> {
  using DeviceOpPattern::DeviceOpPattern;
  LogicalResult emit(PlanBuilder &b, RoPEOp op, OpAdaptor adaptor,
                     int64_t features, Value x, Value out) const override {
    auto cosType = cast<RankedTensorType>(op.getCos().getType());
    if (cosType.getRank() == 3 && cosType.getDimSize(0) != 1 &&
        !op.getPositions())
      return refuse(op, "per-batch RoPE tables are not supported on the GPU");
    if (!PlanBuilder::hostData(op.getCos()) ||
        !PlanBuilder::hostData(op.getSin()))
      return refuse(op, "RoPE tables must be computed from the sequence "
                        "length alone on the GPU");
    Type f32 = b.getRewriter().getF32Type();
    FailureOr<Value> cos = b.operand(op.getCos(), adaptor.getCos(), f32);
    FailureOr<Value> sin = b.operand(op.getSin(), adaptor.getSin(), f32);
    if (failed(cos) || failed(sin))
      return failure();
    FailureOr<Value> positions =
        b.optionalIndices(op.getPositions(), adaptor.getPositions());
    if (failed(positions))
      return failure();
    RoPEOp partner = launchPartner(op);
    if (partner &&
        (partner.getCos() != op.getCos() || partner.getSin() != op.getSin() ||
         partner.getPositions() != op.getPositions()))
      partner = {};
    Value x2 = x, out2 = out, width = b.i32(features), width2 = width;
    if (partner) {
      auto input = b.earlierValue(partner.getInput());
      FailureOr<int64_t> f2 = b.deviceResult(partner.getResult());
      if (failed(input) || failed(f2))
        return failure();
      x2 = input->second;
      width2 = b.i32(input->first);
      out2 = b.alloc(*f2);
    }
    b.launch("rope",
             {b.tokens(1, 0, 1, false), b.index(partner ? 2 : 1), b.index(1)},
             128,
             {x, out, width, x2, out2, width2, *cos, *sin,
              *positions, b.i32(op.getPositions() ? 1 : 0),
              b.i32(cosType.getDimSize(cosType.getRank() - 1)),
              b.extent(plan::Sym::seq)});
    if (partner)
      b.getRewriter().replaceOp(partner, out2);
    return success();
  }
};

} // namespace

void mlir::ffn::populateEmbeddingPatterns(GPULoweringState &state,
                                          TypeConverter &converter,
                                          RewritePatternSet &patterns) {
  patterns.add<EmbeddingLowering, RoPELowering>(state, converter,
                                                patterns.getContext());
}
