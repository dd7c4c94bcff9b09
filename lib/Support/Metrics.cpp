//===- Metrics.cpp - How close an output is to a reference ----------------===//

#include "ffn/Support/Metrics.h"

#include <algorithm>
#include <cmath>

using namespace ffnsupport;

void ErrorStats::add(double actual, double expected) {
  double difference = actual - expected;
  squaredError += difference * difference;
  squaredNorm += expected * expected;
  maxAbsError = std::max(maxAbsError, std::abs(difference));
  if (std::isnan(actual) != std::isnan(expected))
    maxAbsError = INFINITY;
}

double ErrorStats::relativeL2() const {
  if (!std::isfinite(squaredError) || !std::isfinite(squaredNorm))
    return INFINITY;
  return std::sqrt(squaredError / std::max(squaredNorm, 1e-300));
}

int64_t ffnsupport::argmaxAgreements(const float *actual, const float *expected,
                                     int64_t rows, int64_t width) {
  int64_t agreements = 0;
  for (int64_t r = 0; r < rows; ++r) {
    const float *a = actual + r * width, *e = expected + r * width;
    agreements += std::max_element(a, a + width) - a ==
                  std::max_element(e, e + width) - e;
  }
  return agreements;
}

std::string ffnsupport::crossEntropyBits(const float *logits,
                                         const int64_t *targets, int64_t rows,
                                         int64_t vocab, double &bits) {
  double total = 0;
  for (int64_t r = 0; r < rows; ++r) {
    const float *row = logits + r * vocab;
    int64_t target = targets[r];
    if (target < 0 || target >= vocab)
      return "target " + std::to_string(target) +
             " is outside the vocabulary [0, " + std::to_string(vocab) + ")";
    // log Σ exp(v) = max + log Σ exp(v − max), which cannot overflow.
    double top = *std::max_element(row, row + vocab), sum = 0;
    for (int64_t v = 0; v < vocab; ++v)
      sum += std::exp(row[v] - top);
    total += (std::log(sum) + top - row[target]) / std::log(2.0);
  }
  bits = total / rows;
  return "";
}
