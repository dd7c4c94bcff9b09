//===- Generate.h - Greedy generation on the reference executor -*- C++ -*-===//
//
// Two ways to generate the same tokens: stepping a function rewritten by
// ffn-kv-cache (prefill, then one token per step against the cache), and the
// oracle that reruns the plain forward on the whole sequence for every new
// token. Sequences run one at a time.
//
//===----------------------------------------------------------------------===//

#ifndef FFN_REFERENCE_GENERATE_H
#define FFN_REFERENCE_GENERATE_H

#include "ffn/Dialect/FFN/Utils/Tensor.h"
#include "ffn/Runtime/Sampling.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/Error.h"

namespace mlir::ffn::ref {

/// What a generation produced.
struct Generation {
  /// int64 [batch, prompt width + new tokens]: each prompt followed by its
  /// new tokens, right-padded with -1.
  Tensor tokens;
  /// Seconds from each sequence's start to its first new token.
  std::vector<double> firstToken;
  /// Seconds of every later step, all sequences together.
  std::vector<double> steps;
};

/// The length of each prompt row: prompts are int64 [batch, length], rows
/// right-padded with -1. Errors name the row that is empty or has a
/// negative id before its padding.
llvm::Expected<std::vector<int64_t>> promptLengths(const Tensor &prompts);

/// Generation of `newTokens` per sequence through `step`, a function
/// rewritten by ffn-kv-cache, each token picked as `sampling` says (the
/// runtime's rule and random stream).
llvm::Expected<Generation>
generateCached(func::FuncOp step, const Tensor &prompts, int64_t newTokens,
               const ::ffnrt::SamplingOptions &sampling);

/// The same by running `forward`, the plain forward, on the whole sequence
/// for each new token.
llvm::Expected<Generation>
generateByRecomputation(func::FuncOp forward, const Tensor &prompts,
                        int64_t newTokens,
                        const ::ffnrt::SamplingOptions &sampling);

} // namespace mlir::ffn::ref

#endif // FFN_REFERENCE_GENERATE_H
