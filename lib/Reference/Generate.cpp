//===- Generate.cpp - Greedy generation on the reference executor ---------===//

#include "ffn/Reference/Generate.h"
#include "ffn/Reference/Executor.h"
#include "ffn/Runtime/Prompts.h"

#include "llvm/Support/FormatVariadic.h"

#include <chrono>
#include <numeric>

using namespace mlir;
using namespace mlir::ffn;
using namespace mlir::ffn::ref;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

llvm::Expected<std::vector<int64_t>>
mlir::ffn::ref::promptLengths(const Tensor &prompts) {
  if (prompts.rank() != 2 || prompts.isFloat())
    return makeError("prompts must be integer ids [batch, length], got " +
                     std::string(dtypeName(prompts.dtype())) + " " +
                     prompts.shapeString());
  std::vector<int64_t> lengths;
  for (int64_t b = 0, width = prompts.dim(1); b < prompts.dim(0); ++b) {
    const int64_t *row = prompts.i().data() + b * width;
    if (std::string why = ::ffnrt::promptProblem(row, width, b); !why.empty())
      return makeError(why);
    lengths.push_back(::ffnrt::promptLength(row, width));
  }
  return lengths;
}

namespace {

/// Runs a sequence whose first `fed` tokens the model has already seen and
/// returns its logits [1, new tokens, vocab].
using Step = std::function<llvm::Expected<Tensor>(
    llvm::ArrayRef<int64_t> sequence, int64_t fed)>;

/// Ids as an int64 [1, n] tensor.
Tensor idsOf(llvm::ArrayRef<int64_t> ids) {
  Tensor t(DType::I64, {1, static_cast<int64_t>(ids.size())});
  std::copy(ids.begin(), ids.end(), t.i().begin());
  return t;
}

/// The next token from the last row of `logits`.
int64_t pickFromLastRow(const Tensor &logits, ::ffnrt::Sampler &sampler) {
  int64_t vocab = logits.dim(-1), base = logits.numElements() - vocab;
  std::vector<float> row(vocab);
  for (int64_t k = 0; k < vocab; ++k)
    row[k] = logits.getDouble(base + k);
  return sampler.next(row.data(), vocab);
}

llvm::Expected<Generation> generate(const Tensor &prompts, int64_t newTokens,
                                    const ::ffnrt::SamplingOptions &sampling,
                                    const Step &step) {
  if (std::string why = ::ffnrt::samplingProblem(sampling); !why.empty())
    return makeError(why);
  ::ffnrt::Sampler sampler(sampling);
  auto lengths = promptLengths(prompts);
  if (!lengths)
    return lengths.takeError();
  int64_t batch = prompts.dim(0);
  Generation result;
  result.tokens = Tensor(DType::I64, {batch, prompts.dim(1) + newTokens});
  std::fill(result.tokens.i().begin(), result.tokens.i().end(), -1);
  for (int64_t b = 0; b < batch; ++b) {
    std::vector<int64_t> sequence(prompts.i().begin() + b * prompts.dim(1),
                                  prompts.i().begin() + b * prompts.dim(1) +
                                      (*lengths)[b]);
    auto start = std::chrono::steady_clock::now();
    for (int64_t fed = 0, t = 0; t < newTokens; ++t) {
      llvm::Expected<Tensor> logits = step(sequence, fed);
      if (!logits)
        return makeError(llvm::formatv("sequence {0}, new token {1}: {2}", b, t,
                                       llvm::toString(logits.takeError())));
      fed = sequence.size();
      sequence.push_back(pickFromLastRow(*logits, sampler));
      auto now = std::chrono::steady_clock::now();
      double seconds = std::chrono::duration<double>(now - start).count();
      (t == 0 ? result.firstToken : result.steps).push_back(seconds);
      start = now;
    }
    std::copy(sequence.begin(), sequence.end(),
              result.tokens.i().begin() + b * result.tokens.dim(1));
  }
  return result;
}

} // namespace

llvm::Expected<Generation>
mlir::ffn::ref::generateCached(func::FuncOp step, const Tensor &prompts,
                               int64_t newTokens,
                               const ::ffnrt::SamplingOptions &sampling) {
  unsigned caches = step.getNumArguments() < 2 ? 0 : step.getNumArguments() - 2;
  if (step.getNumArguments() < 2 || step.getNumResults() != caches + 1)
    return makeError("the function is not a generation step (ffn-kv-cache)");
  // Every cache holds the same number of positions.
  int64_t context = 0;
  std::vector<Tensor> empty;
  for (unsigned k = 0; k < caches; ++k) {
    auto type = cast<RankedTensorType>(step.getArgument(k + 2).getType());
    auto dtype = dtypeOf(type.getElementType());
    if (!dtype)
      return dtype.takeError();
    context = type.getDimSize(1);
    empty.emplace_back(*dtype,
                       std::vector<int64_t>{1, context, type.getDimSize(2)});
  }
  auto lengths = promptLengths(prompts);
  if (!lengths)
    return lengths.takeError();
  for (auto [b, length] : llvm::enumerate(*lengths))
    if (caches && length + newTokens - 1 > context)
      return makeError(llvm::formatv(
          "prompt {0} ({1} tokens) and {2} new tokens need a context of {3}; "
          "the cache holds {4}",
          b, length, newTokens, length + newTokens - 1, context));

  Executor executor(step);
  executor.keepConstants();
  std::vector<Tensor> state;
  return generate(
      prompts, newTokens, sampling,
      [&](llvm::ArrayRef<int64_t> sequence,
          int64_t fed) -> llvm::Expected<Tensor> {
        if (fed == 0)
          state = empty;
        std::vector<Tensor> args = {idsOf(sequence.drop_front(fed))};
        std::vector<int64_t> positions(sequence.size() - fed);
        std::iota(positions.begin(), positions.end(), fed);
        args.push_back(idsOf(positions));
        args.insert(args.end(), std::make_move_iterator(state.begin()),
                    std::make_move_iterator(state.end()));
        auto results = executor.run(args);
        if (!results)
          return results.takeError();
        state.assign(std::make_move_iterator(results->begin() + 1),
                     std::make_move_iterator(results->end()));
        return std::move(results->front());
      });
}

llvm::Expected<Generation> mlir::ffn::ref::generateByRecomputation(
    func::FuncOp forward, const Tensor &prompts, int64_t newTokens,
    const ::ffnrt::SamplingOptions &sampling) {
  Executor executor(forward);
  executor.keepConstants();
  return generate(
      prompts, newTokens, sampling,
      [&](llvm::ArrayRef<int64_t> sequence, int64_t) -> llvm::Expected<Tensor> {
        auto results = executor.run({idsOf(sequence)});
        if (!results)
          return results.takeError();
        return std::move(results->front());
      });
}
