//===- PlanBuilder.cpp - What every FFNToGPU pattern builds ---------------===//

#include "PlanBuilder.h"

#include "ffn/Dialect/FFN/Utils/Evaluate.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;
using namespace mlir::ffn;

LogicalResult mlir::ffn::refuse(Operation *op, const Twine &message) {
  op->emitError(ref::describeNode(op) + ": " + message.str());
  return failure();
}

Value PlanBuilder::extent(plan::Sym sym, int64_t mul, int64_t add, int64_t div,
                          bool i32) {
  Type type = i32 ? Type(rewriter.getI32Type()) : rewriter.getIndexType();
  return plan::ExtentOp::create(rewriter, loc, type, sym, mul, add, div);
}

Value PlanBuilder::index(int64_t value) {
  return arith::ConstantIndexOp::create(rewriter, loc, value);
}

Value PlanBuilder::i32(int64_t value) {
  return arith::ConstantIntOp::create(rewriter, loc, value, 32);
}

Value PlanBuilder::f32(double value) {
  return arith::ConstantFloatOp::create(rewriter, loc, rewriter.getF32Type(),
                                        APFloat(static_cast<float>(value)));
}

Value PlanBuilder::flags(Attribute enumAttr) {
  return plan::FlagsOp::create(rewriter, loc, rewriter.getI32Type(), enumAttr);
}

Value PlanBuilder::alloc(int64_t features, Type element) {
  return allocElements(state.maxTokens * features,
                       element ? element : state.act);
}

Value PlanBuilder::allocElements(int64_t elements, Type element) {
  int64_t bytes =
      elements * llvm::divideCeil(element.getIntOrFloatBitWidth(), 8);
  return plan::AllocOp::create(
      rewriter, loc, MemRefType::get({ShapedType::kDynamic}, element),
      rewriter.getI64IntegerAttr(bytes), IntegerAttr());
}

Value PlanBuilder::weight(ArrayRef<Attribute> sources, Type element,
                          bool transpose) {
  return plan::WeightOp::create(
      rewriter, loc, MemRefType::get({ShapedType::kDynamic}, element),
      rewriter.getArrayAttr(sources), transpose);
}

ElementsAttr PlanBuilder::hostData(Value value) {
  if (auto constant = value.getDefiningOp<arith::ConstantOp>())
    return dyn_cast<ElementsAttr>(constant.getValue());
  if (auto table = value.getDefiningOp<plan::TableOp>())
    return table.getValue();
  return {};
}

ElementsAttr PlanBuilder::flatten(ElementsAttr data) {
  auto type = cast<ShapedType>(data.getType());
  auto flat =
      RankedTensorType::get({type.getNumElements()}, type.getElementType());
  if (auto dense = dyn_cast<DenseElementsAttr>(data))
    return dense.reshape(flat);
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(data))
    return DenseResourceElementsAttr::get(flat, resource.getRawHandle());
  return data;
}

FailureOr<Value> PlanBuilder::operand(Value original, Value converted,
                                      Type element) {
  if (ElementsAttr data = hostData(original))
    return weight({data}, element ? element : state.act, false);
  if (isa<MemRefType>(converted.getType()))
    return converted;
  return refuse(op, "an operand is neither a device tensor nor a constant "
                    "or sequence table");
}

Value PlanBuilder::rows(Value original) {
  if (original.getDefiningOp<plan::TableOp>())
    return extent(plan::Sym::seq);
  if (ElementsAttr data = hostData(original)) {
    auto type = cast<ShapedType>(data.getType());
    int64_t last = type.getRank() ? type.getDimSize(type.getRank() - 1) : 1;
    return i32(last ? type.getNumElements() / last : 0);
  }
  return tokens();
}

FailureOr<int64_t> PlanBuilder::features(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  // Host scalars and vectors (Gemma's embedding scale, say) are one row.
  if (type && type.getRank() < 2 && type.hasStaticShape() && hostData(value))
    return type.getRank() ? type.getDimSize(0) : 1;
  if (!type || type.getRank() < 2 || type.isDynamicDim(type.getRank() - 1))
    return refuse(op, "GPU tensors need a static last dimension and rank >= 2");
  return type.getDimSize(type.getRank() - 1);
}

LogicalResult PlanBuilder::checkRows(Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  ArrayRef<int64_t> lead = type.getShape().drop_back();
  // Kernels keep rows as they are: [batch * seq, features] is [batch, seq,
  // features]. Only the supported ops make such values, and they keep the
  // rows of their operands.
  if (lead.size() == 1 && ShapedType::isDynamic(lead[0]))
    return success();
  if (static_cast<int64_t>(lead.size()) != state.input.getRank())
    return refuse(op, "a GPU tensor's leading dims must match the input's "
                      "[batch, seq]");
  for (auto [k, extent] : llvm::enumerate(lead)) {
    if (extent == state.input.getDimSize(k))
      continue;
    if (extent == 1 && state.input.isDynamicDim(k) && k + 1 < lead.size()) {
      state.maxBatch = 1;
      continue;
    }
    return refuse(op, "a GPU tensor's leading dims must match the input's "
                      "[batch, seq]");
  }
  return success();
}

FailureOr<int64_t> PlanBuilder::deviceResult(Value value) {
  FailureOr<int64_t> f = features(value);
  if (failed(f) || failed(checkRows(value)))
    return failure();
  return f;
}

FailureOr<std::pair<int64_t, Value>>
PlanBuilder::featuresAndBuffer(Value original, Value converted) {
  FailureOr<int64_t> f = features(original);
  if (failed(f))
    return failure();
  FailureOr<Value> x = operand(original, converted);
  if (failed(x))
    return failure();
  return std::make_pair(*f, *x);
}

FailureOr<std::pair<int64_t, Value>>
PlanBuilder::resultAndInput(Value result, Value original, Value converted) {
  FailureOr<int64_t> f = deviceResult(result);
  if (failed(f))
    return failure();
  FailureOr<Value> x = operand(original, converted);
  if (failed(x))
    return failure();
  return std::make_pair(*f, *x);
}

void PlanBuilder::launch(StringRef kernel, std::array<Value, 3> grid,
                         int64_t block, ValueRange args,
                         std::optional<std::array<int64_t, 2>> tokens,
                         int64_t sharedBytes) {
  MLIRContext *ctx = rewriter.getContext();
  auto symbol = SymbolRefAttr::get(ctx, plan::kKernelModule,
                                   {FlatSymbolRefAttr::get(ctx, kernel)});
  Value one = index(1);
  auto launchOp = gpu::LaunchFuncOp::create(
      rewriter, loc, symbol, gpu::KernelDim3{grid[0], grid[1], grid[2]},
      gpu::KernelDim3{index(block), one, one},
      sharedBytes ? i32(sharedBytes) : Value(), args,
      /*asyncObject=*/Value());
  if (tokens)
    launchOp->setAttr(plan::kTokensAttr,
                      rewriter.getDenseI64ArrayAttr(*tokens));
  if (auto layer = state.layers.find(op);
      layer != state.layers.end() && !layer->second.empty())
    launchOp->setAttr(plan::kLayerAttr, rewriter.getStringAttr(layer->second));
}

Value PlanBuilder::tensorMap(Value buffer, int64_t rows, int64_t cols,
                             int64_t boxRows) {
  auto type = cast<MemRefType>(buffer.getType());
  int64_t boxCols = 128 / (type.getElementTypeBitWidth() / 8);
  return plan::TensorMapOp::create(
      rewriter, loc, LLVM::LLVMPointerType::get(rewriter.getContext()), buffer,
      rewriter.getI64IntegerAttr(rows), rewriter.getI64IntegerAttr(cols),
      rewriter.getI64IntegerAttr(boxRows), rewriter.getI64IntegerAttr(boxCols));
}

void mlir::ffn::launchNorm(PlanBuilder &b, Value x, Value weight, Value bias,
                           Value out, int64_t features, APFloat epsilon,
                           plan::NormMode mode) {
  MLIRContext *ctx = b.getRewriter().getContext();
  if (bias)
    mode = mode | plan::NormMode::bias;
  b.launch("norm", {b.tokens(1, 0, 1, false), b.index(1), b.index(1)}, 256,
           {x, weight, bias ? bias : weight, out, b.i32(features),
            b.f32(epsilon.convertToDouble()),
            b.flags(plan::NormModeAttr::get(ctx, mode))});
}

FailureOr<Value> PlanBuilder::optionalIndices(Value original,
                                               Value converted) {
  Type i64 = rewriter.getI64Type();
  if (!original)
    return allocElements(1, i64);
  return operand(original, converted, i64);
}
