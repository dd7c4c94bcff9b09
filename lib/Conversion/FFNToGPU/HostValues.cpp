//===- HostValues.cpp - Values the host computes once ---------------------===//
//
// Before the ops are converted, every operand that the GPU does not compute
// is given a value on the host:
//  - computed from constants only: folded into an arith.constant;
//  - computed from the input's shape only (RoPE's cos/sin, position ids):
//    evaluated for the longest sequence into an ffnrt.table, which a kernel
//    reads by position. That is valid only if shorter sequences give a
//    prefix of it, which is checked numerically.
// Target shapes of Reshapes are left alone: the lowering does not read them.
//
//===----------------------------------------------------------------------===//

#include "HostValues.h"

#include "ffn/Dialect/FFN/IR/FFNOps.h"
#include "ffn/Dialect/FFN/Utils/Evaluate.h"
#include "ffn/Dialect/FFN/Utils/TensorAttr.h"
#include "ffn/Dialect/Plan/IR/PlanOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::ffn;
using ref::Tensor;

bool mlir::ffn::onlyShapesReshapes(Value v) {
  return llvm::all_of(v.getUses(), [](OpOperand &use) {
    auto node = dyn_cast<NodeOp>(use.getOwner());
    if (!node)
      return false;
    if (node.getOpType() == "Reshape")
      return use.getOperandNumber() == 1;
    return node->getNumResults() &&
           llvm::all_of(node->getResults(), onlyShapesReshapes);
  });
}

namespace {

bool isShapeSource(Operation *op) {
  if (auto node = dyn_cast<NodeOp>(op))
    return node.getOpType() == "Shape";
  return isa<tensor::DimOp>(op);
}

class HostValues {
public:
  HostValues(func::FuncOp func, int64_t maxTokens)
      : func(func), maxTokens(maxTokens) {}

  LogicalResult run(int64_t &maxSeq);

private:
  bool isConstant(Value v);
  bool isSequenceTable(Value v);
  FailureOr<Tensor> evaluateAt(Operation *user, Value v, int64_t seq);
  FailureOr<Tensor> sequenceTable(Operation *user, Value v, int64_t &maxSeq);
  ElementsAttr toAttr(const Tensor &t, RankedTensorType like, StringRef name);

  func::FuncOp func;
  int64_t maxTokens;
  llvm::DenseMap<Value, bool> constantMemo, tableMemo;
  llvm::DenseMap<Value, Tensor> constants;
  unsigned counter = 0;
};

bool HostValues::isConstant(Value v) {
  if (auto it = constantMemo.find(v); it != constantMemo.end())
    return it->second;
  Operation *op = v.getDefiningOp();
  bool result = op && !op->getNumRegions() && isMemoryEffectFree(op) &&
                !isShapeSource(op) &&
                llvm::all_of(op->getOperands(), [&](Value operand) {
                  return isConstant(operand);
                });
  return constantMemo[v] = result;
}

bool HostValues::isSequenceTable(Value v) {
  if (auto it = tableMemo.find(v); it != tableMemo.end())
    return it->second;
  Operation *op = v.getDefiningOp();
  bool result = false;
  if (op && !op->getNumRegions() && isMemoryEffectFree(op)) {
    // A shape reads no values; anything else needs a table among operands
    // that are all tables or constants.
    result = isShapeSource(op) ||
             (llvm::any_of(op->getOperands(),
                           [&](Value o) { return !isConstant(o); }) &&
              llvm::all_of(op->getOperands(), [&](Value o) {
                return isConstant(o) || isSequenceTable(o);
              }));
  }
  return tableMemo[v] = result;
}

/// Evaluates `v` for an input of [1, seq]: only the ids' shape is read.
FailureOr<Tensor> HostValues::evaluateAt(Operation *user, Value v,
                                         int64_t seq) {
  llvm::DenseMap<Value, Tensor> memo;
  auto t = ref::evaluateValue(
      v,
      [&](Value value) -> std::optional<llvm::Expected<Tensor>> {
        if (isConstant(value)) {
          if (auto it = constants.find(value); it != constants.end())
            return llvm::Expected<Tensor>(it->second);
          auto c = ref::evaluateConstant(value);
          if (c)
            constants[value] = *c;
          return c;
        }
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
  if (!t) {
    user->emitError(llvm::toString(t.takeError()));
    return failure();
  }
  return std::move(*t);
}

/// The table at the longest sequence, checked to hold shorter sequences'
/// tables as prefixes along its sequence axis.
FailureOr<Tensor> HostValues::sequenceTable(Operation *user, Value v,
                                            int64_t &maxSeq) {
  auto tighten = [&](int64_t limit) {
    maxSeq = maxSeq ? std::min(maxSeq, limit) : limit;
  };
  // The longest sequence the table can be computed for: max-tokens, or less
  // where the model's own tables end (then that is the model's limit).
  FailureOr<Tensor> full;
  {
    // Probing lengths that the model cannot serve fails by design.
    ScopedDiagnosticHandler quiet(func.getContext(),
                                  [](Diagnostic &) { return success(); });
    full = evaluateAt(user, v, maxTokens);
    if (failed(full)) {
      int64_t lo = 5, hi = maxTokens;
      if (succeeded(evaluateAt(user, v, lo))) {
        while (hi - lo > 1) {
          int64_t mid = lo + (hi - lo) / 2;
          (succeeded(evaluateAt(user, v, mid)) ? lo : hi) = mid;
        }
        full = evaluateAt(user, v, lo);
        tighten(lo);
      }
    }
  }
  if (failed(full))
    return evaluateAt(user, v, 5); // reports why
  int64_t axis = -1;
  for (int64_t seq : {int64_t(1), int64_t(5)}) {
    FailureOr<Tensor> part = evaluateAt(user, v, seq);
    if (failed(part))
      return failure();
    bool prefix = part->rank() == full->rank();
    for (int64_t k = 0; prefix && k < full->rank(); ++k) {
      if (part->dim(k) == full->dim(k))
        continue;
      prefix =
          part->dim(k) == seq && full->dim(k) > seq && (axis < 0 || axis == k);
      axis = k;
    }
    // Only a leading sequence axis (after unit dims) keeps rows contiguous.
    for (int64_t k = 0; prefix && k < axis; ++k)
      prefix = full->dim(k) == 1;
    for (int64_t e = 0; prefix && e < part->numElements(); ++e)
      prefix = part->getDouble(e) == full->getDouble(e);
    if (!prefix) {
      user->emitError(ref::describeNode(user) +
                      ": an operand computed from the sequence length "
                      "is not a fixed table read by position (its "
                      "values at seq ")
          << seq
          << " are not the first rows of the longest sequence's); it cannot "
             "run on the GPU";
      return failure();
    }
  }
  // The table's extent along the sequence axis bounds the sequence length
  // (learned position embeddings, say).
  if (axis >= 0 && full->dim(axis) < maxTokens)
    tighten(full->dim(axis));
  return full;
}

ElementsAttr HostValues::toAttr(const Tensor &t, RankedTensorType like,
                                StringRef name) {
  auto type = RankedTensorType::get(t.shape(), like.getElementType());
  if (isa<FloatType>(type.getElementType()))
    return ref::tensorToAttr(t, type, name);
  unsigned width = type.getElementType().getIntOrFloatBitWidth();
  SmallVector<APInt> values;
  for (int64_t e = 0; e < t.numElements(); ++e)
    values.push_back(APInt(width, t.getInt(e), /*isSigned=*/true));
  return DenseElementsAttr::get(type, values);
}

LogicalResult HostValues::run(int64_t &maxSeq) {
  IRRewriter rewriter(func.getContext());
  SmallVector<Operation *> ops;
  for (Operation &op : func.getBody().front())
    ops.push_back(&op);
  for (Operation *user : ops) {
    if (llvm::all_of(user->getResults(),
                     [&](Value r) {
                       return isConstant(r) || isSequenceTable(r) ||
                              onlyShapesReshapes(r);
                     }) &&
        user->getNumResults())
      continue;
    for (OpOperand &use : user->getOpOperands()) {
      Value v = use.get();
      if (onlyShapesReshapes(v))
        continue;
      auto type = dyn_cast<RankedTensorType>(v.getType());
      if (!type || v.getDefiningOp<arith::ConstantOp>() ||
          v.getDefiningOp<plan::TableOp>())
        continue;
      bool table = !isConstant(v);
      if (table && !isSequenceTable(v))
        continue;
      FailureOr<Tensor> t;
      if (table) {
        t = sequenceTable(user, v, maxSeq);
      } else if (auto it = constants.find(v); it != constants.end()) {
        t = it->second;
      } else {
        auto c = ref::evaluateConstant(v);
        if (!c)
          return user->emitError(llvm::toString(c.takeError()));
        t = std::move(*c);
      }
      if (failed(t))
        return failure();
      rewriter.setInsertionPointAfterValue(v);
      std::string name = "ffn_host_" + std::to_string(counter++);
      ElementsAttr data = toAttr(*t, type, name);
      Value host;
      if (table) {
        host = plan::TableOp::create(rewriter, v.getLoc(), type, data);
      } else {
        host = arith::ConstantOp::create(rewriter, v.getLoc(),
                                         cast<TypedAttr>(data));
        if (host.getType() != type)
          host = tensor::CastOp::create(rewriter, v.getLoc(), type, host);
      }
      rewriter.replaceAllUsesWith(v, host);
    }
  }
  // What only computed host values is dead now.
  for (Operation &op :
       llvm::make_early_inc_range(llvm::reverse(func.getBody().front())))
    if (op.use_empty() && isMemoryEffectFree(&op) &&
        !op.hasTrait<OpTrait::IsTerminator>())
      rewriter.eraseOp(&op);
  return success();
}

} // namespace

LogicalResult mlir::ffn::materializeHostValues(func::FuncOp func,
                                               int64_t maxTokens,
                                               int64_t &maxSeq) {
  return HostValues(func, maxTokens).run(maxSeq);
}
