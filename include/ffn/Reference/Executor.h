//===- Executor.h - The CPU reference executor ------------------*- C++ -*-===//
//
// A plain interpreter of a function in the ffn dialect, including the ffn.node
// ops that raising leaves, in fp32 with matmuls through BLAS. It is the oracle
// that tests compare everything else against, so it favours obviousness over
// speed.
//
//===----------------------------------------------------------------------===//

#ifndef FFN_REFERENCE_EXECUTOR_H
#define FFN_REFERENCE_EXECUTOR_H

#include "ffn/Reference/Tensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"

#include <functional>

namespace mlir::ffn::ref {

/// The dtype that stores values of the MLIR element type `type`.
llvm::Expected<DType> dtypeOf(Type type);

/// Converts a constant attribute (dense or dense_resource) to a tensor.
llvm::Expected<Tensor> tensorFromAttr(Attribute attr);

/// Stores a floating-point tensor as a dense_resource attribute of `type`'s
/// element type, under a resource named after `name`.
DenseResourceElementsAttr tensorToAttr(const Tensor &tensor,
                                       RankedTensorType type, StringRef name);

/// Evaluates `value` when it is computed from constants only (a constant,
/// or a slice of one, say).
llvm::Expected<Tensor> evaluateConstant(Value value);

/// Evaluates `value` through its side-effect-free defining ops. `source` is
/// asked first for every value and may supply it or return std::nullopt;
/// block arguments it leaves open are errors. `memo` keeps every result.
using ValueSource =
    llvm::function_ref<std::optional<llvm::Expected<Tensor>>(Value)>;
llvm::Expected<Tensor> evaluateValue(Value value, ValueSource source,
                                     llvm::DenseMap<Value, Tensor> &memo);

class Executor {
public:
  explicit Executor(func::FuncOp func) : func(func) {}

  /// Called after each op executes, with the op, its operands and its
  /// results; the hook may change the results (e.g. to drop an FFN block's
  /// contribution).
  using Hook = std::function<void(Operation *, llvm::ArrayRef<const Tensor *>,
                                  llvm::MutableArrayRef<Tensor>)>;
  void setHook(Hook hook) { this->hook = std::move(hook); }

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
};

/// Evaluates one op on host tensors; used by the executor and by passes that
/// evaluate shape-only subgraphs. `arguments` names function arguments in
/// error messages.
llvm::Expected<std::vector<Tensor>>
evaluateOp(Operation *op, llvm::ArrayRef<const Tensor *> operands);

} // namespace mlir::ffn::ref

#endif // FFN_REFERENCE_EXECUTOR_H
