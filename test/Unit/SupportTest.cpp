//===- SupportTest.cpp - .npy files, float rounding and metrics -----------===//

#include "ffn/Support/Metrics.h"
#include "ffn/Support/Npy.h"

#include "llvm/ADT/APFloat.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>

using namespace ffnsupport;

namespace {

/// What APFloat makes of `value` rounded to `semantics` and back.
float apfloatRound(float value, const llvm::fltSemantics &semantics) {
  llvm::APFloat f(value);
  bool lost;
  f.convert(semantics, llvm::APFloat::rmNearestTiesToEven, &lost);
  f.convert(llvm::APFloat::IEEEsingle(), llvm::APFloat::rmNearestTiesToEven,
            &lost);
  return f.convertToFloat();
}

TEST(SupportTest, RoundsLikeAPFloat) {
  // Every 4099th bit pattern covers normals, subnormals, ties and overflow.
  for (uint64_t bits = 0; bits <= 0xffffffffu; bits += 4099) {
    uint32_t pattern = static_cast<uint32_t>(bits);
    float value;
    std::memcpy(&value, &pattern, 4);
    if (std::isnan(value))
      continue;
    EXPECT_EQ(roundTo(value, DType::F16),
              apfloatRound(value, llvm::APFloat::IEEEhalf()))
        << value;
    EXPECT_EQ(roundTo(value, DType::BF16),
              apfloatRound(value, llvm::APFloat::BFloat()))
        << value;
  }
  EXPECT_TRUE(std::isnan(roundTo(NAN, DType::F16)));
  EXPECT_TRUE(std::isnan(roundTo(NAN, DType::BF16)));
  EXPECT_EQ(floatToHalf(65520.0f), 0x7c00);
  EXPECT_EQ(halfToFloat(0x0001), std::ldexp(1.0f, -24));
}

TEST(SupportTest, NpyRoundTrips) {
  std::string path = ::testing::TempDir() + "/support-test.npy";
  for (DType dtype : {DType::F32, DType::F16, DType::F64, DType::I64,
                      DType::I32, DType::I8, DType::U8, DType::Bool}) {
    NpyArray array(dtype, {2, 3});
    for (int64_t k = 0; k < 6; ++k)
      array.setInt(k, k - 2);
    ASSERT_EQ(writeNpy(path, array), "");
    NpyArray back;
    ASSERT_EQ(readNpy(path, back), "");
    EXPECT_EQ(back.dtype, dtype);
    EXPECT_EQ(back.shape, array.shape);
    EXPECT_EQ(back.bytes, array.bytes);
    EXPECT_EQ(back.getInt(0), dtype == DType::Bool ? 1
                              : dtype == DType::U8 ? 254
                                                   : -2);
  }
  std::remove(path.c_str());
}

TEST(SupportTest, NpyErrorsSayWhy) {
  std::string path = ::testing::TempDir() + "/support-test-bad.npy";
  NpyArray array;
  std::ofstream(path) << "not an array";
  EXPECT_EQ(readNpy(path, array),
            "'" + path + "' is not a valid .npy file: missing magic string");
  ASSERT_EQ(writeNpy(path, NpyArray(DType::F32, {2, 3})), "");
  std::ifstream in(path, std::ios::binary);
  std::string whole((std::istreambuf_iterator<char>(in)), {});
  std::ofstream(path, std::ios::binary) << whole.substr(0, whole.size() - 4);
  EXPECT_EQ(readNpy(path, array),
            "'" + path +
                "' is not a valid .npy file: holds 20 data bytes, too few "
                "for float32 [2, 3]");
  std::remove(path.c_str());
  EXPECT_EQ(readNpy(path, array),
            "'" + path + "' does not exist");
  EXPECT_EQ(writeNpy(path, NpyArray(DType::BF16, {1})),
            "cannot write bfloat16 arrays to .npy");
}

// Found by fuzzing: a shape whose non-zero dims overflow int64 (with a zero
// dim, the data size check passed), and floats read as ints.
TEST(SupportTest, NpyRejectsOverflowAndClampsInts) {
  auto header = [](const std::string &dict) {
    std::string h = dict;
    size_t total = 10 + h.size() + 1;
    h.append((64 - total % 64) % 64, ' ');
    h.push_back('\n');
    std::string out("\x93NUMPY\x01\x00", 8);
    out += static_cast<char>(h.size() & 0xff);
    out += static_cast<char>(h.size() >> 8);
    return out + h;
  };
  NpyArray array;
  std::string overflow = header("{'descr': '<f4', 'fortran_order': False, "
                                "'shape': (4611686018427387904, 4, 0), }");
  EXPECT_NE(parseNpy(overflow, array), "");
  std::string floats = header("{'descr': '<f8', 'fortran_order': False, "
                              "'shape': (3,), }");
  double values[3] = {NAN, 1e300, -1e300};
  floats.append(reinterpret_cast<const char *>(values), sizeof(values));
  ASSERT_EQ(parseNpy(floats, array), "");
  EXPECT_EQ(array.getInt(0), 0);
  EXPECT_EQ(array.getInt(1), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(array.getInt(2), std::numeric_limits<int64_t>::min());
}

TEST(SupportTest, KeepsFirstRows) {
  NpyArray array(DType::I64, {3, 2});
  for (int64_t k = 0; k < 6; ++k)
    array.setInt(k, k);
  EXPECT_EQ(keepFirstRows(array, -1), "");
  EXPECT_EQ(array.numElements(), 6);
  EXPECT_EQ(keepFirstRows(array, 2), "");
  EXPECT_EQ(array.shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(array.getInt(3), 3);
  EXPECT_EQ(keepFirstRows(array, 5),
            "--first-rows=5 needs at least 5 rows, got [2, 2]");
}

TEST(SupportTest, Metrics) {
  ErrorStats stats;
  stats.add(3, 4);
  stats.add(4, 3);
  EXPECT_DOUBLE_EQ(stats.relativeL2(), std::sqrt(2.0 / 25.0));
  EXPECT_DOUBLE_EQ(stats.maxAbs(), 1);
  stats.add(NAN, 0);
  EXPECT_EQ(stats.relativeL2(), INFINITY);
  EXPECT_EQ(stats.maxAbs(), INFINITY);

  const float logits[] = {0, 0, 0, 0, 5, 1, 1, 1};
  const float other[] = {0, 1, 0, 0, 0, 2, 1, 1};
  EXPECT_EQ(argmaxAgreements(logits, other, 2, 4), 0);
  EXPECT_EQ(argmaxAgreements(logits, logits, 2, 4), 2);
  const int64_t targets[] = {1, 9};
  double bits = 0;
  EXPECT_EQ(crossEntropyBits(logits, targets, 1, 4, bits), "");
  EXPECT_DOUBLE_EQ(bits, 2.0);
  EXPECT_EQ(crossEntropyBits(logits, targets, 2, 4, bits),
            "target 9 is outside the vocabulary [0, 4)");
}

} // namespace
