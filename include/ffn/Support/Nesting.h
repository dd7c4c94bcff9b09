//===- Nesting.h - How deep a text nests ------------------------*- C++ -*-===//
//
// Parsers of MLIR and protobuf text recurse once per bracket; a file of a
// million '[' overflows the stack. The tools measure the nesting first.
// Header-only, plain C++.
//
//===----------------------------------------------------------------------===//

#ifndef FFN_SUPPORT_NESTING_H
#define FFN_SUPPORT_NESTING_H

#include <cstddef>
#include <string>

namespace ffnsupport {

/// Deeper than any model needs, shallow enough for the parsers' stacks.
constexpr int kMaxNesting = 256;

/// The line comments of the two formats.
enum class Comments { MLIR /* // */, Protobuf /* # */ };

/// Why `text` cannot be parsed safely, or "": brackets ( [ { < nested more
/// than kMaxNesting deep outside string literals and line comments ("->"
/// is not a bracket).
inline std::string nestingProblem(const char *text, size_t size,
                                  Comments comments) {
  int depth = 0;
  size_t line = 1;
  for (size_t k = 0; k < size; ++k) {
    char c = text[k];
    if (c == '\n')
      ++line;
    else if (c == '"') {
      for (++k; k < size && text[k] != '"'; ++k)
        if (text[k] == '\\')
          ++k;
        else if (text[k] == '\n')
          ++line;
    } else if (comments == Comments::MLIR
                   ? c == '/' && k + 1 < size && text[k + 1] == '/'
                   : c == '#') {
      while (k + 1 < size && text[k + 1] != '\n')
        ++k;
    } else if (c == '(' || c == '[' || c == '{' || c == '<') {
      if (++depth > kMaxNesting)
        return "nests brackets more than " + std::to_string(kMaxNesting) +
               " deep (line " + std::to_string(line) + ")";
    } else if ((c == ')' || c == ']' || c == '}' ||
                (c == '>' && (k == 0 || text[k - 1] != '-'))) &&
               depth > 0) {
      --depth;
    }
  }
  return "";
}

} // namespace ffnsupport

#endif // FFN_SUPPORT_NESTING_H
