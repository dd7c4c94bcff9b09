//===- Artifact.cpp - From the plan in IR to the runtime's files ----------===//

#include "ffn/Target/Artifact.h"

#include "ffn/Dialect/Plan/IR/PlanOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <cstring>

using namespace mlir;
using namespace mlir::ffn;
namespace rt = ::ffnrt;

namespace {

/// Reports `message` at `op`; the error returned only unwinds the caller.
llvm::Error errorAt(Operation *op, const Twine &message) {
  op->emitError(message);
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "reported");
}

/// Rounds f32 to bfloat16 bits, nearest-even.
uint16_t toBF16(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  if (std::isnan(f))
    return 0x7fc0;
  bits += 0x7fff + ((bits >> 16) & 1);
  return bits >> 16;
}

uint16_t toF16(float f) {
  _Float16 h = static_cast<_Float16>(f);
  uint16_t bits;
  std::memcpy(&bits, &h, 2);
  return bits;
}

/// Element i of a dense or dense_resource constant, read from its bytes.
class ElementReader {
public:
  static llvm::Expected<ElementReader> get(Operation *user, Attribute attr) {
    ElementReader r;
    auto elements = cast<ElementsAttr>(attr);
    r.element = elements.getElementType();
    if (auto dense = dyn_cast<DenseIntOrFPElementsAttr>(attr)) {
      r.data = dense.getRawData().data();
      r.splat = dense.isSplat();
    } else if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
      AsmResourceBlob *blob = resource.getRawHandle().getBlob();
      if (!blob)
        return errorAt(user, "weight '" + resource.getRawHandle().getKey() +
                                 "' has no data (was it elided?)");
      r.data = blob->getData().data();
    } else {
      return errorAt(user, "unsupported constant kind");
    }
    if (!r.element.isIntOrFloat() ||
        !llvm::is_contained({16u, 32u, 64u}, r.element.getIntOrFloatBitWidth()))
      return errorAt(user, llvm::formatv("unsupported weight element type {0}",
                                         r.element));
    return r;
  }

  double at(int64_t i) const {
    if (splat)
      i = 0;
    unsigned width = element.getIntOrFloatBitWidth();
    const char *p = data + i * (width / 8);
    if (element.isF32())
      return load<float>(p);
    if (element.isF64())
      return load<double>(p);
    if (element.isBF16()) {
      uint32_t bits = uint32_t(load<uint16_t>(p)) << 16;
      float f;
      std::memcpy(&f, &bits, 4);
      return f;
    }
    if (element.isF16())
      return static_cast<float>(load<_Float16>(p));
    if (width == 64)
      return static_cast<double>(load<int64_t>(p));
    if (width == 32)
      return load<int32_t>(p);
    return load<int16_t>(p);
  }

private:
  template <typename T> static T load(const char *p) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    return v;
  }

  const char *data = nullptr;
  Type element;
  bool splat = false;
};

/// Appends `weight`'s stored bytes, converted and laid out, to `out`.
llvm::Error appendWeight(plan::WeightOp weight, std::vector<uint8_t> &out) {
  std::vector<ElementReader> sources;
  for (Attribute source : weight.getSources()) {
    auto reader = ElementReader::get(weight, source);
    if (!reader)
      return reader.takeError();
    sources.push_back(*reader);
  }
  auto [rows, k] = weight.getStoredShape();
  int64_t perSource = rows / sources.size();
  Type stored = weight.getResult().getType().getElementType();
  unsigned bytes = llvm::divideCeil(stored.getIntOrFloatBitWidth(), 8);
  size_t base = out.size();
  out.resize(base + rows * k * bytes);
  uint8_t *dst = out.data() + base;
  for (int64_t r = 0; r < rows; ++r) {
    const ElementReader &src = sources[r % sources.size()];
    int64_t row = r / sources.size();
    for (int64_t i = 0; i < k; ++i, dst += bytes) {
      double v =
          src.at(weight.getTranspose() ? i * perSource + row : row * k + i);
      if (stored.isF32()) {
        float f = v;
        std::memcpy(dst, &f, 4);
      } else if (stored.isBF16()) {
        uint16_t h = toBF16(static_cast<float>(v));
        std::memcpy(dst, &h, 2);
      } else if (stored.isF16()) {
        uint16_t h = toF16(static_cast<float>(v));
        std::memcpy(dst, &h, 2);
      } else if (stored.isInteger(64)) {
        int64_t n = static_cast<int64_t>(v);
        std::memcpy(dst, &n, 8);
      } else {
        return errorAt(weight,
                       llvm::formatv("cannot store weights as {0}", stored));
      }
    }
  }
  return llvm::Error::success();
}

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
  std::vector<uint8_t> &data = program.weights;
  data.resize(llvm::alignTo(data.size(), rt::kTensorAlignment));
  it->second = data.size();
  if (llvm::Error e = appendWeight(weight, data))
    return std::move(e);
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
    plan.outputs[output.getIndex()] =
        tensorInfo(output.getName(), output.getDims(), rt::DType::F32, 0);
  }
  for (auto op : func.getOps<gpu::LaunchFuncOp>())
    if (llvm::Error e = launch(op))
      return e;
  plan.weightsBytes = program.weights.size();
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
