//===- PromptsTest.cpp - Rows of token ids padded with -1 -----------------===//

#include "ffn/Runtime/Prompts.h"

#include "gtest/gtest.h"

using namespace ffnrt;

namespace {

TEST(Prompts, LengthStopsAtTrailingPadding) {
  int64_t row[5] = {7, 0, 3, -1, -1};
  EXPECT_EQ(promptLength(row, 5), 3);
  EXPECT_EQ(promptLength(row, 3), 3);
  EXPECT_EQ(promptProblem(row, 5, 0), "");
}

TEST(Prompts, RefusesEmptyRowsAndInnerNegatives) {
  int64_t padding[2] = {-1, -1};
  EXPECT_EQ(promptLength(padding, 2), 0);
  EXPECT_EQ(promptProblem(padding, 2, 4), "prompt 4 is empty");
  int64_t inner[4] = {5, -1, 6, -1};
  EXPECT_EQ(promptProblem(inner, 4, 1),
            "prompt 1 has the negative id -1 at 1; only trailing -1 pads a "
            "prompt");
}

} // namespace
