//===- HostValues.h - Values the host computes once -------------*- C++ -*-===//

#ifndef LIB_CONVERSION_FFNTOGPU_HOSTVALUES_H
#define LIB_CONVERSION_FFNTOGPU_HOSTVALUES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace mlir::ffn {

/// Replaces every operand computed from constants by an arith.constant and
/// every operand computed from the input's shape by an ffnrt.table for
/// sequences up to `maxTokens`, then erases what only computed them. A
/// table that ends before `maxTokens` lowers `maxSeq` (0: unbounded).
/// Whether `v` only computes target shapes of Reshapes. The GPU lowering
/// never reads them: a reshape it accepts keeps the rows of its input (same
/// feature dimension, same element count) and aliases the buffer.
bool onlyShapesReshapes(Value v);

LogicalResult materializeHostValues(func::FuncOp func, int64_t maxTokens,
                                    int64_t &maxSeq);

} // namespace mlir::ffn

#endif // LIB_CONVERSION_FFNTOGPU_HOSTVALUES_H
