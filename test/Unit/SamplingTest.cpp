//===- SamplingTest.cpp - Picking tokens from logits ----------------------===//

#include "ffn/Runtime/Sampling.h"

#include "gtest/gtest.h"

#include <cmath>
#include <vector>

using namespace ffnrt;

namespace {

std::vector<int64_t> draws(const SamplingOptions &o,
                           const std::vector<float> &logits, int n) {
  Sampler s(o);
  std::vector<int64_t> out;
  for (int i = 0; i < n; ++i)
    out.push_back(s.next(logits.data(), logits.size()));
  return out;
}

TEST(Sampling, GreedyIsTheFirstLargest) {
  std::vector<float> logits = {0.5f, 2.0f, -1.0f, 2.0f};
  EXPECT_EQ(draws({}, logits, 3), (std::vector<int64_t>{1, 1, 1}));
  // One candidate left by top-k or a tiny top-p: greedy at any temperature.
  SamplingOptions k1{5.0, 1, 1.0, 9};
  EXPECT_EQ(draws(k1, logits, 3), (std::vector<int64_t>{1, 1, 1}));
  SamplingOptions p0{5.0, 0, 1e-9, 9};
  EXPECT_EQ(draws(p0, logits, 3), (std::vector<int64_t>{1, 1, 1}));
}

TEST(Sampling, FollowsTheSoftmax) {
  // Probabilities 1/7, 2/7 and 4/7 at temperature 1; 2/7 and 4/7 of the
  // remaining 6/7 at temperature 1 with top-k 2.
  std::vector<float> logits = {0.0f, std::log(2.0f), std::log(4.0f)};
  const int n = 70000;
  for (int64_t topK : {0, 2}) {
    std::vector<int> counts(3);
    for (int64_t t : draws({1.0, topK, 1.0, 42}, logits, n))
      ++counts[t];
    double total = topK ? 6.0 : 7.0;
    EXPECT_NEAR(counts[0] / double(n), topK ? 0.0 : 1 / total, 0.01);
    EXPECT_NEAR(counts[1] / double(n), 2 / total, 0.01);
    EXPECT_NEAR(counts[2] / double(n), 4 / total, 0.01);
  }
  // top-p 0.5 keeps only the most likely (4/7 >= 0.5).
  for (int64_t t : draws({1.0, 0, 0.5, 1}, logits, 100))
    EXPECT_EQ(t, 2);
}

TEST(Sampling, SeedsRepeatAndDiffer) {
  std::vector<float> logits(50);
  for (size_t i = 0; i < logits.size(); ++i)
    logits[i] = std::sin(i * 1.7f);
  SamplingOptions a{1.0, 0, 1.0, 7}, b{1.0, 0, 1.0, 8};
  EXPECT_EQ(draws(a, logits, 40), draws(a, logits, 40));
  EXPECT_NE(draws(a, logits, 40), draws(b, logits, 40));
}

TEST(Sampling, RefusesBadOptions) {
  EXPECT_NE(samplingProblem({-1.0, 0, 1.0, 0}), "");
  EXPECT_NE(samplingProblem({NAN, 0, 1.0, 0}), "");
  EXPECT_NE(samplingProblem({1.0, -2, 1.0, 0}), "");
  EXPECT_NE(samplingProblem({1.0, 0, 0.0, 0}), "");
  EXPECT_NE(samplingProblem({1.0, 0, 1.5, 0}), "");
  EXPECT_EQ(samplingProblem({0.7, 40, 0.9, 3}), "");
}

} // namespace
