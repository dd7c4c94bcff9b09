//===- MemoryPlannerTest.cpp - Buffer placement by liveness ---------------===//

#include "ffn/Conversion/FFNToGPU/MemoryPlanner.h"

#include "gtest/gtest.h"

#include <random>

using namespace mlir::ffn;

namespace {

/// No two buffers alive at the same step share a byte; all are aligned.
void expectValid(const std::vector<BufferRequest> &requests,
                 const MemoryLayout &layout, uint64_t alignment) {
  ASSERT_EQ(layout.offsets.size(), requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    EXPECT_EQ(layout.offsets[i] % alignment, 0u);
    EXPECT_LE(layout.offsets[i] + requests[i].bytes, layout.totalBytes);
    for (size_t j = 0; j < i; ++j) {
      bool together = requests[i].first <= requests[j].last &&
                      requests[j].first <= requests[i].last;
      bool apart = layout.offsets[i] + requests[i].bytes <= layout.offsets[j] ||
                   layout.offsets[j] + requests[j].bytes <= layout.offsets[i];
      if (together)
        EXPECT_TRUE(apart) << "buffers " << i << " and " << j << " overlap";
    }
  }
}

TEST(MemoryPlanner, ReusesMemoryOfDeadBuffers) {
  // A chain a -> b -> c: a is dead when c is written, so c reuses it.
  std::vector<BufferRequest> requests = {
      {1000, 0, 1}, {1000, 1, 2}, {1000, 2, 3}};
  MemoryLayout layout = planMemory(requests, 256);
  expectValid(requests, layout, 256);
  EXPECT_EQ(layout.offsets[0], layout.offsets[2]);
  EXPECT_EQ(layout.totalBytes, 2048u);
}

TEST(MemoryPlanner, KeepsLiveBuffersApart) {
  std::vector<BufferRequest> requests = {{300, 0, 5}, {300, 2, 3}, {300, 4, 6}};
  MemoryLayout layout = planMemory(requests, 256);
  expectValid(requests, layout, 256);
  EXPECT_NE(layout.offsets[0], layout.offsets[1]);
  EXPECT_NE(layout.offsets[0], layout.offsets[2]);
}

TEST(MemoryPlanner, RandomLifetimes) {
  std::mt19937 rng(1234);
  for (int round = 0; round < 50; ++round) {
    std::vector<BufferRequest> requests;
    uint64_t sum = 0;
    for (int i = 0; i < 40; ++i) {
      unsigned first = rng() % 30;
      BufferRequest r{1 + rng() % 5000, first, first + unsigned(rng() % 8)};
      sum += (r.bytes + 255) / 256 * 256;
      requests.push_back(r);
    }
    MemoryLayout layout = planMemory(requests, 256);
    expectValid(requests, layout, 256);
    EXPECT_LE(layout.totalBytes, sum);
  }
}

} // namespace
