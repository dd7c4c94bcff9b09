//===- Sampling.cpp - Choosing the next token from logits -----------------===//

#include "ffn/Runtime/Sampling.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

using namespace ffnrt;

std::string ffnrt::samplingProblem(const SamplingOptions &o) {
  if (!(o.temperature >= 0) || !std::isfinite(o.temperature))
    return "the temperature must be a finite number >= 0";
  if (o.topK < 0)
    return "top-k must be >= 0";
  if (!(o.topP > 0 && o.topP <= 1))
    return "top-p must be in (0, 1]";
  return "";
}

double Sampler::uniform() {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z ^= z >> 31;
  return (z >> 11) * 0x1.0p-53;
}

int64_t Sampler::next(const float *logits, int64_t vocab) {
  if (options.temperature == 0)
    return std::max_element(logits, logits + vocab) - logits;
  // The most likely first (ties by index), then softmax over those kept.
  std::vector<int64_t> order(vocab);
  std::iota(order.begin(), order.end(), 0);
  int64_t keep = options.topK ? std::min(options.topK, vocab) : vocab;
  auto byLogit = [&](int64_t a, int64_t b) {
    return logits[a] > logits[b] || (logits[a] == logits[b] && a < b);
  };
  std::partial_sort(order.begin(), order.begin() + keep, order.end(), byLogit);
  std::vector<double> p(keep);
  double top = logits[order[0]], sum = 0;
  for (int64_t i = 0; i < keep; ++i)
    sum += p[i] = std::exp((logits[order[i]] - top) / options.temperature);
  double mass = 0;
  int64_t kept = 0;
  while (kept < keep && mass < options.topP * sum)
    mass += p[kept++];
  double u = uniform() * mass;
  for (int64_t i = 0; i < kept; ++i) {
    u -= p[i];
    if (u < 0)
      return order[i];
  }
  return order[kept - 1];
}
