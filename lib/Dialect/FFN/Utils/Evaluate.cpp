//===- Evaluate.cpp - Evaluating ffn IR on host tensors -------------------===//

#include "ffn/Dialect/FFN/Utils/Evaluate.h"
#include "ffn/Dialect/FFN/IR/FFNOps.h"
#include "ffn/Dialect/FFN/Utils/TensorAttr.h"
#include "ffn/Support/Npy.h"

#include "ONNXOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::ffn;
using namespace mlir::ffn::ref;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

void mlir::ffn::ref::plainGemm(bool transA, bool transB, int64_t m, int64_t n,
                               int64_t k, float alpha, const float *a,
                               int64_t lda, const float *b, int64_t ldb,
                               float beta, float *c, int64_t ldc) {
  auto at = [&](int64_t i, int64_t p) {
    return transA ? a[p * lda + i] : a[i * lda + p];
  };
  for (int64_t i = 0; i < m; ++i) {
    float *row = c + i * ldc;
    for (int64_t j = 0; j < n; ++j)
      row[j] = beta == 0.0f ? 0.0f : beta * row[j];
    // Walk B along its rows: dot products when it is transposed, else
    // accumulate row p of B scaled by A[i, p].
    if (transB) {
      for (int64_t j = 0; j < n; ++j) {
        const float *column = b + j * ldb;
        float sum = 0;
        for (int64_t p = 0; p < k; ++p)
          sum += at(i, p) * column[p];
        row[j] += alpha * sum;
      }
      continue;
    }
    for (int64_t p = 0; p < k; ++p) {
      float scale = alpha * at(i, p);
      const float *bRow = b + p * ldb;
      for (int64_t j = 0; j < n; ++j)
        row[j] += scale * bRow[j];
    }
  }
}

/// Puts `value` into `memo`, evaluating what it needs. Operands are read
/// in place: each tensor exists once however many ops use it.
static llvm::Error evaluateInto(Value value, ValueSource source,
                                llvm::DenseMap<Value, Tensor> &memo) {
  if (memo.count(value))
    return llvm::Error::success();
  if (std::optional<llvm::Expected<Tensor>> given = source(value)) {
    if (!*given)
      return given->takeError();
    memo[value] = std::move(**given);
    return llvm::Error::success();
  }
  Operation *op = value.getDefiningOp();
  if (!op || op->getNumRegions() || !isMemoryEffectFree(op))
    return makeError("value is not computed from constants");
  for (Value operand : op->getOperands())
    if (llvm::Error error = evaluateInto(operand, source, memo))
      return error;
  // No insertion into `memo` until evaluateOp returns: the pointers stay
  // valid.
  std::vector<const Tensor *> operands;
  for (Value operand : op->getOperands())
    operands.push_back(&memo.find(operand)->second);
  auto results = evaluateOp(op, operands);
  if (!results)
    return results.takeError();
  for (auto [result, t] : llvm::zip(op->getResults(), *results))
    memo[result] = std::move(t);
  return llvm::Error::success();
}

llvm::Expected<Tensor>
mlir::ffn::ref::evaluateValue(Value value, ValueSource source,
                              llvm::DenseMap<Value, Tensor> &memo) {
  if (llvm::Error error = evaluateInto(value, source, memo))
    return std::move(error);
  return memo.find(value)->second;
}

llvm::Expected<Tensor> mlir::ffn::ref::evaluateConstant(Value value) {
  llvm::DenseMap<Value, Tensor> memo;
  return evaluateValue(
      value, [](Value) -> std::optional<llvm::Expected<Tensor>> { return {}; },
      memo);
}

//===----------------------------------------------------------------------===//
// The ffn ops
//===----------------------------------------------------------------------===//

namespace {

/// Rows of a tensor viewed as [rows, last dim].
int64_t rowsOf(const Tensor &t) {
  return t.rank() ? t.numElements() / t.dim(-1) : 1;
}

/// Why x · W (+ bias) cannot be computed with these run-time shapes, or "":
/// weights of dynamic type pass the verifier, and their data may not fit.
std::string linearProblem(llvm::ArrayRef<int64_t> input, const Tensor &w,
                          const Tensor *bias, bool transposed) {
  if (input.empty() || w.rank() != 2)
    return "expected a matrix weight, got " + w.shapeString();
  int64_t k = transposed ? w.dim(1) : w.dim(0);
  int64_t n = transposed ? w.dim(0) : w.dim(1);
  if (input.back() != k)
    return "the input " + ffnsupport::shapeString(input.vec()) +
           " does not contract with the weight " + w.shapeString();
  if (bias && (bias->rank() != 1 || bias->dim(0) != n))
    return "the bias " + bias->shapeString() + " does not match the weight " +
           w.shapeString();
  return "";
}

/// Why a norm of `x` with gain `g` (and bias `b`) cannot be computed, or "".
std::string normProblem(const Tensor &x, const Tensor &g, const Tensor *b) {
  for (const Tensor *v : {&g, b})
    if (v && (x.rank() < 1 || v->rank() != 1 || v->dim(0) != x.dim(-1)))
      return "the gain or bias " + v->shapeString() + " does not match " +
             "the input " + x.shapeString();
  return "";
}

/// Why `positions` cannot index a cache of `context` rows for a [batch,
/// seq] block of new tokens, or "".
std::string positionsProblem(const Tensor &positions, int64_t batch,
                             int64_t seq, int64_t context) {
  if (positions.rank() != 2 || positions.dim(0) != batch ||
      positions.dim(1) != seq)
    return "positions " + positions.shapeString() + " are not [" +
           std::to_string(batch) + ", " + std::to_string(seq) + "]";
  for (int64_t k = 0; k < positions.numElements(); ++k)
    if (positions.getInt(k) < 0 || positions.getInt(k) >= context)
      return "position " + std::to_string(positions.getInt(k)) +
             " is outside the cache [0, " + std::to_string(context) + ")";
  return "";
}

/// linearProblem() of each of the MLP's projections, chained.
template <typename OpTy>
std::string mlpProblem(OpTy op, const Tensor &z,
                       llvm::function_ref<const Tensor *(Value)> get) {
  const Tensor &up = *get(op.getUpWeight());
  std::string why = linearProblem(z.shape(), up, get(op.getUpBias()), false);
  if (why.empty() && op.getGateWeight()) {
    const Tensor &gate = *get(op.getGateWeight());
    why = linearProblem(z.shape(), gate, get(op.getGateBias()), false);
    if (why.empty() && gate.shape() != up.shape())
      why = "the gate " + gate.shapeString() + " and up " + up.shapeString() +
            " weights differ";
  }
  if (why.empty() && up.rank() == 2) {
    // The down projection reads the hidden activations, up.dim(1) wide.
    why = linearProblem({up.dim(1)}, *get(op.getDownWeight()),
                        get(op.getDownBias()), false);
  }
  return why;
}

/// out[m, n] = x[m, k] · W (+ bias), W [k, n] or [n, k] when transposed.
Tensor linear(const Tensor &x, const Tensor &w, const Tensor *bias,
              bool transposed, GemmFn gemm) {
  int64_t k = x.dim(-1), n = transposed ? w.dim(0) : w.dim(1);
  int64_t m = rowsOf(x);
  std::vector<int64_t> shape(x.shape().begin(), x.shape().end());
  shape.back() = n;
  Tensor out(DType::F32, shape);
  if (bias)
    for (int64_t r = 0; r < m; ++r)
      std::copy(bias->f().begin(), bias->f().end(), out.f().begin() + r * n);
  if (m && n)
    gemm(false, transposed, m, n, k, 1.0f, x.f().data(), k, w.f().data(),
         transposed ? k : n, bias ? 1.0f : 0.0f, out.f().data(), n);
  return out;
}

double activate(Activation kind, double x) {
  switch (kind) {
  case Activation::silu:
    return x / (1.0 + std::exp(-x));
  case Activation::gelu:
    return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
  case Activation::gelu_tanh:
    return 0.5 * x *
           (1.0 + std::tanh(std::sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x)));
  case Activation::relu:
    return x > 0 ? x : 0;
  }
  return x;
}

Tensor activation(Activation kind, Tensor x) {
  for (float &v : x.f())
    v = activate(kind, v);
  return x;
}

Tensor rmsNorm(const Tensor &x, const Tensor &g, double eps, bool unitOffset) {
  Tensor out(DType::F32, std::vector<int64_t>(x.shape()));
  int64_t d = x.dim(-1);
  for (int64_t r = 0, rows = rowsOf(x); r < rows; ++r) {
    const float *in = x.f().data() + r * d;
    double sq = 0;
    for (int64_t k = 0; k < d; ++k)
      sq += static_cast<double>(in[k]) * in[k];
    double scale = 1.0 / std::sqrt(sq / d + eps);
    for (int64_t k = 0; k < d; ++k)
      out.f()[r * d + k] =
          in[k] * scale * (unitOffset ? 1.0 + g.f()[k] : g.f()[k]);
  }
  return out;
}

Tensor layerNorm(const Tensor &x, const Tensor &g, const Tensor *b,
                 double eps) {
  Tensor out(DType::F32, std::vector<int64_t>(x.shape()));
  int64_t d = x.dim(-1);
  for (int64_t r = 0, rows = rowsOf(x); r < rows; ++r) {
    const float *in = x.f().data() + r * d;
    auto [mean, scale] = meanAndInverseStd(in, d, eps);
    for (int64_t k = 0; k < d; ++k)
      out.f()[r * d + k] =
          (in[k] - mean) * scale * g.f()[k] + (b ? b->f()[k] : 0.0);
  }
  return out;
}

/// (act(z·Wg + bg) ⊙ (z·Wu + bu))·Wd + bd, or act(z·Wu + bu)·Wd + bd.
template <typename OpTy>
Tensor mlp(OpTy op, const Tensor &z,
           llvm::function_ref<const Tensor *(Value)> get, GemmFn gemm) {
  Tensor up =
      linear(z, *get(op.getUpWeight()), get(op.getUpBias()), false, gemm);
  Activation kind = op.getActivation();
  if (Value gateWeight = op.getGateWeight()) {
    Tensor gate =
        linear(z, *get(gateWeight), get(op.getGateBias()), false, gemm);
    for (size_t k = 0; k < up.f().size(); ++k)
      up.f()[k] *= activate(kind, gate.f()[k]);
  } else {
    up = activation(kind, std::move(up));
  }
  return linear(up, *get(op.getDownWeight()), get(op.getDownBias()), false,
                gemm);
}

/// Attention of `q` over `k` and `v`, whose rows per batch are `keys`.
/// Query (b, i) sees the first `visible(b, i)` keys of its sequence, and no
/// more than keyRows(b) are ever visible in batch b; with `keyMask`
/// ([batch, keys]), only those whose mask is non-zero. A query that sees no
/// key yields zeros.
Tensor attention(AttentionOp op, const Tensor &q, const Tensor &k,
                 const Tensor &v, int64_t keys,
                 llvm::function_ref<int64_t(int64_t b)> keyRows,
                 llvm::function_ref<int64_t(int64_t b, int64_t i)> visible,
                 const Tensor *keyMask, GemmFn gemm) {
  int64_t batch = q.dim(0), seq = q.dim(1);
  int64_t heads = op.getNumHeads(), kvHeads = op.getNumKvHeads();
  int64_t d = q.dim(2) / heads, group = heads / kvHeads;
  int64_t qStride = heads * d, kvStride = kvHeads * d;
  float scale = op.getScale().convertToFloat();
  Tensor out(DType::F32, std::vector<int64_t>(q.shape()));
  std::vector<float> scores;
  for (int64_t b = 0; b < batch; ++b) {
    int64_t rows = keyRows(b);
    scores.resize(seq * rows);
    for (int64_t h = 0; h < heads; ++h) {
      int64_t kvh = h / group;
      const float *qh = q.f().data() + b * seq * qStride + h * d;
      const float *kh = k.f().data() + b * keys * kvStride + kvh * d;
      const float *vh = v.f().data() + b * keys * kvStride + kvh * d;
      float *oh = out.f().data() + b * seq * qStride + h * d;
      gemm(false, true, seq, rows, d, scale, qh, qStride, kh, kvStride, 0.0f,
           scores.data(), rows);
      auto kept = [&](int64_t j) {
        return !keyMask || keyMask->getInt(b * keys + j) != 0;
      };
      for (int64_t i = 0; i < seq; ++i) {
        float *row = scores.data() + i * rows;
        int64_t seen = visible(b, i);
        double maxValue = -std::numeric_limits<double>::infinity();
        for (int64_t j = 0; j < seen; ++j)
          if (kept(j))
            maxValue = std::max<double>(maxValue, row[j]);
        double sum = 0;
        for (int64_t j = 0; j < seen; ++j)
          if (kept(j))
            sum += std::exp(row[j] - maxValue);
        for (int64_t j = 0; j < rows; ++j)
          row[j] = j < seen && kept(j) ? std::exp(row[j] - maxValue) / sum
                                       : 0.0f;
      }
      gemm(false, false, seq, d, rows, 1.0f, scores.data(), rows, vh, kvStride,
           0.0f, oh, qStride);
    }
  }
  return out;
}

/// Attention of the new tokens over a cache that holds them (`positions`
/// set): query (b, i) sees cache rows up to positions[b, i].
llvm::Expected<Tensor> cachedAttention(AttentionOp op, const Tensor &q,
                                       const Tensor &k, const Tensor &v,
                                       const Tensor &positions, GemmFn gemm) {
  int64_t context = k.dim(1), seq = q.dim(1);
  if (std::string why = positionsProblem(positions, q.dim(0), seq, context);
      !why.empty())
    return makeError(why);
  auto position = [&](int64_t b, int64_t i) {
    return positions.getInt(b * seq + i);
  };
  return attention(
      op, q, k, v, context,
      [&](int64_t b) {
        int64_t last = -1;
        for (int64_t i = 0; i < seq; ++i)
          last = std::max(last, position(b, i));
        return last + 1;
      },
      [&](int64_t b, int64_t i) { return position(b, i) + 1; },
      /*keyMask=*/nullptr, gemm);
}

/// The cache with row positions[b, s] of sequence b replaced by value[b, s].
llvm::Expected<Tensor> cacheWrite(const Tensor &value, const Tensor &cache,
                                  const Tensor &positions) {
  int64_t batch = value.dim(0), seq = value.dim(1), width = value.dim(2);
  if (cache.rank() != 3 || cache.dim(0) != batch || cache.dim(2) != width)
    return makeError("value " + value.shapeString() +
                     " does not fit the cache " + cache.shapeString());
  int64_t context = cache.dim(1);
  if (std::string why = positionsProblem(positions, batch, seq, context);
      !why.empty())
    return makeError(why);
  Tensor out = cache;
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t s = 0; s < seq; ++s)
      std::copy_n(value.f().begin() + (b * seq + s) * width, width,
                  out.f().begin() +
                      (b * context + positions.getInt(b * seq + s)) * width);
  return out;
}

/// Rotary embedding; token (b, s) uses table row `row(b, s)`.
Tensor rope(const Tensor &x, const Tensor &cos, const Tensor &sin,
            llvm::function_ref<int64_t(int64_t b, int64_t s)> row) {
  int64_t batch = x.dim(0), seq = x.dim(1), d = cos.dim(-1);
  int64_t heads = x.dim(2) / d, half = d / 2;
  Tensor out(DType::F32, std::vector<int64_t>(x.shape()));
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t s = 0; s < seq; ++s) {
      int64_t table = row(b, s) * d;
      for (int64_t h = 0; h < heads; ++h) {
        int64_t at = (b * seq + s) * x.dim(2) + h * d;
        for (int64_t j = 0; j < d; ++j) {
          double rotated = j < half ? -x.f()[at + j + half]
                                    : x.f()[at + j - half];
          out.f()[at + j] = x.f()[at + j] * cos.f()[table + j] +
                            rotated * sin.f()[table + j];
        }
      }
    }
  return out;
}

} // namespace

std::string mlir::ffn::ref::describeOp(Operation *op) {
  std::string s;
  llvm::raw_string_ostream os(s);
  Location loc = op->getLoc();
  if (auto fused = dyn_cast<FusedLoc>(loc);
      fused && !fused.getLocations().empty())
    loc = fused.getLocations().front();
  if (auto name = dyn_cast<NameLoc>(loc)) {
    os << "node '" << name.getName().getValue() << "'";
    if (!isa<NodeOp>(op))
      os << " (" << op->getName().getStringRef() << ")";
  } else {
    os << op->getName().getStringRef() << " at " << loc;
  }
  return s;
}

std::string mlir::ffn::ref::describeNode(Operation *op) {
  std::string what = describeOp(op);
  if (auto node = dyn_cast<NodeOp>(op))
    what += " (" + node.getOpType().str() + ")";
  return what;
}

static thread_local Operation *evaluating = nullptr;

std::string mlir::ffn::ref::evaluationContext() {
  if (!evaluating)
    return "";
  return " while evaluating " + describeNode(evaluating);
}

llvm::Expected<std::vector<Tensor>>
mlir::ffn::ref::evaluateOp(Operation *op,
                           llvm::ArrayRef<const Tensor *> operands,
                           GemmFn gemm) {
  struct Current {
    Operation *outer = evaluating;
    Current(Operation *op) { evaluating = op; }
    ~Current() { evaluating = outer; }
  } current(op);
  llvm::DenseMap<Value, const Tensor *> byValue;
  for (auto [value, tensor] : llvm::zip(op->getOperands(), operands))
    byValue[value] = tensor;
  auto get = [&](Value v) -> const Tensor * {
    return v ? byValue.lookup(v) : nullptr;
  };
  // Narrow float results are rounded as the model's dtype would be.
  auto finish = [&](Tensor t) -> llvm::Expected<std::vector<Tensor>> {
    auto dtype = dtypeOf(
        cast<ShapedType>(op->getResult(0).getType()).getElementType());
    if (!dtype)
      return dtype.takeError();
    std::vector<Tensor> results;
    results.push_back(*dtype == DType::F32 ? std::move(t) : t.cast(*dtype));
    return results;
  };

  return llvm::TypeSwitch<Operation *, llvm::Expected<std::vector<Tensor>>>(op)
      .Case([&](NodeOp node) { return evaluateNode(node, operands, gemm); })
      .Case([&](arith::ConstantOp constant)
                -> llvm::Expected<std::vector<Tensor>> {
        if (auto index = dyn_cast<IntegerAttr>(constant.getValue())) {
          std::vector<Tensor> results;
          results.push_back(Tensor::scalarInt(index.getInt()));
          return results;
        }
        auto t = tensorFromAttr(constant.getValue());
        if (!t)
          return t.takeError();
        return finish(std::move(*t));
      })
      .Case([&](tensor::CastOp cast) -> llvm::Expected<std::vector<Tensor>> {
        // Only static extents change; check that the data has them.
        auto type = cast.getType();
        const Tensor &x = *operands[0];
        for (int64_t k = 0; k < type.getRank(); ++k)
          if (!type.isDynamicDim(k) && type.getDimSize(k) != x.dim(k))
            return makeError("tensor.cast to a static extent the data does "
                             "not have: " +
                             x.shapeString());
        return finish(x);
      })
      .Case([&](tensor::DimOp dim) -> llvm::Expected<std::vector<Tensor>> {
        const Tensor &x = *operands[0];
        int64_t index = operands[1]->getInt(0);
        if (index < 0 || index >= x.rank())
          return makeError("tensor.dim index out of range");
        std::vector<Tensor> results;
        results.push_back(Tensor::scalarInt(x.dim(index)));
        return results;
      })
      .Case([&](tensor::ExtractSliceOp slice)
                -> llvm::Expected<std::vector<Tensor>> {
        // Static entries from the attributes, dynamic ones from operands.
        auto resolve = [&](ArrayRef<OpFoldResult> mixed) {
          std::vector<int64_t> values;
          for (OpFoldResult entry : mixed) {
            if (auto attr = dyn_cast<Attribute>(entry))
              values.push_back(cast<IntegerAttr>(attr).getInt());
            else
              values.push_back(
                  byValue.lookup(cast<Value>(entry))->getInt(0));
          }
          return values;
        };
        std::vector<int64_t> offsets = resolve(slice.getMixedOffsets());
        std::vector<int64_t> shape = resolve(slice.getMixedSizes());
        std::vector<int64_t> steps = resolve(slice.getMixedStrides());
        const Tensor &x = *operands[0];
        if (slice.getType().getRank() != x.rank())
          return makeError("rank-reducing tensor.extract_slice is not "
                           "supported");
        for (int64_t k = 0; k < x.rank(); ++k)
          if (offsets[k] < 0 || shape[k] < 0 ||
              (shape[k] > 0 && offsets[k] + (shape[k] - 1) * steps[k] >= x.dim(k)))
            return makeError("tensor.extract_slice reads out of bounds");
        std::vector<int64_t> strides = stridesOf(x.shape());
        return finish(gatherBy(x, shape, [&](ArrayRef<int64_t> index) {
          int64_t from = 0;
          for (size_t k = 0; k < index.size(); ++k)
            from += (offsets[k] + index[k] * steps[k]) * strides[k];
          return from;
        }));
      })
      .Case([&](RMSNormOp norm) -> llvm::Expected<std::vector<Tensor>> {
        if (std::string why = normProblem(*get(norm.getInput()),
                                          *get(norm.getWeight()), nullptr);
            !why.empty())
          return makeError("ffn.rms_norm: " + why);
        return finish(rmsNorm(*get(norm.getInput()), *get(norm.getWeight()),
                              norm.getEpsilon().convertToDouble(),
                              norm.getUnitOffset()));
      })
      .Case([&](LayerNormOp norm) -> llvm::Expected<std::vector<Tensor>> {
        if (std::string why =
                normProblem(*get(norm.getInput()), *get(norm.getWeight()),
                            get(norm.getBias()));
            !why.empty())
          return makeError("ffn.layer_norm: " + why);
        return finish(layerNorm(*get(norm.getInput()), *get(norm.getWeight()),
                                get(norm.getBias()),
                                norm.getEpsilon().convertToDouble()));
      })
      .Case([&](MatmulOp matmul) -> llvm::Expected<std::vector<Tensor>> {
        if (std::string why = linearProblem(
                get(matmul.getInput())->shape(), *get(matmul.getWeight()),
                get(matmul.getBias()), matmul.getTransposeWeight());
            !why.empty())
          return makeError("ffn.matmul: " + why);
        return finish(linear(*get(matmul.getInput()), *get(matmul.getWeight()),
                             get(matmul.getBias()), matmul.getTransposeWeight(),
                             gemm));
      })
      .Case([&](MLPOp op) -> llvm::Expected<std::vector<Tensor>> {
        if (std::string why = mlpProblem(op, *get(op.getInput()), get);
            !why.empty())
          return makeError("ffn.mlp: " + why);
        return finish(mlp(op, *get(op.getInput()), get, gemm));
      })
      .Case([&](FFNBlockOp op) -> llvm::Expected<std::vector<Tensor>> {
        const Tensor &x = *get(op.getInput());
        std::string why =
            normProblem(x, *get(op.getNormWeight()), get(op.getNormBias()));
        if (why.empty())
          why = mlpProblem(op, x, get);
        // The residual adds the output to the input.
        if (why.empty() && get(op.getDownWeight())->dim(1) != x.dim(-1))
          why = "the down projection " +
                get(op.getDownWeight())->shapeString() +
                " does not map back to the input " + x.shapeString();
        if (!why.empty())
          return makeError("ffn.ffn_block: " + why);
        double eps = op.getEpsilon().convertToDouble();
        Tensor normed =
            op.getNormKind() == NormKind::rms
                ? rmsNorm(x, *get(op.getNormWeight()), eps, op.getUnitOffset())
                : layerNorm(x, *get(op.getNormWeight()), get(op.getNormBias()),
                            eps);
        Tensor out = mlp(op, normed, get, gemm);
        for (size_t k = 0; k < out.f().size(); ++k)
          out.f()[k] += x.f()[k];
        return finish(std::move(out));
      })
      .Case([&](ActivationOp op) {
        return finish(activation(op.getKind(), *get(op.getInput())));
      })
      .Case([&](AttentionOp op) -> llvm::Expected<std::vector<Tensor>> {
        const Tensor &q = *get(op.getQuery()), &k = *get(op.getKey()),
                     &v = *get(op.getValue());
        if (Value positions = op.getPositions()) {
          auto out = cachedAttention(op, q, k, v, *get(positions), gemm);
          if (!out)
            return makeError("ffn.attention: " +
                             llvm::toString(out.takeError()));
          return finish(std::move(*out));
        }
        int64_t seq = q.dim(1);
        const Tensor *keyMask = nullptr;
        if (Value mask = op.getKeyMask()) {
          keyMask = get(mask);
          if (keyMask->rank() != 2 || keyMask->dim(0) != q.dim(0) ||
              keyMask->dim(1) != seq)
            return makeError("ffn.attention: key_mask " +
                             keyMask->shapeString() + " does not match " +
                             q.shapeString() + "'s batch and sequence");
        }
        bool causal = op.getCausal();
        return finish(attention(
            op, q, k, v, seq, [&](int64_t) { return seq; },
            [&](int64_t, int64_t i) { return causal ? i + 1 : seq; }, keyMask,
            gemm));
      })
      .Case([&](CacheWriteOp op) -> llvm::Expected<std::vector<Tensor>> {
        auto out = cacheWrite(*get(op.getValue()), *get(op.getCache()),
                              *get(op.getPositions()));
        if (!out)
          return makeError("ffn.cache_write: " +
                           llvm::toString(out.takeError()));
        return finish(std::move(*out));
      })
      .Case([&](RoPEOp op) -> llvm::Expected<std::vector<Tensor>> {
        const Tensor &x = *get(op.getInput()), &cos = *get(op.getCos());
        int64_t seq = x.dim(1);
        if (Value positions = op.getPositions()) {
          const Tensor &p = *get(positions);
          if (std::string why = positionsProblem(p, x.dim(0), seq, cos.dim(0));
              !why.empty())
            return makeError("ffn.rope: " + why);
          return finish(
              rope(x, cos, *get(op.getSin()), [&](int64_t b, int64_t s) {
                return p.getInt(b * seq + s);
              }));
        }
        bool perBatch = cos.rank() == 3 && cos.dim(0) != 1;
        return finish(
            rope(x, cos, *get(op.getSin()), [&](int64_t b, int64_t s) {
              return (perBatch ? b : 0) * seq + s;
            }));
      })
      .Case([&](EmbeddingOp op) -> llvm::Expected<std::vector<Tensor>> {
        const Tensor &table = *get(op.getTable()), &ids = *get(op.getIds());
        int64_t vocab = table.dim(0), d = table.dim(1);
        std::vector<int64_t> shape(ids.shape().begin(), ids.shape().end());
        shape.push_back(d);
        Tensor out(DType::F32, shape);
        for (int64_t k = 0; k < ids.numElements(); ++k) {
          int64_t id = ids.getInt(k);
          if (id < 0 || id >= vocab)
            return makeError(llvm::formatv(
                "id {0} is outside the table's rows [0, {1})", id, vocab));
          std::copy_n(table.f().begin() + id * d, d, out.f().begin() + k * d);
        }
        return finish(std::move(out));
      })
      .Default([&](Operation *other) -> llvm::Expected<std::vector<Tensor>> {
        return makeError("the reference executor does not support '" +
                         other->getName().getStringRef() + "'");
      });
}
