//===- Executor.h - The CPU reference executor ------------------*- C++ -*-===//
//
// A plain interpreter of a function in the ffn dialect, including the ffn.node
// ops that raising leaves, in fp32 with matmuls through BLAS. It is the oracle
// that tests compare everything else against, so it favours obviousness over
// speed. The op semantics live with the dialect (ffn/Dialect/FFN/Utils);
// this header also brings in those and the .npy helpers.
//
//===----------------------------------------------------------------------===//

#ifndef FFN_REFERENCE_EXECUTOR_H
#define FFN_REFERENCE_EXECUTOR_H

#include "ffn/Dialect/FFN/Utils/Evaluate.h"
#include "ffn/Dialect/FFN/Utils/TensorAttr.h"
#include "ffn/Reference/TensorIO.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <functional>
#include <optional>

namespace mlir::ffn::ref {

/// OpenBLAS's sgemm, as the GemmFn that the executor evaluates with.
void blasGemm(bool transA, bool transB, int64_t m, int64_t n, int64_t k,
              float alpha, const float *a, int64_t lda, const float *b,
              int64_t ldb, float beta, float *c, int64_t ldc);

class Executor {
public:
  explicit Executor(func::FuncOp func) : func(func) {}

  /// Called after each op executes, with the op, its operands and its
  /// results; the hook may change the results (e.g. to drop an FFN block's
  /// contribution).
  using Hook = std::function<void(Operation *, llvm::ArrayRef<const Tensor *>,
                                  llvm::MutableArrayRef<Tensor>)>;
  void setHook(Hook hook) { this->hook = std::move(hook); }

  /// Keeps constants converted from the IR between runs: faster for many
  /// small runs (generation), at the memory of every weight in fp32.
  void keepConstants() { constants.emplace(); }

  /// Checks `inputs` against the function's arguments (count, dtype, rank and
  /// static extents), naming the argument on error.
  llvm::Error checkInputs(llvm::ArrayRef<Tensor> inputs) const;

  /// Runs the function. Errors name the failing op and its location.
  llvm::Expected<std::vector<Tensor>> run(llvm::ArrayRef<Tensor> inputs);

  /// Runs each row of the inputs' first dimension on its own and stacks the
  /// outputs, for models whose shape computations assume a batch of 1.
  llvm::Expected<std::vector<Tensor>> runPerRow(llvm::ArrayRef<Tensor> inputs);

  /// The name of argument `index` (its ffn.name, or argN).
  std::string argumentName(unsigned index) const;
  /// The name of result `index` (its ffn.name, or resultN).
  std::string resultName(unsigned index) const;

private:
  mutable func::FuncOp func;
  Hook hook;
  std::optional<llvm::DenseMap<Operation *, Tensor>> constants;
};

} // namespace mlir::ffn::ref

#endif // FFN_REFERENCE_EXECUTOR_H
