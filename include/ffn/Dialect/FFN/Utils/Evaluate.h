//===- Evaluate.h - Evaluating ffn IR on host tensors -----------*- C++ -*-===//
//
// The semantics of the ffn ops, the ONNX operators that ffn.node carries and
// the upstream ops of the generic tail, on host tensors. Passes evaluate
// constants and shape-only subgraphs with it; the reference executor runs
// whole models with it, supplying a faster matrix product.
//
//===----------------------------------------------------------------------===//

#ifndef FFN_DIALECT_FFN_UTILS_EVALUATE_H
#define FFN_DIALECT_FFN_UTILS_EVALUATE_H

#include "ffn/Dialect/FFN/Utils/Tensor.h"

#include "mlir/IR/Operation.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/Error.h"

#include <optional>

namespace mlir::ffn::ref {

/// The matrix product that every matmul goes through, with cblas_sgemm's
/// contract in row-major order: C[m, n] = alpha · op(A) · op(B) + beta · C,
/// op(X) = Xᵀ when transposed; with beta = 0, C is not read.
using GemmFn = void (*)(bool transA, bool transB, int64_t m, int64_t n,
                        int64_t k, float alpha, const float *a, int64_t lda,
                        const float *b, int64_t ldb, float beta, float *c,
                        int64_t ldc);

/// A plain loop in a cache-friendly order: the default, which keeps this
/// library free of BLAS.
void plainGemm(bool transA, bool transB, int64_t m, int64_t n, int64_t k,
               float alpha, const float *a, int64_t lda, const float *b,
               int64_t ldb, float beta, float *c, int64_t ldc);

/// The op as the user knows it: the ONNX node it came from (its name
/// location) and, for raised ops, what it became.
std::string describeOp(Operation *op);

/// describeOp with the ONNX type of a generic node: "node 'n' (Reshape)".
std::string describeNode(Operation *op);

/// " while evaluating " and the op evaluateOp is working on in this thread,
/// or "": for out-of-memory reports.
std::string evaluationContext();

/// Evaluates one op on host tensors, one per operand.
llvm::Expected<std::vector<Tensor>>
evaluateOp(Operation *op, llvm::ArrayRef<const Tensor *> operands,
           GemmFn gemm = plainGemm);

/// Evaluates `value` through its side-effect-free defining ops. `source` is
/// asked first for every value and may supply it or return std::nullopt;
/// block arguments it leaves open are errors. `memo` keeps every result.
using ValueSource =
    llvm::function_ref<std::optional<llvm::Expected<Tensor>>(Value)>;
llvm::Expected<Tensor> evaluateValue(Value value, ValueSource source,
                                     llvm::DenseMap<Value, Tensor> &memo);

/// Evaluates `value` when it is computed from constants only (a constant,
/// or a slice of one, say).
llvm::Expected<Tensor> evaluateConstant(Value value);

} // namespace mlir::ffn::ref

#endif // FFN_DIALECT_FFN_UTILS_EVALUATE_H
