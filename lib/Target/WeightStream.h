//===- WeightStream.h - What the plan reader shares with it -*- C++ -*-===//

#ifndef LIB_TARGET_WEIGHTSTREAM_H
#define LIB_TARGET_WEIGHTSTREAM_H

#include "ffn/Dialect/Plan/IR/PlanOps.h"

#include "llvm/Support/Error.h"

namespace mlir::ffn::artifact {

/// Reports `message` at `op`; the error returned only unwinds the caller.
llvm::Error errorAt(Operation *op, const Twine &message);

/// The bytes of `weight` in the sidecar.
uint64_t storedBytes(plan::WeightOp weight);

/// Checks that every constant of `weight` can be read and converted, so
/// that the plan is refused before anything streams.
llvm::Error checkWeightSources(plan::WeightOp weight);

} // namespace mlir::ffn::artifact

#endif // LIB_TARGET_WEIGHTSTREAM_H
