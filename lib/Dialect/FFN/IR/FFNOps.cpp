//===- FFNOps.cpp - ffn dialect operations --------------------------------===//

#include "ffn/Dialect/FFN/IR/FFNOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace mlir::ffn;

//===----------------------------------------------------------------------===//
// Shape helpers
//===----------------------------------------------------------------------===//

/// Two extents agree unless both are static and differ.
static bool dimsAgree(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

static RankedTensorType tensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

static std::string dimString(int64_t d) {
  return ShapedType::isDynamic(d) ? std::string("?") : std::to_string(d);
}

/// Checks that `v` has the element type of `reference`.
static LogicalResult verifyElementType(Operation *op, Value v, StringRef name,
                                       Type expected) {
  Type actual = tensorType(v).getElementType();
  if (actual == expected)
    return success();
  return op->emitOpError() << name << " element type " << actual
                           << " differs from the input element type "
                           << expected;
}

/// Checks that `v` is a vector of `length` elements.
static LogicalResult verifyVector(Operation *op, Value v, StringRef name,
                                  int64_t length, StringRef lengthName) {
  RankedTensorType type = tensorType(v);
  if (type.getRank() != 1)
    return op->emitOpError() << name << " must have rank 1, got rank "
                             << type.getRank();
  if (!dimsAgree(type.getDimSize(0), length))
    return op->emitOpError()
           << name << " has length " << type.getDimSize(0) << " but the "
           << lengthName << " is " << length;
  return success();
}

/// Checks that `v` is a matrix.
static LogicalResult verifyMatrix(Operation *op, Value v, StringRef name) {
  if (tensorType(v).getRank() != 2)
    return op->emitOpError() << name << " must have rank 2, got rank "
                             << tensorType(v).getRank();
  return success();
}

/// Common rules of the normalizations: a positive epsilon and a gain (and
/// optional bias) vector as long as the hidden size.
static LogicalResult verifyNorm(Operation *op, Value input, Value weight,
                                Value bias, APFloat epsilon,
                                StringRef weightName, StringRef biasName) {
  RankedTensorType inputType = tensorType(input);
  if (inputType.getRank() < 1)
    return op->emitOpError("input must have rank at least 1");
  if (!epsilon.isFiniteNonZero() || epsilon.isNegative())
    return op->emitOpError("epsilon must be positive and finite");
  int64_t hidden = inputType.getShape().back();
  Type elementType = inputType.getElementType();
  if (failed(verifyVector(op, weight, weightName, hidden, "hidden size")) ||
      failed(verifyElementType(op, weight, weightName, elementType)))
    return failure();
  if (bias &&
      (failed(verifyVector(op, bias, biasName, hidden, "hidden size")) ||
       failed(verifyElementType(op, bias, biasName, elementType))))
    return failure();
  return success();
}

/// Rules of a gated or plain MLP from `input` ([..., d]) to [..., dOut].
template <typename OpTy>
static LogicalResult verifyMLP(OpTy op, int64_t dOut) {
  Operation *operation = op.getOperation();
  RankedTensorType inputType = tensorType(op.getInput());
  if (inputType.getRank() < 1)
    return op.emitOpError("input must have rank at least 1");
  int64_t hidden = inputType.getShape().back();
  Type elementType = inputType.getElementType();

  if (!op.getGateWeight() && op.getGateBias())
    return op.emitOpError("gate_bias requires a gate projection");

  // Every projection is a matrix of the input's element type.
  for (auto [value, name] :
       {std::pair<Value, StringRef>{op.getGateWeight(), "gate"},
        {op.getUpWeight(), "up"},
        {op.getDownWeight(), "down"}}) {
    if (value && (failed(verifyMatrix(operation, value, name)) ||
                  failed(verifyElementType(operation, value, name,
                                           elementType))))
      return failure();
  }

  RankedTensorType up = tensorType(op.getUpWeight());
  RankedTensorType down = tensorType(op.getDownWeight());
  int64_t width = up.getDimSize(1);
  if (!dimsAgree(up.getDimSize(0), hidden))
    return op.emitOpError() << "up projection has " << up.getDimSize(0)
                            << " input rows but the hidden size is " << hidden;
  if (Value gateWeight = op.getGateWeight()) {
    RankedTensorType gate = tensorType(gateWeight);
    if (!dimsAgree(gate.getDimSize(0), hidden))
      return op.emitOpError()
             << "gate projection has " << gate.getDimSize(0)
             << " input rows but the hidden size is " << hidden;
    if (!dimsAgree(gate.getDimSize(1), width))
      return op.emitOpError() << "gate width " << gate.getDimSize(1)
                              << " differs from up width " << width;
  }
  if (!dimsAgree(down.getDimSize(0), width))
    return op.emitOpError() << "down projection has " << down.getDimSize(0)
                            << " rows but the intermediate width is " << width;
  if (!dimsAgree(down.getDimSize(1), dOut))
    return op.emitOpError() << "down projection has " << down.getDimSize(1)
                            << " columns but the output size is " << dOut;

  for (auto [value, name, length, lengthName] :
       {std::tuple<Value, StringRef, int64_t, StringRef>{
            op.getGateBias(), "gate_bias", width, "intermediate width"},
        {op.getUpBias(), "up_bias", width, "intermediate width"},
        {op.getDownBias(), "down_bias", dOut, "output size"}}) {
    if (value &&
        (failed(verifyVector(operation, value, name, length, lengthName)) ||
         failed(verifyElementType(operation, value, name, elementType))))
      return failure();
  }
  return success();
}

/// Checks the result's element type and that its shape agrees with `expected`
/// (dynamic extents agree with anything).
static LogicalResult verifyResult(Operation *op, Value output,
                                  Type elementType,
                                  ArrayRef<int64_t> expected) {
  RankedTensorType outputType = tensorType(output);
  if (outputType.getElementType() != elementType)
    return op->emitOpError() << "result element type "
                             << outputType.getElementType()
                             << " must be " << elementType;
  bool ok = outputType.getRank() == static_cast<int64_t>(expected.size());
  for (int64_t i = 0; ok && i < outputType.getRank(); ++i)
    ok = dimsAgree(outputType.getDimSize(i), expected[i]);
  if (ok)
    return success();
  std::string shape;
  llvm::raw_string_ostream os(shape);
  llvm::interleave(expected, os, [&](int64_t d) { os << dimString(d); }, "x");
  return op->emitOpError() << "result type " << outputType
                           << " does not match the expected shape " << shape;
}

/// The result keeps the leading dimensions of the input and replaces the last
/// one by `lastDim`.
static LogicalResult verifyResultShape(Operation *op, Value input, Value output,
                                       int64_t lastDim) {
  RankedTensorType inputType = tensorType(input);
  SmallVector<int64_t> expected(inputType.getShape());
  expected.back() = lastDim;
  return verifyResult(op, output, inputType.getElementType(), expected);
}

//===----------------------------------------------------------------------===//
// RMSNormOp / LayerNormOp
//===----------------------------------------------------------------------===//

LogicalResult RMSNormOp::verify() {
  return verifyNorm(*this, getInput(), getWeight(), /*bias=*/nullptr,
                    getEpsilon(), "weight", "");
}

LogicalResult LayerNormOp::verify() {
  return verifyNorm(*this, getInput(), getWeight(), getBias(), getEpsilon(),
                    "weight", "bias");
}

//===----------------------------------------------------------------------===//
// MatmulOp
//===----------------------------------------------------------------------===//

LogicalResult MatmulOp::verify() {
  RankedTensorType inputType = tensorType(getInput());
  if (inputType.getRank() < 1)
    return emitOpError("input must have rank at least 1");
  if (failed(verifyMatrix(*this, getWeight(), "weight")))
    return failure();
  Type elementType = inputType.getElementType();
  if (failed(verifyElementType(*this, getWeight(), "weight", elementType)))
    return failure();
  RankedTensorType weightType = tensorType(getWeight());
  int64_t k = weightType.getDimSize(getTransposeWeight() ? 1 : 0);
  int64_t n = weightType.getDimSize(getTransposeWeight() ? 0 : 1);
  if (!dimsAgree(inputType.getShape().back(), k))
    return emitOpError() << "input has " << inputType.getShape().back()
                         << " columns but the weight contracts over " << k;
  if (getBias() &&
      (failed(verifyVector(*this, getBias(), "bias", n, "output size")) ||
       failed(verifyElementType(*this, getBias(), "bias", elementType))))
    return failure();
  return verifyResultShape(*this, getInput(), getOutput(), n);
}

//===----------------------------------------------------------------------===//
// MLPOp / FFNBlockOp
//===----------------------------------------------------------------------===//

LogicalResult MLPOp::verify() {
  if (failed(verifyMLP(*this, tensorType(getOutput()).getShape().back())))
    return failure();
  return verifyResultShape(*this, getInput(), getOutput(),
                           tensorType(getDownWeight()).getDimSize(1));
}

LogicalResult FFNBlockOp::verify() {
  bool isLayer = getNormKind() == NormKind::layer;
  if (getNormBias() && !isLayer)
    return emitOpError("norm_bias is only allowed with a layer norm");
  if (getUnitOffset() && isLayer)
    return emitOpError("unit_offset is only allowed with an rms norm");
  if (failed(verifyNorm(*this, getInput(), getNormWeight(), getNormBias(),
                        getEpsilon(), "norm_weight", "norm_bias")))
    return failure();
  // The residual add needs the MLP to map back to the hidden size.
  return verifyMLP(*this, tensorType(getInput()).getShape().back());
}

OpFoldResult FFNBlockOp::fold(FoldAdaptor) {
  // x + MLP(Norm(x)) with an empty intermediate and no down bias adds zero.
  if (getWidth() == 0 && !getDownBias())
    return getInput();
  return {};
}

//===----------------------------------------------------------------------===//
// ActivationOp
//===----------------------------------------------------------------------===//

OpFoldResult ActivationOp::fold(FoldAdaptor) {
  // relu is idempotent.
  if (getKind() != Activation::relu)
    return {};
  auto producer = getInput().getDefiningOp<ActivationOp>();
  if (producer && producer.getKind() == Activation::relu)
    return getInput();
  return {};
}

//===----------------------------------------------------------------------===//
// AttentionOp
//===----------------------------------------------------------------------===//

int64_t AttentionOp::getHeadDim() {
  int64_t width = tensorType(getQuery()).getShape().back();
  return ShapedType::isDynamic(width) ? width : width / getNumHeads();
}

LogicalResult AttentionOp::verify() {
  int64_t heads = getNumHeads();
  int64_t kvHeads = getNumKvHeads();
  if (heads % kvHeads != 0)
    return emitOpError() << "num_kv_heads (" << kvHeads
                         << ") must divide num_heads (" << heads << ")";
  RankedTensorType q = tensorType(getQuery());
  RankedTensorType k = tensorType(getKey());
  RankedTensorType v = tensorType(getValue());
  for (auto [type, name] : {std::pair<RankedTensorType, StringRef>{q, "query"},
                            {k, "key"},
                            {v, "value"}}) {
    if (type.getRank() != 3)
      return emitOpError() << name
                           << " must be [batch, seq, heads * head_dim], got "
                           << type;
    if (type.getElementType() != q.getElementType())
      return emitOpError() << name << " element type " << type.getElementType()
                           << " differs from the query element type "
                           << q.getElementType();
  }
  if (!dimsAgree(k.getDimSize(0), q.getDimSize(0)) ||
      !dimsAgree(v.getDimSize(0), q.getDimSize(0)))
    return emitOpError("query, key and value must have the same batch size");
  if (Value positions = getPositions()) {
    if (!getCausal())
      return emitOpError("attention over a cache (with positions) must be "
                         "causal");
    RankedTensorType p = tensorType(positions);
    if (p.getRank() != 2 || !dimsAgree(p.getDimSize(0), q.getDimSize(0)) ||
        !dimsAgree(p.getDimSize(1), q.getDimSize(1)))
      return emitOpError() << "positions must be [batch, seq] of the query, "
                              "got "
                           << p;
    if (k.isDynamicDim(1))
      return emitOpError("the cache length (key dimension 1) must be static");
  } else if (!dimsAgree(k.getDimSize(1), q.getDimSize(1)) ||
             !dimsAgree(v.getDimSize(1), q.getDimSize(1))) {
    return emitOpError(
        "query, key and value must have the same sequence length");
  }
  if (Value mask = getKeyMask()) {
    if (getPositions())
      return emitOpError("a key mask over a cache (with positions) is not "
                         "supported");
    RankedTensorType m = tensorType(mask);
    if (m.getRank() != 2 || !dimsAgree(m.getDimSize(0), k.getDimSize(0)) ||
        !dimsAgree(m.getDimSize(1), k.getDimSize(1)))
      return emitOpError() << "key_mask must be [batch, seq] of the keys, got "
                           << m;
  }
  if (k != v)
    return emitOpError() << "key type " << k << " differs from value type "
                         << v;
  int64_t qWidth = q.getDimSize(2);
  if (ShapedType::isDynamic(qWidth))
    return emitOpError("query's last dimension must be static");
  if (qWidth % heads != 0)
    return emitOpError() << "query width " << qWidth
                         << " is not divisible by num_heads (" << heads << ")";
  int64_t expectedKV = kvHeads * (qWidth / heads);
  if (!dimsAgree(k.getDimSize(2), expectedKV))
    return emitOpError() << "key width " << k.getDimSize(2)
                         << " must be num_kv_heads * head_dim = " << expectedKV;
  return success();
}

//===----------------------------------------------------------------------===//
// CacheWriteOp
//===----------------------------------------------------------------------===//

LogicalResult CacheWriteOp::verify() {
  RankedTensorType cache = tensorType(getCache());
  RankedTensorType value = tensorType(getValue());
  RankedTensorType positions = tensorType(getPositions());
  if (cache.getRank() != 3 || cache.isDynamicDim(1))
    return emitOpError() << "cache must be [batch, context, width] with a "
                            "static context, got "
                         << cache;
  if (value.getRank() != 3)
    return emitOpError() << "value must be [batch, seq, width], got " << value;
  if (value.getElementType() != cache.getElementType())
    return emitOpError() << "value element type " << value.getElementType()
                         << " differs from the cache element type "
                         << cache.getElementType();
  if (!dimsAgree(value.getDimSize(0), cache.getDimSize(0)) ||
      !dimsAgree(value.getDimSize(2), cache.getDimSize(2)))
    return emitOpError() << "value " << value
                         << " does not match the batch and width of the cache "
                         << cache;
  if (positions.getRank() != 2 ||
      !dimsAgree(positions.getDimSize(0), value.getDimSize(0)) ||
      !dimsAgree(positions.getDimSize(1), value.getDimSize(1)))
    return emitOpError() << "positions must be [batch, seq] of the value, got "
                         << positions;
  return success();
}

//===----------------------------------------------------------------------===//
// RoPEOp
//===----------------------------------------------------------------------===//

LogicalResult RoPEOp::verify() {
  RankedTensorType x = tensorType(getInput());
  RankedTensorType cos = tensorType(getCos());
  if (x.getRank() != 3)
    return emitOpError() << "input must be [batch, seq, heads * head_dim], got "
                         << x;
  if (cos.getRank() != 2 && cos.getRank() != 3)
    return emitOpError() << "cos and sin must be [seq, head_dim] or "
                            "[batch, seq, head_dim], got "
                         << cos;
  if (cos.getElementType() != x.getElementType())
    return emitOpError() << "cos element type " << cos.getElementType()
                         << " differs from the input element type "
                         << x.getElementType();
  int64_t headDim = cos.getShape().back();
  if (ShapedType::isDynamic(headDim))
    return emitOpError("the head dimension of cos and sin must be static");
  if (headDim % 2 != 0)
    return emitOpError() << "head_dim " << headDim << " must be even";
  int64_t width = x.getDimSize(2);
  if (!ShapedType::isDynamic(width) && width % headDim != 0)
    return emitOpError() << "input width " << width
                         << " is not a multiple of head_dim " << headDim;
  if (Value positions = getPositions()) {
    RankedTensorType p = tensorType(positions);
    if (cos.getRank() != 2)
      return emitOpError() << "with positions, cos and sin must be tables "
                              "[context, head_dim], got "
                           << cos;
    if (p.getRank() != 2 || !dimsAgree(p.getDimSize(0), x.getDimSize(0)) ||
        !dimsAgree(p.getDimSize(1), x.getDimSize(1)))
      return emitOpError() << "positions must be [batch, seq] of the input, "
                              "got "
                           << p;
    return success();
  }
  if (!dimsAgree(cos.getShape()[cos.getRank() - 2], x.getDimSize(1)))
    return emitOpError("cos and sin must have the input's sequence length");
  if (cos.getRank() == 3 && cos.getDimSize(0) != 1 &&
      !dimsAgree(cos.getDimSize(0), x.getDimSize(0)))
    return emitOpError("cos and sin batch must be 1 or the input's batch");
  return success();
}

//===----------------------------------------------------------------------===//
// EmbeddingOp
//===----------------------------------------------------------------------===//

LogicalResult EmbeddingOp::verify() {
  RankedTensorType table = tensorType(getTable());
  if (failed(verifyMatrix(*this, getTable(), "table")))
    return failure();
  SmallVector<int64_t> expected(tensorType(getIds()).getShape());
  expected.push_back(table.getDimSize(1));
  return verifyResult(*this, getOutput(), table.getElementType(), expected);
}

#define GET_OP_CLASSES
#include "ffn/Dialect/FFN/IR/FFNOps.cpp.inc"
