//===- PlanBuilder.h - What every FFNToGPU pattern builds -------*- C++ -*-===//
//
// The pieces of a launch that patterns of all op families share: buffers,
// weights, extents, flags and gpu.launch_func itself, plus the checks on the
// [rows, features] shape that every kernel assumes.
//
//===----------------------------------------------------------------------===//

#ifndef LIB_CONVERSION_FFNTOGPU_PLANBUILDER_H
#define LIB_CONVERSION_FFNTOGPU_PLANBUILDER_H

#include "ffn/Conversion/FFNToGPU/FFNToGPU.h"
#include "ffn/Dialect/Plan/IR/PlanOps.h"

#include "mlir/Transforms/DialectConversion.h"

namespace mlir::ffn {

/// Emits `message` as an error at `op` and fails, so that a pattern's
/// refusal reaches the user with the op's location.
LogicalResult refuse(Operation *op, const Twine &message);

class PlanBuilder {
public:
  PlanBuilder(ConversionPatternRewriter &rewriter, Operation *op,
              GPULoweringState &state)
      : rewriter(rewriter), op(op), loc(op->getLoc()), state(state) {}

  ConversionPatternRewriter &getRewriter() { return rewriter; }
  GPULoweringState &getState() { return state; }
  /// The op being converted; refusals name it.
  Operation *getOp() { return op; }

  /// ceil((mul * sym + add) / div) as index (grids) or i32 (arguments).
  Value extent(plan::Sym sym, int64_t mul = 1, int64_t add = 0, int64_t div = 1,
               bool i32 = true);
  Value tokens(int64_t mul = 1, int64_t add = 0, int64_t div = 1,
               bool i32 = true) {
    return extent(plan::Sym::tokens, mul, add, div, i32);
  }
  Value index(int64_t value);
  Value i32(int64_t value);
  Value f32(double value);
  Value flags(Attribute enumAttr);

  /// A [maxTokens, features] buffer of `element` (default: the storage type).
  Value alloc(int64_t features, Type element = {});
  /// A buffer of `elements` values of `element`.
  Value allocElements(int64_t elements, Type element);

  /// Data stored once: `sources` in the layout ffnrt.weight describes.
  Value weight(ArrayRef<Attribute> sources, Type element, bool transpose);

  /// The constant (arith.constant) or table (ffnrt.table) behind `value`,
  /// or null when it is computed on the device.
  static ElementsAttr hostData(Value value);
  /// `data` viewed as a vector (same elements, no copy).
  static ElementsAttr flatten(ElementsAttr data);

  /// An operand a kernel reads: the converted device buffer, or the host
  /// data behind `original` stored as `element` (default: storage type).
  FailureOr<Value> operand(Value original, Value converted, Type element = {});

  /// operand() of an optional operand; null stays null.
  FailureOr<Value> optionalOperand(Value original, Value converted) {
    return original ? operand(original, converted) : FailureOr<Value>(Value());
  }

  /// An optional int64 operand (positions into a cache or table, a key
  /// mask), or, when the op has none, a placeholder that its kernel does
  /// not read.
  FailureOr<Value> optionalIndices(Value original, Value converted);

  /// Rows of an operand as the kernels count them: tokens for device
  /// values, the sequence for tables, the leading extent for constants.
  Value rows(Value original);

  /// The last dim of `value`'s type, checked to be static with rank >= 2
  /// (host constants of rank 0 and 1 are one row).
  FailureOr<int64_t> features(Value value);

  /// Checks that `value`'s leading dims are the input's [batch, seq] or
  /// one dynamic dim (the tokens flattened); a static 1 where the input's
  /// batch is dynamic pins the batch to 1.
  LogicalResult checkRows(Value value);

  /// features() and checkRows() of a device result.
  FailureOr<int64_t> deviceResult(Value value);

  /// features() of a device operand, and the operand as a buffer.
  FailureOr<std::pair<int64_t, Value>> featuresAndBuffer(Value original,
                                                         Value converted);

  /// featuresAndBuffer() of a value computed before the op being converted
  /// (already converted), read by a launch that op's pattern emits for
  /// another op too.
  FailureOr<std::pair<int64_t, Value>> earlierValue(Value original) {
    return featuresAndBuffer(original, rewriter.getRemappedValue(original));
  }

  /// How most patterns start: the features of their device `result` and
  /// their first operand as a buffer.
  FailureOr<std::pair<int64_t, Value>>
  resultAndInput(Value result, Value original, Value converted);

  /// gpu.launch_func @ffn_kernels::@kernel, for calls of `tokens` = {min,
  /// max} tokens when given (max 0: no bound).
  void launch(StringRef kernel, std::array<Value, 3> grid, int64_t block,
              ValueRange args,
              std::optional<std::array<int64_t, 2>> tokens = std::nullopt,
              int64_t sharedBytes = 0);

  /// A TMA tensor map over `buffer` as [rows, cols], boxes of `boxRows`
  /// rows by 128 bytes.
  Value tensorMap(Value buffer, int64_t rows, int64_t cols, int64_t boxRows);

private:
  ConversionPatternRewriter &rewriter;
  Operation *op;
  Location loc;
  GPULoweringState &state;
};

/// The op right after `op` if it is another `Op` whose operands are all
/// computed before `op`: the two can share one launch emitted at `op` (a
/// layer's query and key RoPE, its key and value cache writes), and the
/// pattern replaces both.
template <typename Op> Op launchPartner(Op op) {
  auto next = dyn_cast_or_null<Op>(op->getNextNode());
  if (!next)
    return {};
  for (Value v : next->getOperands())
    if (Operation *def = v.getDefiningOp(); def && !def->isBeforeInBlock(op))
      return {};
  return next;
}

/// A conversion pattern with the lowering state at hand.
template <typename Op> class GPUPattern : public OpConversionPattern<Op> {
public:
  GPUPattern(GPULoweringState &state, TypeConverter &converter,
             MLIRContext *ctx, PatternBenefit benefit = 1)
      : OpConversionPattern<Op>(converter, ctx, benefit), state(state) {}

protected:
  GPULoweringState &state;
};

/// A pattern for an op whose first operand is a device tensor and whose
/// result is a new [rows, features] buffer: emit() launches into `out`.
template <typename Op> class DeviceOpPattern : public GPUPattern<Op> {
public:
  using GPUPattern<Op>::GPUPattern;
  using OpAdaptor = typename Op::Adaptor;

  LogicalResult
  matchAndRewrite(Op op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const final {
    PlanBuilder b(rewriter, op, this->state);
    auto io = b.resultAndInput(op->getResult(0), op->getOperand(0),
                               adaptor.getOperands()[0]);
    if (failed(io))
      return failure();
    auto [features, x] = *io;
    Value out = b.alloc(features);
    if (failed(emit(b, op, adaptor, features, x, out)))
      return failure();
    rewriter.replaceOp(op, out);
    return success();
  }

protected:
  virtual LogicalResult emit(PlanBuilder &b, Op op, OpAdaptor adaptor,
                             int64_t features, Value x, Value out) const = 0;
};

// One family of patterns per file.
void populateLinearPatterns(GPULoweringState &state, TypeConverter &converter,
                            RewritePatternSet &patterns);
void populateNormPatterns(GPULoweringState &state, TypeConverter &converter,
                          RewritePatternSet &patterns);
void populateAttentionPatterns(GPULoweringState &state,
                               TypeConverter &converter,
                               RewritePatternSet &patterns);
void populateEmbeddingPatterns(GPULoweringState &state,
                               TypeConverter &converter,
                               RewritePatternSet &patterns);
void populateElementwisePatterns(GPULoweringState &state,
                                 TypeConverter &converter,
                                 RewritePatternSet &patterns);

/// out = act(x · W + b) (+ residual), with W [k, n] ([n, k] when
/// `transposed`); with `gate`, out = act(x · Wg + bg) ⊙ (x · W + b). The
/// weights must be constants.
LogicalResult launchLinear(PlanBuilder &b, Value x, Value weight, Value gate,
                           Value bias, Value gateBias, bool transposed,
                           plan::KernelActivation activation, Value residual,
                           Value out);

/// The norm launch shared by norms and FFN blocks: out = norm(x) * w (+ b).
void launchNorm(PlanBuilder &b, Value x, Value weight, Value bias, Value out,
                int64_t features, APFloat epsilon, plan::NormMode mode);

} // namespace mlir::ffn

#endif // LIB_CONVERSION_FFNTOGPU_PLANBUILDER_H
