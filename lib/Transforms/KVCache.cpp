//===- KVCache.cpp - One step of cached generation from a plain forward ---===//
//
// The exporter's forward recomputes every position; generation wants a step
// over new tokens only. Attention is the one place where positions meet, so
// it reads and writes a cache; everything computed from the sequence length
// alone becomes a table looked up by position.
//
//===----------------------------------------------------------------------===//

#include "ffn/Dialect/FFN/IR/FFNOps.h"
#include "ffn/Dialect/FFN/Utils/Evaluate.h"
#include "ffn/Dialect/FFN/Utils/TensorAttr.h"
#include "ffn/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/FormatVariadic.h"

namespace mlir::ffn {
#define GEN_PASS_DEF_FFNKVCACHE
#include "ffn/Transforms/Passes.h.inc"
} // namespace mlir::ffn

using namespace mlir;
using namespace mlir::ffn;

namespace {

/// What a value is computed from.
enum class Source { Constant, Length, Data };

/// Classifies every value of `body`: shapes of tensors with dynamic extents
/// (ONNX Shape, tensor.dim) depend on the sequence length only; the
/// arguments are data; anything else takes the strongest of its operands.
llvm::DenseMap<Value, Source> classify(Block &body) {
  llvm::DenseMap<Value, Source> sources;
  for (BlockArgument arg : body.getArguments())
    sources[arg] = Source::Data;
  for (Operation &op : body) {
    Source source = Source::Constant;
    auto node = dyn_cast<NodeOp>(op);
    if ((node && node.getOpType() == "Shape") || isa<tensor::DimOp>(op)) {
      if (!cast<ShapedType>(op.getOperand(0).getType()).hasStaticShape())
        source = Source::Length;
    } else {
      for (Value operand : op.getOperands())
        source = std::max(source, sources.lookup(operand));
    }
    for (Value result : op.getResults())
      sources[result] = source;
  }
  return sources;
}

struct KVCachePass : public ffn::impl::FFNKVCacheBase<KVCachePass> {
  using FFNKVCacheBase::FFNKVCacheBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (maxContext <= 0) {
      func.emitError("ffn-kv-cache needs max-context > 0");
      return signalPassFailure();
    }
    if (maxBatch < 1) {
      func.emitError("ffn-kv-cache needs max-batch >= 1");
      return signalPassFailure();
    }
    if (failed(checkSignature(func)) || failed(tabulatePositions(func)) ||
        failed(addCaches(func)))
      return signalPassFailure();
    Type i64 = IntegerType::get(&getContext(), 64);
    func->setAttr(kMaxContextAttr, IntegerAttr::get(i64, maxContext));
    func->setAttr(kMaxSequencesAttr, IntegerAttr::get(i64, maxBatch));
  }

  /// Token ids in, logits (output 0) out.
  LogicalResult checkSignature(func::FuncOp func) {
    if (func.getNumArguments() != 1) {
      auto diag = func.emitError()
                  << "generation needs a model whose only input is the token "
                     "ids; this one takes "
                  << func.getNumArguments() << " inputs";
      return diag;
    }
    auto ids = cast<RankedTensorType>(func.getArgument(0).getType());
    if (ids.getRank() != 2 || !ids.getElementType().isInteger())
      return func.emitError() << "generation needs token ids [batch, seq], "
                                 "got "
                              << ids;
    if (maxBatch > 1 && !ids.isDynamicDim(0))
      return func.emitError()
             << "max-batch " << maxBatch.getValue()
             << " needs token ids exported with a dynamic batch, got " << ids;
    auto logits = func.getNumResults()
                      ? dyn_cast<RankedTensorType>(func.getResultTypes()[0])
                      : RankedTensorType();
    if (!logits || logits.getRank() != 3 ||
        !isa<FloatType>(logits.getElementType()))
      return func.emitError("generation needs logits [batch, seq, vocab] as "
                            "output 0");
    return success();
  }

  /// The position_ids argument, created on first use.
  Value positions(func::FuncOp func) {
    if (func.getNumArguments() > 1)
      return func.getArgument(1);
    auto ids = cast<RankedTensorType>(func.getArgument(0).getType());
    auto type = ids.clone(IntegerType::get(func.getContext(), 64));
    if (failed(func.insertArgument(1, type, {}, func.getLoc())))
      return Value();
    func.setArgAttr(1, "ffn.name",
                    StringAttr::get(func.getContext(), "position_ids"));
    if (Attribute dims = func.getArgAttr(0, "ffn.dims"))
      func.setArgAttr(1, "ffn.dims", dims);
    return func.getArgument(1);
  }

  /// Evaluates `value` as the forward would for `length` tokens.
  FailureOr<ref::Tensor>
  evaluateAt(Value value, int64_t length,
             const llvm::DenseMap<Value, Source> &sources, func::FuncOp func) {
    BlockArgument ids = func.getArgument(0);
    auto source = [&](Value v) -> std::optional<llvm::Expected<ref::Tensor>> {
      if (v == ids) {
        int64_t batch = cast<RankedTensorType>(ids.getType()).getDimSize(0);
        return ref::Tensor(ref::DType::I64,
                           {ShapedType::isDynamic(batch) ? 1 : batch, length});
      }
      if (sources.lookup(v) == Source::Data)
        return llvm::createStringError(
            "it reads the shape of a computed tensor, which the rewrite "
            "does not follow");
      return std::nullopt;
    };
    llvm::DenseMap<Value, ref::Tensor> memo;
    llvm::Expected<ref::Tensor> result =
        ref::evaluateValue(value, source, memo);
    if (!result) {
      value.getDefiningOp()->emitError()
          << "cannot tabulate this function of the token position for "
          << length << " tokens: " << llvm::toString(result.takeError());
      return failure();
    }
    return std::move(*result);
  }

  /// Replaces each tensor computed from the sequence length alone that
  /// feeds data by a lookup of a max-context table at position_ids.
  LogicalResult tabulatePositions(func::FuncOp func) {
    Block &body = func.getBody().front();
    llvm::DenseMap<Value, Source> sources = classify(body);
    llvm::SetVector<Value> tables;
    for (Operation &op : body) {
      bool feedsData = isa<func::ReturnOp>(op) ||
                       llvm::any_of(op.getResults(), [&](Value r) {
                         return sources.lookup(r) == Source::Data;
                       });
      if (!feedsData)
        continue;
      // Static operands (shape vectors, say) are the same at every length.
      for (Value operand : op.getOperands())
        if (sources.lookup(operand) == Source::Length &&
            !cast<ShapedType>(operand.getType()).hasStaticShape())
          tables.insert(operand);
    }

    OpBuilder b(func.getContext());
    int64_t context = maxContext;
    llvm::MapVector<Value, Value> constants;
    for (auto [index, tabulated] : llvm::enumerate(tables)) {
      Value value = tabulated;
      auto type = cast<RankedTensorType>(value.getType());
      Operation *def = value.getDefiningOp();
      if (type.getRank() != 3 || type.getDimSize(0) != 1 ||
          !type.isDynamicDim(1) || type.isDynamicDim(2) ||
          !isa<FloatType>(type.getElementType()))
        return def->emitError()
               << "this function of the sequence length, " << type
               << ", is not a [1, seq, d] table of positions; generation "
                  "cannot look it up by position";
      FailureOr<ref::Tensor> table = evaluateAt(value, context, sources, func);
      if (failed(table))
        return failure();
      // Row s must not depend on how many tokens there are.
      for (int64_t shorter : {int64_t(1), context - 1}) {
        if (shorter < 1 || shorter >= context)
          continue;
        FailureOr<ref::Tensor> prefix =
            evaluateAt(value, shorter, sources, func);
        if (failed(prefix))
          return failure();
        if (prefix->dim(1) != shorter || table->dim(1) != context ||
            !std::equal(prefix->f().begin(), prefix->f().end(),
                        table->f().begin()))
          return def->emitError()
                 << "this function of the sequence length is not the same "
                    "at each position for "
                 << shorter << " and " << context
                 << " tokens; generation cannot look it up by position";
      }
      b.setInsertionPointAfter(def);
      auto tableType = RankedTensorType::get({context, type.getDimSize(2)},
                                             type.getElementType());
      constants[value] = arith::ConstantOp::create(
          b, value.getLoc(),
          ref::tensorToAttr(*table, tableType,
                            llvm::formatv("positions.{0}", index).str()));
    }
    return lookUpTables(func, constants);
  }

  /// RoPE reads its tables at the positions itself; other uses of a table
  /// look it up with ffn.embedding.
  LogicalResult lookUpTables(func::FuncOp func,
                             const llvm::MapVector<Value, Value> &constants) {
    if (constants.empty())
      return success();
    Value pos = positions(func);
    OpBuilder b(func.getContext());
    SmallVector<RoPEOp> ropes;
    func.walk([&](RoPEOp op) {
      if (constants.count(op.getCos()) && constants.count(op.getSin()))
        ropes.push_back(op);
    });
    for (RoPEOp op : ropes) {
      b.setInsertionPoint(op);
      auto rope = RoPEOp::create(b, op.getLoc(), op.getType(), op.getInput(),
                                 constants.lookup(op.getCos()),
                                 constants.lookup(op.getSin()), pos);
      if (failed(mlir::verify(rope)))
        return failure();
      op.replaceAllUsesWith(rope.getOutput());
      op.erase();
    }
    for (auto [value, constant] : constants) {
      if (value.use_empty())
        continue;
      b.setInsertionPointAfter(constant.getDefiningOp());
      auto lookup = EmbeddingOp::create(b, value.getLoc(), value.getType(),
                                        constant, pos);
      if (failed(mlir::verify(lookup)))
        return failure();
      value.replaceAllUsesWith(lookup.getOutput());
    }
    return success();
  }

  /// Gives each attention a key and a value cache.
  LogicalResult addCaches(func::FuncOp func) {
    Value pos = positions(func);
    if (!pos)
      return failure();
    SmallVector<AttentionOp> attentions;
    func.walk([&](AttentionOp op) { attentions.push_back(op); });
    MLIRContext *ctx = func.getContext();
    auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
    SmallVector<Value> written;
    OpBuilder b(ctx);
    for (auto [layer, op] : llvm::enumerate(attentions)) {
      if (!op.getCausal() || op.getPositions())
        return op.emitError("generation needs causal attention over the "
                            "sequence; this attention is not causal");
      if (op.getKeyMask())
        return op.emitError("generation with a key mask (an attention_mask "
                            "input) is not supported");
      auto kv = cast<RankedTensorType>(op.getKey().getType());
      auto cacheType = RankedTensorType::get(
          {kv.getDimSize(0), maxContext, kv.getDimSize(2)},
          kv.getElementType());
      b.setInsertionPoint(op);
      SmallVector<Value, 2> caches;
      for (auto [name, fresh] :
           {std::pair<StringRef, Value>{"key", op.getKey()},
            {"value", op.getValue()}}) {
        unsigned index = func.getNumArguments();
        if (failed(func.insertArgument(index, cacheType, {}, op.getLoc())))
          return failure();
        std::string argName = llvm::formatv("cache.{0}.{1}", layer, name);
        func.setArgAttr(index, "ffn.name", StringAttr::get(ctx, argName));
        auto write = CacheWriteOp::create(b, op.getLoc(), cacheType, fresh,
                                          func.getArgument(index), pos);
        caches.push_back(write);
        written.push_back(write);
        auto named = b.getDictionaryAttr(
            b.getNamedAttr("ffn.name", StringAttr::get(ctx, argName)));
        if (failed(func.insertResult(func.getNumResults(), cacheType, named)))
          return failure();
      }
      auto cached = AttentionOp::create(
          b, op.getLoc(), op.getType(), op.getQuery(), caches[0], caches[1],
          pos, /*key_mask=*/Value(), op.getNumHeads(), op.getNumKvHeads(),
          op.getScale(),
          /*causal=*/true);
      if (failed(mlir::verify(cached)))
        return failure();
      op.replaceAllUsesWith(cached.getOutput());
      op.erase();
    }
    SmallVector<Value> results(ret.getOperands());
    results.append(written);
    ret->setOperands(results);
    eraseDeadOps(func);
    return success();
  }

  /// Shape computations that fed only the replaced tensors.
  void eraseDeadOps(func::FuncOp func) {
    SmallVector<Operation *> ops;
    for (Operation &op : func.getBody().front().without_terminator())
      ops.push_back(&op);
    for (Operation *op : llvm::reverse(ops))
      if (op->use_empty() && isPure(op))
        op->erase();
  }
};

} // namespace
