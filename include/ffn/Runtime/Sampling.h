//===- Sampling.h - Choosing the next token from logits ---------*- C++ -*-===//
//
// Plain C++, shared by the runtime and the reference executor so that both
// draw the same tokens from the same logits and seed.
//
//===----------------------------------------------------------------------===//

#ifndef FFN_RUNTIME_SAMPLING_H
#define FFN_RUNTIME_SAMPLING_H

#include <cstdint>
#include <string>

namespace ffnrt {

struct SamplingOptions {
  /// 0: greedy (the largest logit, the first on ties).
  double temperature = 0;
  /// Keep only the k most likely tokens; 0 keeps all.
  int64_t topK = 0;
  /// Keep the fewest most likely tokens whose probability reaches p.
  double topP = 1;
  uint64_t seed = 0;
};

/// Why `options` are invalid, or "".
std::string samplingProblem(const SamplingOptions &options);

/// Draws tokens one after another from one seeded stream (splitmix64, the
/// same on every platform).
class Sampler {
public:
  explicit Sampler(const SamplingOptions &options)
      : options(options), state(options.seed) {}
  /// The next token from `vocab` logits.
  int64_t next(const float *logits, int64_t vocab);

private:
  /// Uniform in [0, 1).
  double uniform();

  SamplingOptions options;
  uint64_t state;
};

} // namespace ffnrt

#endif // FFN_RUNTIME_SAMPLING_H
