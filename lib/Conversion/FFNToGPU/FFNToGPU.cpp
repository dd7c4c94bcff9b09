//===- FFNToGPU.cpp - The convert-ffn-to-gpu pass -------------------------===//
//
// func @main becomes the plan function @ffn_plan: host values are
// materialized first (HostValues.cpp), the input becomes an ffnrt.input,
// then every op is converted by the patterns of its family (*Patterns.cpp)
// and the kernel library is added as gpu.module @ffn_kernels.
//
//===----------------------------------------------------------------------===//

#include "ffn/Conversion/Passes.h"

#include "HostValues.h"
#include "PlanBuilder.h"

#include "ffn/Dialect/FFN/IR/FFNOps.h"
#include "ffn/Dialect/FFN/Utils/Layers.h"
#include "ffn/Dialect/Plan/IR/PlanOps.h"
#include "ffn/Transforms/Passes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Parser/Parser.h"

namespace mlir::ffn {
#define GEN_PASS_DEF_CONVERTFFNTOGPU
#include "ffn/Conversion/Passes.h.inc"
} // namespace mlir::ffn

using namespace mlir;
using namespace mlir::ffn;

StringRef mlir::ffn::precisionName(Precision precision) {
  switch (precision) {
  case Precision::BF16:
    return "bf16";
  case Precision::FP16:
    return "fp16";
  case Precision::FP32:
    return "fp32";
  }
  llvm_unreachable("unknown precision");
}

Type mlir::ffn::precisionType(MLIRContext *ctx, Precision precision) {
  switch (precision) {
  case Precision::BF16:
    return BFloat16Type::get(ctx);
  case Precision::FP16:
    return Float16Type::get(ctx);
  case Precision::FP32:
    return Float32Type::get(ctx);
  }
  llvm_unreachable("unknown precision");
}

bool mlir::ffn::isSupportedChip(StringRef chip) {
  return llvm::is_contained({"sm_80", "sm_86", "sm_89", "sm_90"}, chip);
}

std::string mlir::ffn::kernelChipFor(StringRef chip) {
  return chip == "sm_90" ? "sm_90a" : chip.str();
}

void mlir::ffn::populateFFNToGPUTypeConversions(TypeConverter &converter,
                                                const GPULoweringState &state) {
  converter.addConversion([](Type type) { return type; });
  Type act = state.act;
  converter.addConversion([act](RankedTensorType type) -> Type {
    Type element =
        isa<FloatType>(type.getElementType()) ? act : type.getElementType();
    return MemRefType::get({ShapedType::kDynamic}, element);
  });
  auto cast = [](OpBuilder &builder, Type type, ValueRange inputs,
                 Location loc) -> Value {
    return UnrealizedConversionCastOp::create(builder, loc, type, inputs)
        .getResult(0);
  };
  converter.addSourceMaterialization(cast);
  converter.addTargetMaterialization(cast);
}

void mlir::ffn::populateFFNToGPUConversionPatterns(
    GPULoweringState &state, TypeConverter &converter,
    RewritePatternSet &patterns) {
  populateLinearPatterns(state, converter, patterns);
  populateNormPatterns(state, converter, patterns);
  populateAttentionPatterns(state, converter, patterns);
  populateEmbeddingPatterns(state, converter, patterns);
  populateElementwisePatterns(state, converter, patterns);
}

namespace {

struct ConvertFFNToGPUPass
    : ffn::impl::ConvertFFNToGPUBase<ConvertFFNToGPUPass> {
  using ConvertFFNToGPUBase::ConvertFFNToGPUBase;

  void runOnOperation() override;

private:
  LogicalResult checkOptions(ModuleOp module);
  LogicalResult prepareSignature(func::FuncOp func, GPULoweringState &state);
  LogicalResult convert(func::FuncOp func, GPULoweringState &state);
  LogicalResult addKernelLibrary(ModuleOp module);
};

LogicalResult ConvertFFNToGPUPass::checkOptions(ModuleOp module) {
  if (!isSupportedChip(chip))
    return module.emitError("chip must be ")
           << kSupportedChips << ", got '" << chip.getValue() << "'";
  if (maxTokens < 1)
    return module.emitError("max-tokens must be positive, got ")
           << maxTokens.getValue();
  return success();
}

/// The model's inputs (token ids first, then attention_mask, token_type_ids
/// and the like, all int64 [batch, seq]) become ffnrt.input ops; @main
/// becomes @ffn_plan, whose outputs are ffnrt.output ops written by its
/// launches. A generation step (ffn-kv-cache) takes token ids and
/// position_ids, then its KV caches, which become ffnrt.state buffers
/// written in place.
LogicalResult ConvertFFNToGPUPass::prepareSignature(func::FuncOp func,
                                                    GPULoweringState &state) {
  auto nameOf = [](DictionaryAttr attrs, std::string fallback) {
    if (attrs)
      if (auto name = attrs.getAs<StringAttr>("ffn.name"))
        return name.str();
    return fallback;
  };
  auto context = func->getAttrOfType<IntegerAttr>(kMaxContextAttr);
  if (func.getNumArguments() == 0)
    return func.emitError("GPU lowering needs a model input (token ids)");
  auto input = dyn_cast<RankedTensorType>(func.getArgument(0).getType());
  if (!input || input.getRank() != 2 || !input.getElementType().isInteger(64))
    return func.emitError("GPU lowering expects the first input to be int64 "
                          "[batch, seq] token ids");
  for (int64_t k : {0, 1})
    if (!input.isDynamicDim(k) && input.getDimSize(k) != 1)
      return func.emitError("static input extents other than 1 are not "
                            "supported on the GPU");
  state.input = input;
  // A generation step's caches hold --max-batch sequences.
  auto sequences = func->getAttrOfType<IntegerAttr>(kMaxSequencesAttr);
  if (context)
    state.maxBatch = sequences ? sequences.getInt() : 1;
  else if (!input.isDynamicDim(0))
    state.maxBatch = 1;
  // A step returns its caches after output 0; they stay on the device.
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  unsigned outputs = context ? 1 : func.getNumResults();
  for (Value cache : ret.getOperands().drop_front(outputs))
    if (!cache.getDefiningOp<CacheWriteOp>())
      return func.emitError("a generation step returns only its output and "
                            "its caches");
  ret->eraseOperands(outputs, ret.getNumOperands() - outputs);
  for (unsigned i = 0; i < outputs; ++i)
    state.outputNames.push_back(
        nameOf(func.getResultAttrDict(i), "result" + std::to_string(i)));

  OpBuilder builder = OpBuilder::atBlockBegin(&func.getBody().front());
  Location loc = func.getLoc();
  SmallVector<Attribute> dims = {builder.getStringAttr("batch"),
                                 builder.getStringAttr("seq")};
  for (int64_t k : {0, 1})
    if (!input.isDynamicDim(k))
      dims[k] = builder.getI64IntegerAttr(input.getDimSize(k));
  auto bind = [&](BlockArgument arg, Value buffer) {
    Value asTensor =
        UnrealizedConversionCastOp::create(builder, loc, arg.getType(), buffer)
            .getResult(0);
    arg.replaceAllUsesWith(asTensor);
  };
  auto i64Buffer =
      MemRefType::get({ShapedType::kDynamic}, builder.getI64Type());
  unsigned inputs = context ? 2 : func.getNumArguments();
  for (unsigned i = 0; i < func.getNumArguments(); ++i) {
    BlockArgument arg = func.getArgument(i);
    std::string name =
        nameOf(func.getArgAttrDict(i), "arg" + std::to_string(i));
    if (i < inputs) {
      if (arg.getType() != input)
        return func.emitError()
               << "input '" << name << "' must have the token ids' type "
               << input << " on the GPU, got " << arg.getType();
      // Positions must stay inside the caches and tables.
      int64_t limit = context && i == 1 ? context.getInt() : 0;
      bind(arg, plan::InputOp::create(
                    builder, loc, i64Buffer, builder.getI64IntegerAttr(i),
                    builder.getStringAttr(name), builder.getArrayAttr(dims),
                    builder.getI64IntegerAttr(limit)));
      continue;
    }
    auto cache = cast<RankedTensorType>(arg.getType());
    int64_t bytes = state.maxBatch * cache.getDimSize(1) *
                    cache.getDimSize(2) *
                    (state.act.getIntOrFloatBitWidth() / 8);
    bind(arg,
         plan::StateOp::create(
             builder, loc, MemRefType::get({ShapedType::kDynamic}, state.act),
             builder.getI64IntegerAttr(i - inputs),
             builder.getI64IntegerAttr(bytes)));
  }
  if (context)
    state.maxContext = context.getInt();
  if (failed(
          func.eraseArguments(llvm::BitVector(func.getNumArguments(), true))))
    return failure();
  func.setType(FunctionType::get(func.getContext(), {}, {}));
  func.setResAttrsAttr(nullptr);
  func.setSymName(plan::kPlanFunction);
  return success();
}

LogicalResult ConvertFFNToGPUPass::convert(func::FuncOp func,
                                           GPULoweringState &state) {
  MLIRContext *ctx = func.getContext();
  func.walk([&](Operation *op) {
    if (isa<FFNDialect>(op->getDialect()))
      state.layers[op] = layerOf(op);
  });
  TypeConverter converter;
  populateFFNToGPUTypeConversions(converter, state);
  RewritePatternSet patterns(ctx);
  populateFFNToGPUConversionPatterns(state, converter, patterns);

  ConversionTarget target(*ctx);
  target.addLegalDialect<plan::PlanDialect, gpu::GPUDialect,
                         arith::ArithDialect>();
  target.addLegalOp<UnrealizedConversionCastOp>();
  target.addIllegalDialect<FFNDialect, tensor::TensorDialect>();
  // Casts of folded constants are host data, read by the ops that use them.
  target.addDynamicallyLegalOp<tensor::CastOp>([](tensor::CastOp op) {
    return bool(PlanBuilder::hostData(op.getSource()));
  });
  // Shape arithmetic for Reshapes, dead once they are aliases.
  target.addDynamicallyLegalOp<NodeOp>([](NodeOp op) {
    return op->getNumResults() &&
           llvm::all_of(op->getResults(), onlyShapesReshapes);
  });
  target.addDynamicallyLegalOp<func::ReturnOp>(
      [](func::ReturnOp op) { return op.getNumOperands() == 0; });

  // A pattern that refuses an op says why; the driver's generic "failed to
  // legalize" would only repeat it.
  bool refused = false;
  ScopedDiagnosticHandler handler(ctx, [&](Diagnostic &diag) {
    if (diag.getSeverity() != DiagnosticSeverity::Error)
      return failure();
    if (refused && StringRef(diag.str()).starts_with("failed to legalize"))
      return success();
    refused = true;
    return failure();
  });
  if (failed(applyPartialConversion(func, target, std::move(patterns))))
    return failure();

  SmallVector<UnrealizedConversionCastOp> casts;
  func.walk([&](UnrealizedConversionCastOp cast) { casts.push_back(cast); });
  reconcileUnrealizedCasts(casts);
  // Host data and shape arithmetic that no launch reads any more.
  for (Operation &op :
       llvm::make_early_inc_range(llvm::reverse(func.getBody().front())))
    if (op.use_empty() && isa<arith::ConstantOp, plan::TableOp, tensor::CastOp,
                              NodeOp, UnrealizedConversionCastOp>(op))
      op.erase();
  WalkResult leftover = func.walk([](Operation *op) {
    for (Type type : op->getResultTypes())
      if (isa<TensorType>(type))
        return WalkResult(op->emitError("internal error: a tensor is left "
                                        "after conversion to the GPU"));
    return WalkResult::advance();
  });
  return failure(leftover.wasInterrupted());
}

LogicalResult ConvertFFNToGPUPass::addKernelLibrary(ModuleOp module) {
  MLIRContext *ctx = module.getContext();
  ParserConfig config(ctx);
  OwningOpRef<ModuleOp> library =
      parseSourceString<ModuleOp>(kernelLibrarySource(precision, chip == "sm_90"), config);
  if (!library)
    return module.emitError("internal error: the kernel library does not "
                            "parse");
  auto kernels = cast<gpu::GPUModuleOp>(library->getBody()->front());
  // Helpers stay internal so that LLVM inlines them and drops the symbols.
  kernels.walk([](func::FuncOp f) {
    f->setAttr("llvm.linkage",
               LLVM::LinkageAttr::get(f.getContext(), LLVM::Linkage::Internal));
  });
  kernels.setTargetsAttr(ArrayAttr::get(
      ctx, {NVVM::NVVMTargetAttr::get(ctx, /*optLevel=*/3,
                                      "nvptx64-nvidia-cuda",
                                      kernelChipFor(chip))}));
  kernels->moveBefore(module.getBody(), module.getBody()->end());
  module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                  UnitAttr::get(ctx));
  return success();
}

void ConvertFFNToGPUPass::runOnOperation() {
  ModuleOp module = getOperation();
  if (failed(checkOptions(module)))
    return signalPassFailure();
  auto func = module.lookupSymbol<func::FuncOp>("main");
  if (!func) {
    module.emitError("the module has no func @main");
    return signalPassFailure();
  }
  GPULoweringState state;
  state.precision = precision;
  state.act = precisionType(&getContext(), precision);
  state.maxTokens = maxTokens;
  state.hopper = chip == "sm_90";
  int64_t maxSeq = 0;
  if (failed(materializeHostValues(func, maxTokens, maxSeq)) ||
      failed(prepareSignature(func, state)))
    return signalPassFailure();
  int64_t sequences = state.maxBatch;
  if (failed(convert(func, state)) || failed(addKernelLibrary(module)))
    return signalPassFailure();
  // A tensor with a static batch of 1 pins the batch to 1.
  if (state.maxContext && state.maxBatch < sequences) {
    func.emitError() << "the model cannot generate for " << sequences
                     << " sequences at once: some tensor has a static batch "
                        "of 1";
    return signalPassFailure();
  }
  Builder b(&getContext());
  func->setAttr(plan::kMaxTokensAttr, b.getI64IntegerAttr(maxTokens));
  func->setAttr(plan::kMaxBatchAttr, b.getI64IntegerAttr(state.maxBatch));
  func->setAttr(plan::kMaxSeqAttr, b.getI64IntegerAttr(maxSeq));
  if (state.maxContext)
    func->setAttr(plan::kMaxContextAttr, b.getI64IntegerAttr(state.maxContext));
  func->setAttr(plan::kPrecisionAttr,
                b.getStringAttr(precisionName(precision)));
}

} // namespace
