//===- Executor.cpp - The CPU reference executor --------------------------===//

#include "ffn/Reference/Executor.h"
#include "ffn/Dialect/FFN/IR/FFNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include "llvm/Support/FormatVariadic.h"

#include <cblas.h>

using namespace mlir;
using namespace mlir::ffn;
using namespace mlir::ffn::ref;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

void mlir::ffn::ref::blasGemm(bool transA, bool transB, int64_t m, int64_t n,
                              int64_t k, float alpha, const float *a,
                              int64_t lda, const float *b, int64_t ldb,
                              float beta, float *c, int64_t ldc) {
  cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans,
              transB ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda, b,
              ldb, beta, c, ldc);
}

std::string Executor::argumentName(unsigned index) const {
  if (auto name = func.getArgAttrOfType<StringAttr>(index, "ffn.name"))
    return name.str();
  return "arg" + std::to_string(index);
}

std::string Executor::resultName(unsigned index) const {
  if (auto name = func.getResultAttrOfType<StringAttr>(index, "ffn.name"))
    return name.str();
  return "result" + std::to_string(index);
}

static std::string typeString(DType dtype, ArrayRef<int64_t> shape) {
  std::string s = std::string(dtypeName(dtype)) + " [";
  for (size_t k = 0; k < shape.size(); ++k)
    s += (k ? ", " : "") +
         (ShapedType::isDynamic(shape[k]) ? std::string("?")
                                          : std::to_string(shape[k]));
  return s + "]";
}

llvm::Error Executor::checkInputs(llvm::ArrayRef<Tensor> inputs) const {
  if (inputs.size() != func.getNumArguments())
    return makeError(llvm::formatv("the model takes {0} input(s), {1} given",
                                   func.getNumArguments(), inputs.size()));
  for (auto [index, arg] : llvm::enumerate(func.getArguments())) {
    auto type = cast<RankedTensorType>(arg.getType());
    auto dtype = dtypeOf(type.getElementType());
    if (!dtype)
      return dtype.takeError();
    const Tensor &t = inputs[index];
    bool ok = t.dtype() == *dtype && t.rank() == type.getRank();
    for (int64_t k = 0; ok && k < t.rank(); ++k)
      ok = type.isDynamicDim(k) || type.getDimSize(k) == t.dim(k);
    if (!ok)
      return makeError("input '" + argumentName(index) + "' must be " +
                       typeString(*dtype, type.getShape()) + ", got " +
                       typeString(t.dtype(), t.shape()));
    // A run over nothing would "succeed" with empty outputs.
    for (int64_t k = 0; k < t.rank(); ++k)
      if (type.isDynamicDim(k) && t.dim(k) == 0)
        return makeError(llvm::formatv("input '{0}' is empty along dimension "
                                       "{1}: {2}",
                                       argumentName(index), k,
                                       typeString(t.dtype(), t.shape())));
  }
  return llvm::Error::success();
}

llvm::Expected<std::vector<Tensor>>
Executor::run(llvm::ArrayRef<Tensor> inputs) {
  if (llvm::Error error = checkInputs(inputs))
    return std::move(error);
  Block &body = func.getBody().front();

  // Free every value after its last use to keep memory at the working set.
  llvm::DenseMap<Value, Operation *> lastUse;
  for (Operation &op : body)
    for (Value operand : op.getOperands())
      lastUse[operand] = &op;

  llvm::DenseMap<Value, Tensor> values;
  for (auto [arg, tensor] : llvm::zip(body.getArguments(), inputs))
    values[arg] = tensor;

  // Kept constants are read where they are kept.
  auto find = [&](Value v) -> const Tensor * {
    if (constants)
      if (auto kept = constants->find(v.getDefiningOp());
          kept != constants->end())
        return &kept->second;
    return &values[v];
  };

  for (Operation &op : body) {
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      std::vector<Tensor> results;
      for (Value v : ret.getOperands())
        results.push_back(*find(v));
      return results;
    }
    if (constants && isa<arith::ConstantOp>(op)) {
      auto [kept, fresh] = constants->try_emplace(&op);
      if (fresh) {
        auto results = evaluateOp(&op, {}, blasGemm);
        if (!results)
          return results.takeError();
        kept->second = std::move(results->front());
      }
      continue;
    }
    std::vector<const Tensor *> operands;
    for (Value operand : op.getOperands())
      operands.push_back(find(operand));
    auto results = evaluateOp(&op, operands, blasGemm);
    if (!results) {
      std::string message = llvm::toString(results.takeError());
      // Name the model input behind an out-of-range token id.
      if (auto embedding = dyn_cast<EmbeddingOp>(op))
        if (auto arg = dyn_cast<BlockArgument>(embedding.getIds()))
          message += " in input '" + argumentName(arg.getArgNumber()) + "'";
      return makeError(describeOp(&op) + ": " + message);
    }
    if (hook)
      hook(&op, operands, *results);
    for (auto [result, tensor] : llvm::zip(op.getResults(), *results))
      values[result] = std::move(tensor);
    for (Value operand : op.getOperands())
      if (lastUse.lookup(operand) == &op)
        values.erase(operand);
  }
  return makeError("function has no return");
}

llvm::Expected<std::vector<Tensor>>
Executor::runPerRow(llvm::ArrayRef<Tensor> inputs) {
  int64_t rows = inputs.empty() || inputs[0].rank() == 0 ? 0 : inputs[0].dim(0);
  for (const Tensor &input : inputs)
    if (input.rank() == 0 || input.dim(0) != rows)
      return makeError("running per row needs inputs with the same first "
                       "dimension");
  std::vector<Tensor> stacked;
  for (int64_t r = 0; r < rows; ++r) {
    std::vector<Tensor> slice;
    for (const Tensor &input : inputs)
      slice.push_back(rowOf(input, r));
    auto results = run(slice);
    if (!results)
      return results.takeError();
    if (r == 0) {
      for (const Tensor &result : *results) {
        std::vector<int64_t> shape(result.shape().begin(),
                                   result.shape().end());
        shape[0] = rows;
        stacked.emplace_back(result.dtype(), shape);
      }
    }
    for (auto [all, one] : llvm::zip(stacked, *results)) {
      int64_t size = one.numElements();
      if (one.isFloat())
        std::copy(one.f().begin(), one.f().end(), all.f().begin() + r * size);
      else
        std::copy(one.i().begin(), one.i().end(), all.i().begin() + r * size);
    }
  }
  return stacked;
}
