//===- FFNToGPU.cpp - Lowering the ffn dialect to GPU kernels -------------===//
//
// Walks func @main once, in order. Every value is one of:
//  - a constant, folded on the host and written to the weights when a kernel
//    reads it;
//  - a sequence table: computed from the input's shape only (RoPE's cos/sin,
//    position ids). It is evaluated for the longest sequence and a kernel
//    reads row t mod seq, which is valid only if shorter sequences give a
//    prefix of it; that is checked numerically;
//  - a device tensor of [tokens, features] activations in the arena.
// Each op becomes one or more launches of the kernels in Kernels/*.mlir.
//
//===----------------------------------------------------------------------===//

#include "ffn/Conversion/FFNToGPU.h"
#include "ffn/Conversion/MemoryPlanner.h"
#include "ffn/Dialect/FFN/IR/FFNOps.h"
#include "ffn/Reference/Executor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <cstring>
#include <map>

using namespace mlir;
using namespace mlir::ffn;
namespace rt = ::ffnrt;
using ref::Tensor;

namespace {
#include "KernelSources.inc"
} // namespace

StringRef mlir::ffn::precisionName(Precision precision) {
  switch (precision) {
  case Precision::BF16:
    return "bf16";
  case Precision::FP16:
    return "fp16";
  case Precision::FP32:
    return "fp32";
  }
  return "?";
}

std::string mlir::ffn::kernelLibrarySource(Precision precision) {
  std::string s = "!act = ";
  s += precision == Precision::BF16   ? "bf16"
       : precision == Precision::FP16 ? "f16"
                                      : "f32";
  s += "\ngpu.module @ffn_kernels {\n";
  s += precision == Precision::FP32 ? kF32Source : kHalfSource;
  for (const char *part :
       {kCommonSource, kElementwiseSource, kLinearSource, kAttentionSource})
    s += part;
  s += "}\n";
  return s;
}

namespace {

llvm::Error errorAt(Operation *op, const Twine &message) {
  std::string loc;
  llvm::raw_string_ostream os(loc);
  op->getLoc().print(os);
  std::string name = op->getName().getStringRef().str();
  if (auto node = dyn_cast<NodeOp>(op))
    name = "ONNX " + node.getOpType().str();
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      llvm::formatv("{0}: {1}: {2}", loc, name, message.str()));
}

/// Rounds f32 to the storage type's bits, nearest-even.
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

rt::Extent tokens(int64_t mul = 1, int64_t add = 0, int64_t div = 1) {
  return {rt::Sym::Tokens, mul, add, div};
}

rt::Arg i32(int64_t v) {
  rt::Arg a;
  a.kind = rt::Arg::Kind::I32;
  a.extent = rt::Extent::constant(v);
  return a;
}
rt::Arg i32(rt::Extent e) {
  rt::Arg a;
  a.kind = rt::Arg::Kind::I32;
  a.extent = e;
  return a;
}
rt::Arg f32(float v) {
  rt::Arg a;
  a.kind = rt::Arg::Kind::F32;
  uint32_t bits;
  std::memcpy(&bits, &v, 4);
  a.value = bits;
  return a;
}

/// An operand a kernel reads: arena buffer, weight or model input.
struct Mem {
  enum Kind { Buffer, Weight, Input } kind = Weight;
  uint64_t index = 0; ///< buffer id, weight byte offset or input index
  /// Rows: tokens for activations; 1 or the sequence for tables.
  rt::Extent rows = tokens();
};

class Lowering {
public:
  Lowering(func::FuncOp func, const GPULoweringOptions &options)
      : func(func), options(options) {
    plan.target = options.target;
    plan.precision = precisionName(options.precision).str();
    plan.maxTokens = options.maxTokens;
    act = options.precision == Precision::BF16   ? rt::DType::BF16
          : options.precision == Precision::FP16 ? rt::DType::F16
                                                 : rt::DType::F32;
  }

  llvm::Expected<GPUProgram> run(MLIRContext *ctx);

private:
  // Classification.
  bool isConstant(Value v);
  bool isSequenceTable(Value v);
  llvm::Expected<Tensor> constant(Value v);
  llvm::Expected<Tensor> evaluateAt(Value v, int64_t seq);
  llvm::Expected<Tensor> sequenceTable(Value v, Operation *user);

  // Weights.
  uint64_t addWeight(const std::vector<float> &values, rt::DType dtype);
  uint64_t addWeightBytes(const void *data, size_t bytes);
  llvm::Expected<Mem> weightOperand(Value v, Operation *user,
                                    rt::DType dtype);
  /// W [k, n] (or [n, k] when transposed) stored as [n, k]; with a gate,
  /// rows alternate gate and up.
  llvm::Expected<uint64_t> linearWeight(Value w, Value gate, bool transposed,
                                        Operation *user, int64_t &k,
                                        int64_t &n);

  // Device values.
  llvm::Expected<Mem> device(Value v, Operation *user);
  unsigned newBuffer(Value v, int64_t features, rt::DType dtype);
  void alias(Value to, Value from) { values[to] = values.lookup(from); }
  llvm::Expected<int64_t> features(Value v, Operation *user);
  llvm::Error checkRows(Value v, Operation *user);

  // Launches.
  rt::Arg memArg(const Mem &m);
  unsigned kernel(StringRef name);
  void launch(StringRef name, std::array<rt::Extent, 3> grid,
              unsigned block, std::vector<rt::Arg> args);
  llvm::Error linear(Operation *op, Mem x, Value w, Value gate, Value bias,
                     Value gateBias, bool transposed, int activation,
                     std::optional<Mem> residual, Mem out, int64_t &n);

  llvm::Error lowerOp(Operation *op);
  llvm::Error lowerMLP(Operation *op, Mem x, Mem z, bool residual, Mem out);
  llvm::Error lowerNode(NodeOp node);
  llvm::Error lowerSplit(NodeOp node);
  llvm::Error lowerReturn(func::ReturnOp ret);

  func::FuncOp func;
  GPULoweringOptions options;
  rt::Plan plan;
  rt::DType act;
  std::vector<uint8_t> weights;
  /// Device values: buffer ids; Input kind for model inputs.
  llvm::DenseMap<Value, Mem> values;
  struct BufferInfo {
    uint64_t bytes;
    unsigned first, last;
  };
  std::vector<BufferInfo> buffers;
  /// Which launch args name which buffer, patched after planning.
  std::vector<std::pair<rt::Arg *, unsigned>> bufferArgs;
  std::vector<std::vector<std::pair<unsigned, unsigned>>> pendingBuffers;
  std::map<std::pair<const void *, int>, Mem> weightCache;
  llvm::DenseMap<Value, Tensor> constants;
  std::map<std::string, unsigned> kernelIndex;
  bool inputBatchDynamic = false;
};

//===----------------------------------------------------------------------===//
// Classification
//===----------------------------------------------------------------------===//

bool Lowering::isConstant(Value v) {
  Operation *op = v.getDefiningOp();
  if (!op || op->getNumRegions() || !isMemoryEffectFree(op))
    return false;
  if (auto node = dyn_cast<NodeOp>(op))
    if (node.getOpType() == "Shape")
      return false;
  if (isa<tensor::DimOp>(op))
    return false;
  return llvm::all_of(op->getOperands(),
                      [&](Value operand) { return isConstant(operand); });
}

bool Lowering::isSequenceTable(Value v) {
  Operation *op = v.getDefiningOp();
  if (!op || op->getNumRegions() || !isMemoryEffectFree(op))
    return false;
  if (auto node = dyn_cast<NodeOp>(op))
    if (node.getOpType() == "Shape")
      return true;
  if (isa<tensor::DimOp>(op))
    return true;
  bool any = false;
  for (Value operand : op->getOperands()) {
    if (isConstant(operand))
      continue;
    if (!isSequenceTable(operand))
      return false;
    any = true;
  }
  return any;
}

llvm::Expected<Tensor> Lowering::constant(Value v) {
  auto it = constants.find(v);
  if (it != constants.end())
    return it->second;
  auto t = ref::evaluateConstant(v);
  if (!t)
    return t.takeError();
  constants[v] = *t;
  return std::move(*t);
}

/// Evaluates a sequence table for an input of [1, seq] (the ids' values do
/// not matter: only their shape is read).
llvm::Expected<Tensor> Lowering::evaluateAt(Value v, int64_t seq) {
  llvm::DenseMap<Value, Tensor> memo;
  return ref::evaluateValue(
      v,
      [&](Value value) -> std::optional<llvm::Expected<Tensor>> {
        if (isConstant(value))
          return constant(value);
        auto arg = dyn_cast<BlockArgument>(value);
        if (!arg)
          return std::nullopt;
        auto type = cast<RankedTensorType>(arg.getType());
        std::vector<int64_t> shape(type.getRank(), 1);
        if (!shape.empty())
          shape.back() = seq;
        auto dtype = ref::dtypeOf(type.getElementType());
        if (!dtype)
          return llvm::Expected<Tensor>(dtype.takeError());
        return llvm::Expected<Tensor>(Tensor(*dtype, shape));
      },
      memo);
}

/// The table at the longest sequence, checked to hold shorter sequences'
/// tables as prefixes along its sequence axis.
llvm::Expected<Tensor> Lowering::sequenceTable(Value v, Operation *user) {
  // The longest sequence the table can be computed for: --max-tokens, or
  // less where the model's own tables end (then the model's limit).
  auto full = evaluateAt(v, options.maxTokens);
  if (!full) {
    llvm::consumeError(full.takeError());
    int64_t lo = 5, hi = options.maxTokens;
    auto probe = evaluateAt(v, lo);
    if (!probe)
      return probe.takeError();
    while (hi - lo > 1) {
      int64_t mid = lo + (hi - lo) / 2;
      auto t = evaluateAt(v, mid);
      if (t)
        lo = mid;
      else
        llvm::consumeError(t.takeError()), hi = mid;
    }
    full = evaluateAt(v, lo);
    plan.maxSeq = plan.maxSeq ? std::min(plan.maxSeq, lo) : lo;
  }
  // The table's extent along the sequence axis bounds the sequence length
  // (e.g. learned position embeddings).
  int64_t axis = -1;
  for (int64_t seq : {int64_t(1), int64_t(5)}) {
    auto part = evaluateAt(v, seq);
    if (!part)
      return part.takeError();
    bool prefix = part->rank() == full->rank();
    for (int64_t k = 0; prefix && k < full->rank(); ++k) {
      if (part->dim(k) == full->dim(k))
        continue;
      prefix = part->dim(k) == seq && full->dim(k) > seq &&
               (axis < 0 || axis == k);
      axis = k;
    }
    // Only a leading sequence axis (after unit dims) keeps rows contiguous.
    for (int64_t k = 0; prefix && k < axis; ++k)
      prefix = full->dim(k) == 1;
    for (int64_t e = 0; prefix && e < part->numElements(); ++e)
      prefix = part->getDouble(e) == full->getDouble(e);
    if (!prefix)
      return errorAt(user, "an operand computed from the sequence length is "
                           "not a fixed table read by position (its values "
                           "at seq " +
                               std::to_string(seq) +
                               " are not the first rows of the longest "
                               "sequence's); it cannot run on the GPU");
  }
  if (axis >= 0 && full->dim(axis) < options.maxTokens)
    plan.maxSeq = plan.maxSeq ? std::min(plan.maxSeq, full->dim(axis))
                              : full->dim(axis);
  return std::move(*full);
}

//===----------------------------------------------------------------------===//
// Weights
//===----------------------------------------------------------------------===//

uint64_t Lowering::addWeightBytes(const void *data, size_t bytes) {
  uint64_t offset = (weights.size() + rt::kTensorAlignment - 1) /
                    rt::kTensorAlignment * rt::kTensorAlignment;
  weights.resize(offset + bytes);
  std::memcpy(weights.data() + offset, data, bytes);
  return offset;
}

uint64_t Lowering::addWeight(const std::vector<float> &values,
                             rt::DType dtype) {
  switch (dtype) {
  case rt::DType::F32:
    return addWeightBytes(values.data(), values.size() * 4);
  case rt::DType::BF16:
  case rt::DType::F16: {
    std::vector<uint16_t> half(values.size());
    for (size_t i = 0; i < values.size(); ++i)
      half[i] = dtype == rt::DType::BF16 ? toBF16(values[i]) : toF16(values[i]);
    return addWeightBytes(half.data(), half.size() * 2);
  }
  case rt::DType::I64:
    break;
  }
  std::vector<int64_t> ints(values.begin(), values.end());
  return addWeightBytes(ints.data(), ints.size() * 8);
}

/// A constant or sequence table as a weight in `dtype`; its rows are the
/// sequence (tables) or its leading extent (constants).
llvm::Expected<Mem> Lowering::weightOperand(Value v, Operation *user,
                                            rt::DType dtype) {
  auto key = std::make_pair(v.getAsOpaquePointer(), int(dtype));
  if (auto it = weightCache.find(key); it != weightCache.end())
    return it->second;
  bool table = !isConstant(v);
  if (table && !isSequenceTable(v))
    return errorAt(user, "expected a constant or a value computed from the "
                         "sequence length");
  auto t = table ? sequenceTable(v, user) : constant(v);
  if (!t)
    return t.takeError();
  Mem m;
  m.kind = Mem::Weight;
  m.rows = table ? rt::Extent{rt::Sym::Seq, 1, 0, 1}
                 : rt::Extent::constant(t->rank() ? t->numElements() /
                                                        t->dim(-1)
                                                  : 1);
  if (dtype == rt::DType::I64) {
    std::vector<int64_t> ints(t->numElements());
    for (int64_t e = 0; e < t->numElements(); ++e)
      ints[e] = t->getInt(e);
    m.index = addWeightBytes(ints.data(), ints.size() * 8);
  } else {
    std::vector<float> floats(t->numElements());
    for (int64_t e = 0; e < t->numElements(); ++e)
      floats[e] = t->getDouble(e);
    m.index = addWeight(floats, dtype);
  }
  weightCache[key] = m;
  return m;
}

llvm::Expected<uint64_t> Lowering::linearWeight(Value w, Value gate,
                                                bool transposed,
                                                Operation *user, int64_t &k,
                                                int64_t &n) {
  auto load = [&](Value v) -> llvm::Expected<Tensor> {
    if (!isConstant(v))
      return errorAt(user, "weights computed at run time are not supported "
                           "on the GPU");
    auto t = constant(v);
    if (t && t->rank() != 2)
      return errorAt(user, "expected a 2-D weight, got " + t->shapeString());
    return t;
  };
  auto up = load(w);
  if (!up)
    return up.takeError();
  k = transposed ? up->dim(1) : up->dim(0);
  n = transposed ? up->dim(0) : up->dim(1);
  if (k % 8)
    return errorAt(user, "the GPU matmul needs the inner dimension to be a "
                         "multiple of 8, got " + std::to_string(k));
  std::optional<Tensor> g;
  if (gate) {
    auto t = load(gate);
    if (!t)
      return t.takeError();
    if (t->shape() != up->shape())
      return errorAt(user, "gate and up weights differ in shape");
    g = std::move(*t);
  }
  int64_t rows = g ? 2 * n : n;
  std::vector<float> out(rows * k);
  for (int64_t r = 0; r < rows; ++r) {
    const Tensor &src = g && r % 2 == 0 ? *g : *up;
    int64_t col = g ? r / 2 : r;
    for (int64_t i = 0; i < k; ++i)
      out[r * k + i] = src.f()[transposed ? col * k + i : i * n + col];
  }
  return addWeight(out, act);
}

//===----------------------------------------------------------------------===//
// Device values
//===----------------------------------------------------------------------===//

llvm::Expected<int64_t> Lowering::features(Value v, Operation *user) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || type.getRank() < 2 || type.isDynamicDim(type.getRank() - 1))
    return errorAt(user, "GPU tensors need a static last dimension and rank "
                         ">= 2");
  return type.getDimSize(type.getRank() - 1);
}

/// Device tensors are [batch, seq, features] (or [seq, features] etc.) with
/// the input's dynamic dims in order; a static 1 where the input has a
/// dynamic batch pins the batch to 1.
llvm::Error Lowering::checkRows(Value v, Operation *user) {
  auto type = cast<RankedTensorType>(v.getType());
  auto input = cast<RankedTensorType>(func.getArgument(0).getType());
  ArrayRef<int64_t> lead = type.getShape().drop_back();
  if (lead.size() == 1 + input.getRank() - 1 + 0 &&
      lead.size() == static_cast<size_t>(input.getRank())) {
    for (size_t k = 0; k < lead.size(); ++k) {
      if (lead[k] == input.getDimSize(k))
        continue;
      if (lead[k] == 1 && input.isDynamicDim(k) && k + 1 < lead.size()) {
        plan.maxBatch = 1;
        continue;
      }
      return errorAt(user, "a GPU tensor's leading dims must match the "
                           "input's [batch, seq]");
    }
    return llvm::Error::success();
  }
  return errorAt(user, "a GPU tensor's leading dims must match the input's "
                       "[batch, seq]");
}

unsigned Lowering::newBuffer(Value v, int64_t features, rt::DType dtype) {
  unsigned id = buffers.size();
  unsigned step = plan.launches.size();
  buffers.push_back({uint64_t(options.maxTokens) * features * dtypeBytes(dtype),
                     step, step});
  Mem m;
  m.kind = Mem::Buffer;
  m.index = id;
  if (v)
    values[v] = m;
  return id;
}

llvm::Expected<Mem> Lowering::device(Value v, Operation *user) {
  auto it = values.find(v);
  if (it != values.end())
    return it->second;
  return weightOperand(v, user, act);
}

//===----------------------------------------------------------------------===//
// Launches
//===----------------------------------------------------------------------===//

unsigned Lowering::kernel(StringRef name) {
  auto [it, inserted] = kernelIndex.try_emplace(name.str(), plan.kernels.size());
  if (inserted)
    plan.kernels.push_back(name.str());
  return it->second;
}

rt::Arg Lowering::memArg(const Mem &m) {
  rt::Arg a;
  a.kind = m.kind == Mem::Weight  ? rt::Arg::Kind::Weight
           : m.kind == Mem::Input ? rt::Arg::Kind::Input
                                  : rt::Arg::Kind::Arena;
  a.value = m.index;
  return a;
}

void Lowering::launch(StringRef name, std::array<rt::Extent, 3> grid,
                      unsigned block, std::vector<rt::Arg> args) {
  rt::Launch l;
  l.kernel = kernel(name);
  for (int d = 0; d < 3; ++d)
    l.grid[d] = grid[d];
  l.block[0] = block;
  unsigned step = plan.launches.size();
  std::vector<std::pair<unsigned, unsigned>> pending;
  for (unsigned i = 0; i < args.size(); ++i)
    if (args[i].kind == rt::Arg::Kind::Arena) {
      BufferInfo &b = buffers[args[i].value];
      b.first = std::min(b.first, step);
      b.last = std::max(b.last, step);
      pending.push_back({i, unsigned(args[i].value)});
    }
  l.args = std::move(args);
  plan.launches.push_back(std::move(l));
  pendingBuffers.push_back(std::move(pending));
}

constexpr rt::Extent one = {rt::Sym::One, 0, 1, 1};

int activationCode(Activation kind) {
  switch (kind) {
  case Activation::silu:
    return 1;
  case Activation::gelu:
    return 2;
  case Activation::gelu_tanh:
    return 3;
  case Activation::relu:
    return 4;
  }
  return 0;
}

llvm::Error Lowering::linear(Operation *op, Mem x, Value w, Value gate,
                             Value bias, Value gateBias, bool transposed,
                             int activation, std::optional<Mem> residual,
                             Mem out, int64_t &n) {
  int64_t k;
  auto weight = linearWeight(w, gate, transposed, op, k, n);
  if (!weight)
    return weight.takeError();
  Mem wm{Mem::Weight, *weight, one};
  Mem bm = wm;
  if (bias || gateBias) {
    // Interleave gate and up biases like the rows; a missing one is zero.
    std::vector<float> values(gate ? 2 * n : n, 0.0f);
    for (auto [v, slot] : {std::pair{bias, 1}, std::pair{gateBias, 0}}) {
      if (!v)
        continue;
      auto t = constant(v);
      if (!t)
        return t.takeError();
      if (t->numElements() != n)
        return errorAt(op, "bias length differs from the output width");
      for (int64_t i = 0; i < n; ++i)
        values[gate ? 2 * i + slot : i] = t->f()[i];
    }
    bm.index = addWeight(values, act);
  }
  int flags = (bias || gateBias ? 1 : 0) | (gate ? 2 : 0) |
              (residual ? 4 : 0) | (activation << 8);
  int64_t pairs = gate ? n : (n + 1) / 2;
  launch("linear", {rt::Extent::constant((pairs + 3) / 4), tokens(1, 3, 4), one},
         128,
         {memArg(x), memArg(wm), memArg(bm), memArg(residual ? *residual : wm),
          memArg(out), i32(tokens()), i32(k), i32(n), i32(flags)});
  return llvm::Error::success();
}

/// Norm (for blocks) and MLP: z = norm(x) or x; out = mlp(z) (+ x).
llvm::Error Lowering::lowerMLP(Operation *op, Mem x, Mem z, bool residual,
                               Mem out) {
  Value gate, gateBias, up, upBias, down, downBias;
  Activation kind;
  if (auto mlp = dyn_cast<MLPOp>(op)) {
    gate = mlp.getGateWeight(), gateBias = mlp.getGateBias();
    up = mlp.getUpWeight(), upBias = mlp.getUpBias();
    down = mlp.getDownWeight(), downBias = mlp.getDownBias();
    kind = mlp.getActivation();
  } else {
    auto block = cast<FFNBlockOp>(op);
    gate = block.getGateWeight(), gateBias = block.getGateBias();
    up = block.getUpWeight(), upBias = block.getUpBias();
    down = block.getDownWeight(), downBias = block.getDownBias();
    kind = block.getActivation();
  }
  auto upType = cast<RankedTensorType>(up.getType());
  int64_t width = upType.getDimSize(1);
  unsigned hidden = newBuffer({}, width, act);
  Mem h{Mem::Buffer, hidden, tokens()};
  int64_t n;
  if (auto e = linear(op, z, up, gate, upBias, gateBias, false,
                      activationCode(kind), std::nullopt, h, n))
    return e;
  return linear(op, h, down, {}, downBias, {}, false, 0,
                residual ? std::optional<Mem>(x) : std::nullopt, out, n);
}

llvm::Error Lowering::lowerOp(Operation *op) {
  // Constants and sequence tables are computed on the host when used.
  if (op->getNumResults() &&
      llvm::all_of(op->getResults(), [&](Value r) {
        return isConstant(r) || isSequenceTable(r);
      }))
    return llvm::Error::success();
  if (auto ret = dyn_cast<func::ReturnOp>(op))
    return lowerReturn(ret);
  if (auto node = dyn_cast<NodeOp>(op))
    return lowerNode(node);
  if (auto cast = dyn_cast<tensor::CastOp>(op)) {
    if (auto e = checkRows(cast.getResult(), op))
      return e;
    auto in = device(cast.getSource(), op);
    if (!in)
      return in.takeError();
    values[cast.getResult()] = *in;
    return llvm::Error::success();
  }
  if (op->getNumResults() != 1)
    return errorAt(op, "not supported on the GPU");
  Value result = op->getResult(0);
  if (auto e = checkRows(result, op))
    return e;
  auto f = features(result, op);
  if (!f)
    return f.takeError();
  auto input = [&](Value v) { return device(v, op); };

  return llvm::TypeSwitch<Operation *, llvm::Error>(op)
      .Case([&](EmbeddingOp emb) -> llvm::Error {
        auto table = weightOperand(emb.getTable(), op, act);
        if (!table)
          return table.takeError();
        std::optional<Mem> ids;
        if (auto it = values.find(emb.getIds()); it != values.end())
          ids = it->second;
        else if (auto m = weightOperand(emb.getIds(), op, rt::DType::I64))
          ids = *m;
        else
          return m.takeError();
        if (ids->kind == Mem::Input) {
          int64_t &limit = plan.inputs[ids->index].valueLimit;
          int64_t vocab = cast<RankedTensorType>(emb.getTable().getType())
                              .getDimSize(0);
          limit = limit ? std::min(limit, vocab) : vocab;
        }
        Mem out{Mem::Buffer, newBuffer(result, *f, act), tokens()};
        launch("embed", {tokens(), one, one}, 128,
               {memArg(*table), memArg(*ids), memArg(out), i32(*f),
                i32(ids->rows)});
        return llvm::Error::success();
      })
      .Case<RMSNormOp, LayerNormOp>([&](auto norm) -> llvm::Error {
        auto x = input(norm.getInput());
        auto w = weightOperand(norm.getWeight(), op, act);
        if (!x || !w)
          return x ? w.takeError() : x.takeError();
        int mode = 0;
        std::optional<Mem> b;
        if constexpr (std::is_same_v<decltype(norm), LayerNormOp>) {
          mode |= 1;
          if (Value bias = norm.getBias()) {
            auto m = weightOperand(bias, op, act);
            if (!m)
              return m.takeError();
            b = *m, mode |= 2;
          }
        } else if (norm.getUnitOffset()) {
          mode |= 4;
        }
        Mem out{Mem::Buffer, newBuffer(result, *f, act), tokens()};
        launch("norm", {tokens(), one, one}, 256,
               {memArg(*x), memArg(*w), memArg(b ? *b : *w), memArg(out),
                i32(*f), f32(norm.getEpsilon().convertToFloat()), i32(mode)});
        return llvm::Error::success();
      })
      .Case([&](FFNBlockOp block) -> llvm::Error {
        auto x = input(block.getInput());
        auto w = weightOperand(block.getNormWeight(), op, act);
        if (!x || !w)
          return x ? w.takeError() : x.takeError();
        int mode = block.getNormKind() == NormKind::layer ? 1 : 0;
        if (block.getUnitOffset())
          mode |= 4;
        std::optional<Mem> b;
        if (Value bias = block.getNormBias()) {
          auto m = weightOperand(bias, op, act);
          if (!m)
            return m.takeError();
          b = *m, mode |= 2;
        }
        Mem z{Mem::Buffer, newBuffer({}, *f, act), tokens()};
        launch("norm", {tokens(), one, one}, 256,
               {memArg(*x), memArg(*w), memArg(b ? *b : *w), memArg(z),
                i32(*f), f32(block.getEpsilon().convertToFloat()), i32(mode)});
        Mem out{Mem::Buffer, newBuffer(result, *f, act), tokens()};
        return lowerMLP(op, *x, z, true, out);
      })
      .Case([&](MLPOp mlp) -> llvm::Error {
        auto x = input(mlp.getInput());
        if (!x)
          return x.takeError();
        Mem out{Mem::Buffer, newBuffer(result, *f, act), tokens()};
        return lowerMLP(op, *x, *x, false, out);
      })
      .Case([&](MatmulOp matmul) -> llvm::Error {
        auto x = input(matmul.getInput());
        if (!x)
          return x.takeError();
        Mem out{Mem::Buffer, newBuffer(result, *f, act), tokens()};
        int64_t n;
        return linear(op, *x, matmul.getWeight(), {}, matmul.getBias(), {},
                      matmul.getTransposeWeight(), 0, std::nullopt, out, n);
      })
      .Case([&](ActivationOp a) -> llvm::Error {
        auto x = input(a.getInput());
        if (!x)
          return x.takeError();
        Mem out{Mem::Buffer, newBuffer(result, *f, act), tokens()};
        launch("unary", {tokens(*f, 255, 256), one, one}, 256,
               {memArg(*x), memArg(out), i32(tokens(*f)),
                i32(activationCode(a.getKind()))});
        return llvm::Error::success();
      })
      .Case([&](AttentionOp attn) -> llvm::Error {
        auto q = input(attn.getQuery()), k = input(attn.getKey()),
             v = input(attn.getValue());
        if (!q || !k || !v)
          return !q ? q.takeError() : !k ? k.takeError() : v.takeError();
        int64_t heads = attn.getNumHeads(), kvHeads = attn.getNumKvHeads();
        int64_t d = *f / heads;
        if (d > 128)
          return errorAt(op, "GPU attention supports head dims up to 128, "
                             "got " + std::to_string(d));
        Mem out{Mem::Buffer, newBuffer(result, *f, act), tokens()};
        launch("attention",
               {rt::Extent{rt::Sym::Seq, 1, 0, 1}, rt::Extent::constant(heads),
                rt::Extent{rt::Sym::Batch, 1, 0, 1}},
               32,
               {memArg(*q), memArg(*k), memArg(*v), memArg(out),
                i32(rt::Extent{rt::Sym::Seq, 1, 0, 1}), i32(heads),
                i32(kvHeads), i32(d), f32(attn.getScale().convertToFloat()),
                i32(attn.getCausal() ? 1 : 0)});
        return llvm::Error::success();
      })
      .Case([&](RoPEOp rope) -> llvm::Error {
        auto x = input(rope.getInput());
        if (!x)
          return x.takeError();
        auto cosType = cast<RankedTensorType>(rope.getCos().getType());
        if (cosType.getRank() == 3 && cosType.getDimSize(0) != 1)
          return errorAt(op, "per-batch RoPE tables are not supported on the "
                             "GPU");
        auto c = weightOperand(rope.getCos(), op, rt::DType::F32);
        auto s = weightOperand(rope.getSin(), op, rt::DType::F32);
        if (!c || !s)
          return c ? s.takeError() : c.takeError();
        int64_t d = cosType.getDimSize(cosType.getRank() - 1);
        Mem out{Mem::Buffer, newBuffer(result, *f, act), tokens()};
        launch("rope", {tokens(), one, one}, 128,
               {memArg(*x), memArg(*c), memArg(*s), memArg(out), i32(*f),
                i32(d), i32(rt::Extent{rt::Sym::Seq, 1, 0, 1})});
        return llvm::Error::success();
      })
      .Default([&](Operation *other) {
        return errorAt(other, "not supported on the GPU");
      });
}

llvm::Error Lowering::lowerNode(NodeOp node) {
  Operation *op = node;
  StringRef type = node.getOpType();
  if (type == "Split")
    return lowerSplit(node);
  if (node.getNumResults() != 1)
    return errorAt(op, "not supported on the GPU");
  Value result = node.getResult(0);
  static const std::map<std::string, int> binaryOps = {
      {"Add", 0}, {"Sub", 1}, {"Mul", 2}, {"Div", 3}};
  // Ops that only relabel the shape of [rows, features] data.
  if (node.getNumOperands() && node.getInputs()[0].getType() ==
                                   result.getType() &&
      values.count(node.getInputs()[0]) &&
      (type == "Reshape" || type == "Identity")) {
    alias(result, node.getInputs()[0]);
    return llvm::Error::success();
  }
  if (type == "Reshape" || type == "Squeeze" || type == "Unsqueeze" ||
      type == "Identity" || type == "Flatten") {
    if (values.count(node.getInputs()[0])) {
      auto fin = features(node.getInputs()[0], op);
      auto fout = features(result, op);
      if (!fin || !fout)
        return fin ? fout.takeError() : fin.takeError();
      if (*fin != *fout)
        return errorAt(op, "a reshape that changes the feature dimension is "
                           "not supported on the GPU");
      if (auto e = checkRows(result, op))
        return e;
      alias(result, node.getInputs()[0]);
      return llvm::Error::success();
    }
  }
  if (auto e = checkRows(result, op))
    return e;
  auto f = features(result, op);
  if (!f)
    return f.takeError();
  if (auto it = binaryOps.find(type.str()); it != binaryOps.end()) {
    auto a = device(node.getInputs()[0], op);
    auto b = device(node.getInputs()[1], op);
    if (!a || !b)
      return a ? b.takeError() : a.takeError();
    auto fa = features(node.getInputs()[0], op);
    auto fb = features(node.getInputs()[1], op);
    if (!fa || !fb)
      return fa ? fb.takeError() : fa.takeError();
    for (int64_t fx : {*fa, *fb})
      if (fx != *f && fx != 1)
        return errorAt(op, "broadcasting of the feature dimension from " +
                               std::to_string(fx) + " to " +
                               std::to_string(*f) + " is not supported");
    Mem out{Mem::Buffer, newBuffer(result, *f, act), tokens()};
    launch("binary", {tokens(*f, 255, 256), one, one}, 256,
           {memArg(*a), memArg(*b), memArg(out), i32(tokens(*f)), i32(*f),
            i32(a->rows), i32(*fa), i32(b->rows), i32(*fb),
            i32(it->second)});
    return llvm::Error::success();
  }
  if (type == "MatMul") {
    auto x = device(node.getInputs()[0], op);
    if (!x)
      return x.takeError();
    Mem out{Mem::Buffer, newBuffer(result, *f, act), tokens()};
    int64_t n;
    return linear(op, *x, node.getInputs()[1], {}, {}, {}, false, 0,
                  std::nullopt, out, n);
  }
  if (type == "Slice") {
    auto x = device(node.getInputs()[0], op);
    if (!x)
      return x.takeError();
    auto fin = features(node.getInputs()[0], op);
    if (!fin)
      return fin.takeError();
    int64_t rank = cast<RankedTensorType>(result.getType()).getRank();
    std::vector<int64_t> params[4];
    for (unsigned i = 1; i < node.getNumOperands() && i < 5; ++i) {
      auto t = constant(node.getInputs()[i]);
      if (!t)
        return errorAt(op, "Slice bounds must be constants on the GPU");
      for (int64_t e = 0; e < t->numElements(); ++e)
        params[i - 1].push_back(t->getInt(e));
    }
    bool lastAxis = params[2].size() == 1 &&
                    (params[2][0] == -1 || params[2][0] == rank - 1);
    bool unitStep = params[3].empty() || params[3][0] == 1;
    if (params[0].size() != 1 || !lastAxis || !unitStep)
      return errorAt(op, "only unit-step slices of the last axis are "
                         "supported on the GPU");
    int64_t start = params[0][0] < 0 ? params[0][0] + *fin : params[0][0];
    start = std::clamp<int64_t>(start, 0, *fin);
    Mem out{Mem::Buffer, newBuffer(result, *f, act), tokens()};
    launch("slice_cols", {tokens(*f, 255, 256), one, one}, 256,
           {memArg(*x), memArg(out), i32(tokens(*f)), i32(*f), i32(*fin),
            i32(start)});
    return llvm::Error::success();
  }
  return errorAt(op, "not supported on the GPU");
}

/// Splits of the feature axis: one column slice per result.
llvm::Error Lowering::lowerSplit(NodeOp node) {
  Operation *op = node;
  Value in = node.getInputs()[0];
  auto x = device(in, op);
  auto fin = features(in, op);
  if (!x || !fin)
    return x ? fin.takeError() : x.takeError();
  int64_t rank = cast<RankedTensorType>(in.getType()).getRank();
  int64_t axis = 0;
  if (auto attr = dyn_cast_or_null<IntegerAttr>(node.getOnnxAttr("axis")))
    axis = attr.getInt();
  if (axis != -1 && axis != rank - 1)
    return errorAt(op, "only splits of the last axis are supported on the "
                       "GPU");
  int64_t offset = 0;
  for (Value result : node.getResults()) {
    if (auto e = checkRows(result, op))
      return e;
    auto f = features(result, op);
    if (!f)
      return f.takeError();
    Mem out{Mem::Buffer, newBuffer(result, *f, act), tokens()};
    launch("slice_cols", {tokens(*f, 255, 256), one, one}, 256,
           {memArg(*x), memArg(out), i32(tokens(*f)), i32(*f), i32(*fin),
            i32(offset)});
    offset += *f;
  }
  return llvm::Error::success();
}

llvm::Error Lowering::lowerReturn(func::ReturnOp ret) {
  for (auto [index, v] : llvm::enumerate(ret.getOperands())) {
    auto type = cast<RankedTensorType>(v.getType());
    if (!type.getElementType().isF32())
      return errorAt(ret, "GPU model outputs must be float32");
    auto m = device(v, ret);
    if (!m)
      return m.takeError();
    auto f = features(v, ret);
    if (!f)
      return f.takeError();
    rt::Arg out;
    out.kind = rt::Arg::Kind::Output;
    out.value = index;
    launch("to_f32", {tokens(*f, 255, 256), one, one}, 256,
           {memArg(*m), out, i32(tokens(*f))});
  }
  return llvm::Error::success();
}

/// A model input or output's dims in terms of batch and seq.
std::vector<rt::Dim> dimsOf(RankedTensorType type, RankedTensorType input) {
  std::vector<rt::Dim> dims;
  for (int64_t k = 0; k < type.getRank(); ++k) {
    rt::Dim d;
    if (!type.isDynamicDim(k)) {
      d.value = type.getDimSize(k);
    } else {
      // Dynamic dims follow the input's: [batch, seq].
      bool last = k == type.getRank() - 1 ||
                  (k == 1 && input.getRank() == 2) ||
                  (input.getRank() == 1);
      d.sym = last ? rt::Sym::Seq : rt::Sym::Batch;
    }
    dims.push_back(d);
  }
  return dims;
}

llvm::Expected<GPUProgram> Lowering::run(MLIRContext *ctx) {
  if (func.getNumArguments() != 1)
    return errorAt(func, "GPU lowering supports models with one input "
                         "(token ids)");
  auto inputType = dyn_cast<RankedTensorType>(func.getArgument(0).getType());
  if (!inputType || inputType.getRank() != 2 ||
      !inputType.getElementType().isInteger(64))
    return errorAt(func, "GPU lowering expects one int64 input of [batch, "
                         "seq] token ids");
  for (int64_t k : {0, 1})
    if (!inputType.isDynamicDim(k) && inputType.getDimSize(k) != 1)
      return errorAt(func, "static input extents other than 1 are not "
                           "supported on the GPU");
  if (!inputType.isDynamicDim(0))
    plan.maxBatch = 1;
  auto nameOf = [&](DictionaryAttr attrs, std::string fallback) {
    if (attrs)
      if (auto name = attrs.getAs<StringAttr>("ffn.name"))
        return name.str();
    return fallback;
  };
  rt::TensorInfo in;
  in.name = nameOf(func.getArgAttrDict(0), "arg0");
  in.dtype = rt::DType::I64;
  in.dims = dimsOf(inputType, inputType);
  plan.inputs.push_back(in);
  values[func.getArgument(0)] = Mem{Mem::Input, 0, tokens()};
  for (unsigned i = 0; i < func.getNumResults(); ++i) {
    rt::TensorInfo out;
    out.name = nameOf(func.getResultAttrDict(i), "result" + std::to_string(i));
    out.dtype = rt::DType::F32;
    out.dims =
        dimsOf(cast<RankedTensorType>(func.getResultTypes()[i]), inputType);
    plan.outputs.push_back(out);
  }

  for (Operation &op : func.getBody().front())
    if (auto e = lowerOp(&op))
      return std::move(e);

  // A buffer read after its defining launch lives until its last reader.
  std::vector<BufferRequest> requests;
  for (const BufferInfo &b : buffers)
    requests.push_back({b.bytes, b.first, b.last});
  MemoryLayout layout = planMemory(requests, rt::kTensorAlignment);
  for (auto [l, pending] : llvm::zip(plan.launches, pendingBuffers))
    for (auto [arg, buffer] : pending)
      l.args[arg].value = layout.offsets[buffer];
  plan.arenaBytes = layout.totalBytes;
  plan.weightsBytes = weights.size();

  GPUProgram program;
  program.plan = std::move(plan);
  program.weights = std::move(weights);
  ctx->getOrLoadDialect<LLVM::LLVMDialect>();
  ParserConfig config(ctx);
  std::string source = kernelLibrarySource(options.precision);
  program.kernels = parseSourceString<ModuleOp>(source, config);
  if (!program.kernels)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "internal error: the kernel library does "
                                   "not parse");
  // Helpers stay internal so that LLVM inlines them and drops the symbols.
  program.kernels->walk([](func::FuncOp f) {
    f->setAttr("llvm.linkage",
               LLVM::LinkageAttr::get(f.getContext(), LLVM::Linkage::Internal));
  });
  return program;
}

} // namespace

llvm::Expected<GPUProgram>
mlir::ffn::lowerToGPU(ModuleOp module, const GPULoweringOptions &options) {
  auto func = module.lookupSymbol<func::FuncOp>("main");
  if (!func)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "the module has no func @main");
  if (options.maxTokens < 1)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "--max-tokens must be positive");
  Lowering lowering(func, options);
  return lowering.run(module.getContext());
}

std::string mlir::ffn::describeLaunch(const rt::Plan &plan,
                                      const rt::Launch &launch) {
  auto extent = [](const rt::Extent &e) -> std::string {
    static const char *names[] = {"1", "T", "B", "S"};
    if (e.sym == rt::Sym::One)
      return std::to_string(e.add / e.div + (e.add % e.div != 0));
    std::string s = e.mul == 1 ? names[int(e.sym)]
                               : std::to_string(e.mul) + "*" + names[int(e.sym)];
    if (e.add)
      s += "+" + std::to_string(e.add);
    if (e.div != 1)
      s = "ceil((" + s + ")/" + std::to_string(e.div) + ")";
    return s;
  };
  std::string s = plan.kernels[launch.kernel] + " grid(" +
                  extent(launch.grid[0]) + ", " + extent(launch.grid[1]) +
                  ", " + extent(launch.grid[2]) + ") block(" +
                  std::to_string(launch.block[0]) + ") args(";
  for (auto [i, a] : llvm::enumerate(launch.args)) {
    if (i)
      s += ", ";
    switch (a.kind) {
    case rt::Arg::Kind::Arena:
      s += "arena+" + std::to_string(a.value);
      break;
    case rt::Arg::Kind::Weight:
      s += "weights+" + std::to_string(a.value);
      break;
    case rt::Arg::Kind::Input:
      s += "input" + std::to_string(a.value);
      break;
    case rt::Arg::Kind::Output:
      s += "output" + std::to_string(a.value);
      break;
    case rt::Arg::Kind::I32:
      s += extent(a.extent);
      break;
    case rt::Arg::Kind::F32: {
      float f;
      uint32_t bits = a.value;
      std::memcpy(&f, &bits, 4);
      s += llvm::formatv("{0:e}", f).str();
      break;
    }
    }
  }
  return s + ")";
}
