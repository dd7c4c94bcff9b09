//===- ElementwisePatterns.cpp - Elementwise ops and data movement --------===//
//
// Activations, the ONNX elementwise arithmetic that raising leaves, reshapes
// (which only relabel [rows, features] data), column slices and splits, and
// the model's outputs.
//
//===----------------------------------------------------------------------===//

#include "PlanBuilder.h"

#include "ffn/Dialect/FFN/IR/FFNOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlir;
using namespace mlir::ffn;

namespace {

/// Launch shape of the one-thread-per-element kernels.
constexpr int64_t kElementwiseBlock = 256;
/// Threads per row of argmax_rows (at most 32 warps).
constexpr int64_t kArgmaxBlock = 256;

std::array<Value, 3> elementwiseGrid(PlanBuilder &b, int64_t features) {
  return {b.tokens(features, 0, kElementwiseBlock, false),
          b.index(1), b.index(1)};
}

/// Copies columns [offset, offset + width) of `x` ([rows, in]) into a new
/// buffer.
Value sliceColumns(PlanBuilder &b, Value x, int64_t in, int64_t offset,
                   int64_t width) {
  Value out = b.alloc(width);
  b.launch("slice_cols", elementwiseGrid(b, width), kElementwiseBlock,
           {x, out, b.tokens(width), b.i32(width), b.i32(in), b.i32(offset)});
  return out;
}

struct ActivationLowering : DeviceOpPattern<ActivationOp> {
  using DeviceOpPattern::DeviceOpPattern;
  LogicalResult emit(PlanBuilder &b, ActivationOp op, OpAdaptor,
                     int64_t features, Value x, Value out) const override {
    plan::KernelActivation kind =
        *plan::symbolizeKernelActivation(stringifyActivation(op.getKind()));
    b.launch("unary", elementwiseGrid(b, features), kElementwiseBlock,
             {x, out, b.tokens(features),
              b.flags(plan::KernelActivationAttr::get(op.getContext(), kind))});
    return success();
  }
};

/// A cast between tensor types of the same data relabels it.
struct CastLowering : GPUPattern<tensor::CastOp> {
  using GPUPattern::GPUPattern;
  LogicalResult
  matchAndRewrite(tensor::CastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    PlanBuilder b(rewriter, op, state);
    if (failed(b.checkRows(op.getResult())))
      return failure();
    FailureOr<Value> x = b.operand(op.getSource(), adaptor.getSource());
    if (failed(x))
      return failure();
    rewriter.replaceOp(op, *x);
    return success();
  }
};

struct NodeLowering : GPUPattern<NodeOp> {
  using GPUPattern::GPUPattern;
  LogicalResult
  matchAndRewrite(NodeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    PlanBuilder b(rewriter, op, state);
    StringRef type = op.getOpType();
    if (type == "Split")
      return split(b, op, adaptor);
    if (op.getNumResults() != 1)
      return refuse(op, "not supported on the GPU");
    if (llvm::is_contained(
            {"Reshape", "Squeeze", "Unsqueeze", "Identity", "Flatten"}, type))
      return relabel(b, op, adaptor);
    std::optional<plan::BinaryKind> binary =
        llvm::StringSwitch<std::optional<plan::BinaryKind>>(type)
            .Case("Add", plan::BinaryKind::add)
            .Case("Sub", plan::BinaryKind::sub)
            .Case("Mul", plan::BinaryKind::mul)
            .Case("Div", plan::BinaryKind::div)
            .Default(std::nullopt);
    if (binary)
      return elementwise(b, op, adaptor, *binary);
    if (type == "MatMul")
      return matmul(b, op, adaptor);
    if (type == "Slice")
      return slice(b, op, adaptor);
    return refuse(op, "not supported on the GPU");
  }

private:
  /// Reshapes that keep the feature dimension: the same buffer.
  LogicalResult relabel(PlanBuilder &b, NodeOp op, OpAdaptor adaptor) const {
    Value in = op.getInputs()[0], result = op.getResult(0);
    if (!isa<MemRefType>(adaptor.getInputs()[0].getType()))
      return refuse(op, "not supported on the GPU");
    if (in.getType() != result.getType()) {
      FailureOr<int64_t> fin = b.features(in);
      if (failed(fin))
        return failure();
      FailureOr<int64_t> fout = b.features(result);
      if (failed(fout))
        return failure();
      if (*fin != *fout)
        return refuse(op, "a reshape that changes the feature dimension is "
                          "not supported on the GPU");
      if (failed(b.checkRows(result)))
        return failure();
    }
    b.getRewriter().replaceOp(op, adaptor.getInputs()[0]);
    return success();
  }

  LogicalResult elementwise(PlanBuilder &b, NodeOp op, OpAdaptor adaptor,
                            plan::BinaryKind kind) const {
    FailureOr<int64_t> f = b.deviceResult(op.getResult(0));
    if (failed(f))
      return failure();
    SmallVector<Value, 4> args;
    SmallVector<Value, 4> shapes;
    for (unsigned i = 0; i < 2; ++i) {
      Value original = op.getInputs()[i];
      auto input = b.featuresAndBuffer(original, adaptor.getInputs()[i]);
      if (failed(input))
        return failure();
      auto [fx, m] = *input;
      if (fx != *f && fx != 1)
        return refuse(op, "broadcasting of the feature dimension from " +
                              std::to_string(fx) + " to " + std::to_string(*f) +
                              " is not supported");
      args.push_back(m);
      shapes.append({b.rows(original), b.i32(fx)});
    }
    Value out = b.alloc(*f);
    b.launch("binary", elementwiseGrid(b, *f), kElementwiseBlock,
             {args[0], args[1], out, b.tokens(*f), b.i32(*f), shapes[0],
              shapes[1], shapes[2], shapes[3],
              b.flags(plan::BinaryKindAttr::get(op.getContext(), kind))});
    b.getRewriter().replaceOp(op, out);
    return success();
  }

  LogicalResult matmul(PlanBuilder &b, NodeOp op, OpAdaptor adaptor) const {
    auto io = b.resultAndInput(op.getResult(0), op.getInputs()[0],
                               adaptor.getInputs()[0]);
    if (failed(io))
      return failure();
    auto [f, x] = *io;
    Value out = b.alloc(f);
    if (failed(launchLinear(b, x, op.getInputs()[1], Value(), Value(), Value(),
                            false, plan::KernelActivation::identity, Value(),
                            out)))
      return failure();
    b.getRewriter().replaceOp(op, out);
    return success();
  }

  /// Unit-step slices of the last axis.
  LogicalResult slice(PlanBuilder &b, NodeOp op, OpAdaptor adaptor) const {
    Value in = op.getInputs()[0];
    FailureOr<int64_t> f = b.deviceResult(op.getResult(0));
    if (failed(f))
      return failure();
    auto input = b.featuresAndBuffer(in, adaptor.getInputs()[0]);
    if (failed(input))
      return failure();
    auto [fin, x] = *input;
    int64_t rank = cast<RankedTensorType>(in.getType()).getRank();
    SmallVector<int64_t> params[4];
    for (unsigned i = 1; i < op.getNumOperands() && i < 5; ++i) {
      ElementsAttr data = PlanBuilder::hostData(op.getInputs()[i]);
      if (!data || op.getInputs()[i].getDefiningOp<plan::TableOp>())
        return refuse(op, "Slice bounds must be constants on the GPU");
      for (APInt v : data.getValues<APInt>())
        params[i - 1].push_back(v.getSExtValue());
    }
    bool lastAxis = params[2].size() == 1 &&
                    (params[2][0] == -1 || params[2][0] == rank - 1);
    bool unitStep = params[3].empty() || params[3][0] == 1;
    if (params[0].size() != 1 || !lastAxis || !unitStep)
      return refuse(op, "only unit-step slices of the last axis are "
                        "supported on the GPU");
    int64_t start = params[0][0] < 0 ? params[0][0] + fin : params[0][0];
    start = std::clamp<int64_t>(start, 0, fin);
    b.getRewriter().replaceOp(op, sliceColumns(b, x, fin, start, *f));
    return success();
  }

  /// Splits of the last axis: a column slice per result.
  LogicalResult split(PlanBuilder &b, NodeOp op, OpAdaptor adaptor) const {
    Value in = op.getInputs()[0];
    auto input = b.featuresAndBuffer(in, adaptor.getInputs()[0]);
    if (failed(input))
      return failure();
    auto [fin, x] = *input;
    int64_t rank = cast<RankedTensorType>(in.getType()).getRank();
    int64_t axis = 0;
    if (auto attr = dyn_cast_or_null<IntegerAttr>(op.getOnnxAttr("axis")))
      axis = attr.getInt();
    if (axis != -1 && axis != rank - 1)
      return refuse(op, "only splits of the last axis are supported on the "
                        "GPU");
    SmallVector<Value> results;
    int64_t offset = 0;
    for (Value result : op.getResults()) {
      FailureOr<int64_t> f = b.deviceResult(result);
      if (failed(f))
        return failure();
      results.push_back(sliceColumns(b, x, fin, offset, *f));
      offset += *f;
    }
    b.getRewriter().replaceOp(op, results);
    return success();
  }
};

/// A model output's dims: its static extents, and the input's batch and
/// sequence for its dynamic ones.
ArrayAttr outputDims(Builder &builder, RankedTensorType type,
                     RankedTensorType input) {
  SmallVector<Attribute> dims;
  for (int64_t k = 0; k < type.getRank(); ++k) {
    if (!type.isDynamicDim(k)) {
      dims.push_back(builder.getI64IntegerAttr(type.getDimSize(k)));
      continue;
    }
    bool seq = k == type.getRank() - 1 || (k == 1 && input.getRank() == 2) ||
               input.getRank() == 1;
    dims.push_back(builder.getStringAttr(seq ? "seq" : "batch"));
  }
  return builder.getArrayAttr(dims);
}

/// Each result is widened into an f32 output buffer, also a bf16 or fp16
/// one (exactly). A generation step also returns the index of each row's
/// largest logit as `next_ids`, so that greedy decoding reads back one id
/// per sequence instead of a row of logits.
struct ReturnLowering : GPUPattern<func::ReturnOp> {
  using GPUPattern::GPUPattern;
  LogicalResult
  matchAndRewrite(func::ReturnOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    PlanBuilder b(rewriter, op, state);
    for (auto [index, original, converted] :
         llvm::enumerate(op.getOperands(), adaptor.getOperands())) {
      auto type = cast<RankedTensorType>(original.getType());
      if (!isa<FloatType>(type.getElementType()) ||
          type.getElementType().isF64())
        return refuse(op, "GPU model outputs must be float32, bfloat16 or "
                          "float16");
      // The runtime reports outputs as [batch, seq, ...]: flattened tokens
      // would be mislabelled.
      if (type.getRank() == 2 && type.isDynamicDim(0))
        return refuse(op, "a model output of flattened tokens [?, features] "
                          "is not supported on the GPU");
      auto input = b.featuresAndBuffer(original, converted);
      if (failed(input))
        return failure();
      auto [f, m] = *input;
      std::string name = index < state.outputNames.size()
                             ? state.outputNames[index]
                             : "result" + std::to_string(index);
      Value out = plan::OutputOp::create(
          rewriter, op.getLoc(),
          MemRefType::get({ShapedType::kDynamic}, rewriter.getF32Type()), index,
          name, outputDims(rewriter, type, state.input));
      b.launch("to_f32", elementwiseGrid(b, f), kElementwiseBlock,
               {m, out, b.tokens(f)});
      if (state.maxContext && index == 0) {
        Value ids = plan::OutputOp::create(
            rewriter, op.getLoc(),
            MemRefType::get({ShapedType::kDynamic}, rewriter.getI64Type()), 1,
            "next_ids", outputDims(rewriter, state.input, state.input));
        b.launch("argmax_rows", {b.tokens(1, 0, 1, false), b.index(1),
                                 b.index(1)},
                 kArgmaxBlock, {out, ids, b.i32(f)});
      }
    }
    rewriter.replaceOpWithNewOp<func::ReturnOp>(op);
    return success();
  }
};

} // namespace

void mlir::ffn::populateElementwisePatterns(GPULoweringState &state,
                                            TypeConverter &converter,
                                            RewritePatternSet &patterns) {
  patterns.add<ActivationLowering, CastLowering, NodeLowering, ReturnLowering>(
      state, converter, patterns.getContext());
}
