//===- Prompts.cpp - Rows of token ids padded with -1 ---------------------===//

#include "ffn/Runtime/Prompts.h"

int64_t ffnrt::promptLength(const int64_t *row, int64_t width) {
  while (width > 0 && row[width - 1] == -1)
    --width;
  return width;
}

std::string ffnrt::promptProblem(const int64_t *row, int64_t width,
                                 int64_t index) {
  int64_t length = promptLength(row, width);
  if (length == 0)
    return "prompt " + std::to_string(index) + " is empty";
  for (int64_t k = 0; k < length; ++k)
    if (row[k] < 0)
      return "prompt " + std::to_string(index) + " has the negative id " +
             std::to_string(row[k]) + " at " + std::to_string(k) +
             "; only trailing -1 pads a prompt";
  return "";
}
