//===- Artifact.cpp - From the plan in IR to the runtime's files ----------===//

#include "ffn/Target/Artifact.h"
#include "WeightStream.h"

#include "ffn/Dialect/Plan/IR/PlanOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::ffn;
using artifact::errorAt;
using artifact::storedBytes;
namespace rt = ::ffnrt;

llvm::Error mlir::ffn::artifact::errorAt(Operation *op, const Twine &message) {
  op->emitError(message);
  return llvm::createStringError(llvm::inconvertibleErrorCode(), "reported");
}

namespace {

class PlanReader {
public:
  PlanReader(func::FuncOp func, RuntimeProgram &program)
      : func(func), program(program), plan(program.plan) {}

  llvm::Error read();

private:
  llvm::Expected<rt::Extent> extentOf(Operation *user, Value v);
  llvm::Expected<rt::Arg> argOf(Operation *user, Value v);
  llvm::Error launch(gpu::LaunchFuncOp op);
  llvm::Expected<uint64_t> weightOffset(plan::WeightOp weight);

  func::FuncOp func;
  RuntimeProgram &program;
  rt::Plan &plan;
  llvm::DenseMap<Operation *, uint64_t> weightOffsets;
  llvm::DenseMap<Operation *, uint64_t> mapIndex;
  llvm::StringMap<unsigned> kernelIndex;
};

llvm::Expected<rt::Extent> PlanReader::extentOf(Operation *user, Value v) {
  if (auto e = v.getDefiningOp<plan::ExtentOp>())
    return rt::Extent{static_cast<rt::Sym>(e.getSym()), e.getMul(), e.getAdd(),
                      e.getDiv()};
  if (auto c = v.getDefiningOp<arith::ConstantOp>())
    if (auto i = dyn_cast<IntegerAttr>(c.getValue()))
      return rt::Extent::constant(i.getInt());
  if (auto f = v.getDefiningOp<plan::FlagsOp>())
    return rt::Extent::constant(f.getBits());
  return errorAt(user, "a grid size or integer argument must be a constant, "
                       "an ffnrt.extent or ffnrt.flags");
}

llvm::Expected<uint64_t> PlanReader::weightOffset(plan::WeightOp weight) {
  auto [it, inserted] = weightOffsets.try_emplace(weight, 0);
  if (!inserted)
    return it->second;
  // Checked now, converted when the sidecar streams out.
  if (llvm::Error e = artifact::checkWeightSources(weight))
    return e;
  it->second = llvm::alignTo(plan.weightsBytes, rt::kTensorAlignment);
  plan.weightsBytes = it->second + storedBytes(weight);
  program.weights.emplace_back(weight, it->second);
  return it->second;
}

llvm::Expected<rt::Arg> PlanReader::argOf(Operation *user, Value v) {
  rt::Arg arg;
  Operation *def = v.getDefiningOp();
  if (auto alloc = dyn_cast_or_null<plan::AllocOp>(def)) {
    if (!alloc.getOffset())
      return errorAt(alloc, "buffer not placed in the arena (run "
                            "ffn-plan-arena)");
    arg.kind = rt::Arg::Kind::Arena;
    arg.value = *alloc.getOffset();
  } else if (auto weight = dyn_cast_or_null<plan::WeightOp>(def)) {
    auto offset = weightOffset(weight);
    if (!offset)
      return offset.takeError();
    arg.kind = rt::Arg::Kind::Weight;
    arg.value = *offset;
  } else if (auto input = dyn_cast_or_null<plan::InputOp>(def)) {
    arg.kind = rt::Arg::Kind::Input;
    arg.value = input.getIndex();
  } else if (auto state = dyn_cast_or_null<plan::StateOp>(def)) {
    arg.kind = rt::Arg::Kind::State;
    arg.value = state.getIndex();
  } else if (auto output = dyn_cast_or_null<plan::OutputOp>(def)) {
    arg.kind = rt::Arg::Kind::Output;
    arg.value = output.getIndex();
  } else if (auto map = dyn_cast_or_null<plan::TensorMapOp>(def)) {
    auto buffer = argOf(map, map.getBuffer());
    if (!buffer)
      return buffer.takeError();
    if (buffer->kind != rt::Arg::Kind::Arena &&
        buffer->kind != rt::Arg::Kind::Weight)
      return errorAt(map, "a tensor map must be over a weight or an arena "
                          "buffer");
    Type element = map.getBuffer().getType().getElementType();
    if (!element.isBF16() && !element.isF16() && !element.isF32())
      return errorAt(map, "tensor maps take bf16, f16 or f32 buffers");
    auto [it, inserted] = mapIndex.try_emplace(map, plan.tensorMaps.size());
    if (inserted) {
      rt::TensorMap m;
      m.buffer = *buffer;
      m.dtype = element.isBF16()  ? rt::DType::BF16
                : element.isF16() ? rt::DType::F16
                                  : rt::DType::F32;
      m.rows = map.getRows();
      m.cols = map.getCols();
      m.boxRows = map.getBoxRows();
      m.boxCols = map.getBoxCols();
      plan.tensorMaps.push_back(m);
    }
    arg.kind = rt::Arg::Kind::TensorMap;
    arg.value = it->second;
  } else if (v.getType().isF32()) {
    auto c = dyn_cast_or_null<arith::ConstantOp>(def);
    auto f = c ? dyn_cast<FloatAttr>(c.getValue()) : FloatAttr();
    if (!f)
      return errorAt(user, "f32 kernel arguments must be constants");
    float value = f.getValueAsDouble();
    uint32_t bits;
    std::memcpy(&bits, &value, 4);
    arg.kind = rt::Arg::Kind::F32;
    arg.value = bits;
  } else if (v.getType().isInteger(32)) {
    auto e = extentOf(user, v);
    if (!e)
      return e.takeError();
    arg.kind = rt::Arg::Kind::I32;
    arg.extent = *e;
  } else {
    return errorAt(user, llvm::formatv("unsupported kernel argument of type "
                                       "{0}",
                                       v.getType()));
  }
  return arg;
}

llvm::Error PlanReader::launch(gpu::LaunchFuncOp op) {
  rt::Launch l;
  StringRef name = op.getKernelName();
  auto [it, inserted] = kernelIndex.try_emplace(name, plan.kernels.size());
  if (inserted)
    plan.kernels.push_back(name.str());
  l.kernel = it->second;
  if (auto tokens = op->getAttrOfType<DenseI64ArrayAttr>(plan::kTokensAttr)) {
    l.minTokens = tokens[0];
    l.maxTokens = tokens[1];
  }
  Value grid[3] = {op.getGridSizeX(), op.getGridSizeY(), op.getGridSizeZ()};
  Value block[3] = {op.getBlockSizeX(), op.getBlockSizeY(), op.getBlockSizeZ()};
  for (int d = 0; d < 3; ++d) {
    auto g = extentOf(op, grid[d]);
    auto b = extentOf(op, block[d]);
    if (!g)
      return g.takeError();
    if (!b)
      return b.takeError();
    if (b->sym != rt::Sym::One)
      return errorAt(op, "block sizes must be constants");
    l.grid[d] = *g;
    l.block[d] = b->add;
  }
  if (Value shared = op.getDynamicSharedMemorySize()) {
    auto bytes = extentOf(op, shared);
    if (!bytes)
      return bytes.takeError();
    if (bytes->sym != rt::Sym::One)
      return errorAt(op, "dynamic shared memory sizes must be constants");
    l.sharedBytes = bytes->add;
  }
  for (Value v : op.getKernelOperands()) {
    auto arg = argOf(op, v);
    if (!arg)
      return arg.takeError();
    l.args.push_back(*arg);
  }
  if (auto layer = op->getAttrOfType<StringAttr>(plan::kLayerAttr))
    l.layer = layer.str();
  plan.launches.push_back(std::move(l));
  return llvm::Error::success();
}

rt::TensorInfo tensorInfo(StringRef name, ArrayAttr dims, rt::DType dtype,
                          int64_t valueLimit) {
  rt::TensorInfo info;
  info.name = name.str();
  info.dtype = dtype;
  info.valueLimit = valueLimit;
  for (Attribute dim : dims) {
    rt::Dim d;
    if (auto extent = dyn_cast<IntegerAttr>(dim))
      d.value = extent.getInt();
    else
      d.sym = cast<StringAttr>(dim).getValue() == "batch" ? rt::Sym::Batch
                                                          : rt::Sym::Seq;
    info.dims.push_back(d);
  }
  return info;
}

llvm::Error PlanReader::read() {
  auto intAttr = [&](StringRef name) -> int64_t {
    auto attr = func->getAttrOfType<IntegerAttr>(name);
    return attr ? attr.getInt() : 0;
  };
  auto arena = func->getAttrOfType<IntegerAttr>(plan::kArenaBytesAttr);
  auto precision = func->getAttrOfType<StringAttr>(plan::kPrecisionAttr);
  if (!precision)
    return errorAt(func, "the plan function has no ffnrt.precision");
  plan.precision = precision.str();
  plan.maxTokens = intAttr(plan::kMaxTokensAttr);
  plan.maxBatch = intAttr(plan::kMaxBatchAttr);
  plan.maxSeq = intAttr(plan::kMaxSeqAttr);
  plan.arenaBytes = arena ? arena.getInt() : 0;
  if (!arena && !func.getOps<plan::AllocOp>().empty())
    return errorAt(func, "the arena is not planned (run ffn-plan-arena)");
  for (auto input : func.getOps<plan::InputOp>()) {
    plan.inputs.resize(
        std::max<size_t>(plan.inputs.size(), input.getIndex() + 1));
    plan.inputs[input.getIndex()] =
        tensorInfo(input.getName(), input.getDims(), rt::DType::I64,
                   input.getValueLimit());
  }
  plan.maxContext = intAttr(plan::kMaxContextAttr);
  for (auto state : func.getOps<plan::StateOp>()) {
    plan.stateBytes.resize(
        std::max<size_t>(plan.stateBytes.size(), state.getIndex() + 1));
    plan.stateBytes[state.getIndex()] = state.getBytes();
  }
  for (auto output : func.getOps<plan::OutputOp>()) {
    plan.outputs.resize(
        std::max<size_t>(plan.outputs.size(), output.getIndex() + 1));
    plan.outputs[output.getIndex()] = tensorInfo(
        output.getName(), output.getDims(),
        output.getResult().getType().getElementType().isInteger(64)
            ? rt::DType::I64
            : rt::DType::F32,
        0);
  }
  for (auto op : func.getOps<gpu::LaunchFuncOp>())
    if (llvm::Error e = launch(op))
      return e;
  return llvm::Error::success();
}

} // namespace

FailureOr<std::string> mlir::ffn::kernelChip(ModuleOp module) {
  auto kernels = module.lookupSymbol<gpu::GPUModuleOp>(plan::kKernelModule);
  ArrayAttr targets = kernels ? kernels.getTargetsAttr() : ArrayAttr();
  auto nvvm = targets && targets.size() == 1
                  ? dyn_cast<NVVM::NVVMTargetAttr>(targets[0])
                  : NVVM::NVVMTargetAttr();
  if (!nvvm)
    return module.emitError("expected gpu.module @ffn_kernels with one "
                            "#nvvm.target");
  return nvvm.getChip().str();
}

FailureOr<RuntimeProgram> mlir::ffn::buildRuntimeProgram(ModuleOp module) {
  auto func = module.lookupSymbol<func::FuncOp>(plan::kPlanFunction);
  if (!func)
    return module.emitError("the module has no plan function @ffn_plan (run "
                            "convert-ffn-to-gpu)");
  RuntimeProgram program;
  FailureOr<std::string> chip = kernelChip(module);
  if (failed(chip))
    return failure();
  program.plan.target = *chip;
  if (llvm::Error e = PlanReader(func, program).read()) {
    llvm::consumeError(std::move(e));
    return failure();
  }
  return program;
}
