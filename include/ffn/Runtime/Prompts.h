//===- Prompts.h - Rows of token ids padded with -1 -------------*- C++ -*-===//
//
// Plain C++, shared by the runtime, the reference executor and ffn-run: a
// batch of prompts (or of generated tokens) is int64 [batch, width], each
// row right-padded with -1.
//
//===----------------------------------------------------------------------===//

#ifndef FFN_RUNTIME_PROMPTS_H
#define FFN_RUNTIME_PROMPTS_H

#include <cstdint>
#include <string>

namespace ffnrt {

/// The ids of `row` before its trailing -1 padding.
int64_t promptLength(const int64_t *row, int64_t width);

/// Why `row`, prompt `index` of a batch, is not a prompt, or "": it is
/// empty, or holds a negative id before its padding.
std::string promptProblem(const int64_t *row, int64_t width, int64_t index);

} // namespace ffnrt

#endif // FFN_RUNTIME_PROMPTS_H
