//===- PlanTest.cpp - Launch plan and sidecar round trips -----------------===//

#include "ffn/Runtime/Plan.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

using namespace ffnrt;

namespace {

Plan samplePlan() {
  Plan p;
  p.fingerprint = 0x1234abcd5678ef90ull;
  p.target = "sm_90";
  p.precision = "bf16";
  p.weightsFile = "model.weights";
  p.weightsBytes = 4096;
  p.maxTokens = 512;
  p.maxBatch = 1;
  p.maxSeq = 128;
  p.arenaBytes = 1 << 20;
  p.maxContext = 96;
  p.stateBytes = {4096, 8192};
  p.kernels = {"embed", "linear"};
  TensorInfo in{"input_ids", DType::I64, {{Sym::Batch, 0}, {Sym::Seq, 0}}, 256};
  TensorInfo out{"logits", DType::F32, {{Sym::One, 1}, {Sym::Seq, 0},
                                        {Sym::One, 256}}, 0};
  p.inputs = {in};
  p.outputs = {out};
  Launch l;
  l.kernel = 1;
  l.grid[0] = Extent::constant(48);
  l.grid[1] = {Sym::Tokens, 1, 3, 4};
  l.block[0] = 128;
  Arg arena{Arg::Kind::Arena, 512, {}};
  Arg scalar{Arg::Kind::I32, 0, {Sym::Seq, 2, 1, 1}};
  Arg f{Arg::Kind::F32, 0x3f800000, {}};
  Arg cache{Arg::Kind::State, 1, {}};
  l.args = {arena, scalar, f, cache};
  l.layer = "ffn 1-3";
  p.launches = {l};
  return p;
}

TEST(Plan, RoundTrips) {
  Plan p = samplePlan();
  std::vector<uint8_t> bytes = serializePlan(p);
  Plan q;
  std::string error;
  ASSERT_TRUE(deserializePlan(bytes.data(), bytes.size(), q, error)) << error;
  EXPECT_EQ(serializePlan(q), bytes);
  EXPECT_EQ(q.fingerprint, p.fingerprint);
  EXPECT_EQ(q.maxSeq, 128);
  EXPECT_EQ(q.inputs[0].valueLimit, 256);
  ASSERT_EQ(q.launches.size(), 1u);
  EXPECT_EQ(q.launches[0].grid[1].evaluate(/*tokens=*/10, 1, 10), 4);
  EXPECT_EQ(q.launches[0].args[1].extent.evaluate(10, 1, 7), 15);
  EXPECT_EQ(q.launches[0].layer, "ffn 1-3");
  EXPECT_EQ(q.maxContext, 96);
  EXPECT_EQ(q.stateBytes, (std::vector<uint64_t>{4096, 8192}));
  EXPECT_EQ(q.launches[0].args[3].kind, Arg::Kind::State);
}

TEST(Plan, RejectsEveryTruncation) {
  std::vector<uint8_t> bytes = serializePlan(samplePlan());
  for (size_t n = 0; n < bytes.size(); ++n) {
    Plan q;
    std::string error;
    EXPECT_FALSE(deserializePlan(bytes.data(), n, q, error)) << n;
    EXPECT_FALSE(error.empty());
  }
}

TEST(Plan, RejectsOtherVersionsAndBadKernels) {
  std::vector<uint8_t> bytes = serializePlan(samplePlan());
  std::vector<uint8_t> version = bytes;
  version[8] = 99;
  Plan q;
  std::string error;
  EXPECT_FALSE(deserializePlan(version.data(), version.size(), q, error));
  EXPECT_NE(error.find("version 99"), std::string::npos) << error;

  Plan bad = samplePlan();
  bad.launches[0].kernel = 7;
  std::vector<uint8_t> badBytes = serializePlan(bad);
  Plan r;
  EXPECT_FALSE(deserializePlan(badBytes.data(), badBytes.size(), r, error));
  EXPECT_NE(error.find("kernel 7"), std::string::npos) << error;

  Plan noState = samplePlan();
  noState.launches[0].args[3].value = 2;
  std::vector<uint8_t> stateBytes = serializePlan(noState);
  EXPECT_FALSE(deserializePlan(stateBytes.data(), stateBytes.size(), r, error));
  EXPECT_NE(error.find("names state 2 of 2"), std::string::npos) << error;
}

TEST(Plan, FingerprintTiesPlanToWeights) {
  auto fingerprint = [](const Plan &p, const std::vector<uint8_t> &w) {
    return hashBlock(w.data(), w.size(), fingerprintSeed(p));
  };
  Plan p = samplePlan();
  std::vector<uint8_t> weights(100, 7);
  uint64_t a = fingerprint(p, weights);
  p.launches[0].block[0] = 256;
  EXPECT_NE(fingerprint(p, weights), a);
  // The stored fingerprint itself does not feed the hash.
  Plan s = samplePlan();
  s.fingerprint = 1;
  EXPECT_EQ(fingerprint(s, weights), a);
}

TEST(Plan, HashBlockSeesEveryByte) {
  // 100 bytes: three 32-byte strides over the four lanes, and a tail.
  std::vector<uint8_t> data(100);
  for (size_t i = 0; i < data.size(); ++i)
    data[i] = i * 7 + 1;
  uint64_t base = hashBlock(data.data(), data.size(), 42);
  EXPECT_NE(hashBlock(data.data(), data.size(), 43), base);
  for (size_t i = 0; i < data.size(); ++i) {
    data[i] ^= 0x10;
    EXPECT_NE(hashBlock(data.data(), data.size(), 42), base) << "byte " << i;
    data[i] ^= 0x10;
  }
  // Words swapped between lanes, or between strides, change it too.
  std::swap_ranges(data.begin(), data.begin() + 8, data.begin() + 8);
  EXPECT_NE(hashBlock(data.data(), data.size(), 42), base);
  std::swap_ranges(data.begin(), data.begin() + 8, data.begin() + 8);
  std::swap_ranges(data.begin(), data.begin() + 8, data.begin() + 32);
  EXPECT_NE(hashBlock(data.data(), data.size(), 42), base);
}

TEST(Plan, SidecarRoundTrip) {
  std::vector<uint8_t> data(1000);
  for (size_t i = 0; i < data.size(); ++i)
    data[i] = i * 13;
  std::string error;
  std::vector<uint8_t> file = sidecarPrefix(42, data.size());
  file.insert(file.end(), data.begin(), data.end());
  SidecarHeader h;
  std::memcpy(&h, file.data(), sizeof(h));
  ASSERT_TRUE(checkSidecarHeader(h, file.size(), error)) << error;
  EXPECT_EQ(h.fingerprint, 42u);
  EXPECT_EQ(h.dataOffset % 4096, 0u);
  EXPECT_EQ(std::vector<uint8_t>(file.begin() + h.dataOffset, file.end()),
            data);
  EXPECT_FALSE(checkSidecarHeader(h, file.size() - 1, error));
  EXPECT_NE(error.find("truncated"), std::string::npos);
  h.magic[0] = 'X';
  EXPECT_FALSE(checkSidecarHeader(h, file.size(), error));
}

} // namespace
