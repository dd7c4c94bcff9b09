//===- Npy.h - NumPy .npy files on plain buffers ----------------*- C++ -*-===//
//
// Plain C++ (no MLIR, no LLVM), so that the reference executor and the
// runtime-only ffn-run read and write arrays alike. Errors are returned as
// messages, empty on success.
//
//===----------------------------------------------------------------------===//

#ifndef FFN_SUPPORT_NPY_H
#define FFN_SUPPORT_NPY_H

#include "ffn/Support/DType.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ffnsupport {

/// "[2, 3]".
std::string shapeString(const std::vector<int64_t> &shape);

/// An array as .npy stores it: row-major, little-endian elements.
struct NpyArray {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::vector<char> bytes;

  NpyArray() = default;
  /// A zero-filled array.
  NpyArray(DType dtype, std::vector<int64_t> shape);

  int64_t numElements() const;

  /// Element `k` as double (integers and booleans converted).
  double getDouble(int64_t k) const;
  /// Element `k` as int64 (floats truncated, narrower integers extended).
  int64_t getInt(int64_t k) const;
  /// Stores element `k`, rounded to a float dtype or wrapped to an integer
  /// one; booleans store whether the value is nonzero.
  void setDouble(int64_t k, double value);
  void setInt(int64_t k, int64_t value);

  /// Every element, as getDouble (narrowed) or getInt reads it.
  std::vector<float> toFloats() const;
  std::vector<int64_t> toInts() const;
};

/// Parses the contents of a .npy file (versions 1 to 3, little-endian,
/// C order); the error says why they are not a valid one.
[[nodiscard]] std::string parseNpy(std::string_view data, NpyArray &array);
/// Reads a .npy file with parseNpy.
[[nodiscard]] std::string readNpy(const std::string &path, NpyArray &array);
/// Writes `array` as a version 1 .npy file.
[[nodiscard]] std::string writeNpy(const std::string &path,
                                   const NpyArray &array);

/// Keeps the first `count` rows of `array`'s first dimension (all of them
/// when count < 0); the `--first-rows` option of the tools.
[[nodiscard]] std::string keepFirstRows(NpyArray &array, int64_t count);

} // namespace ffnsupport

#endif // FFN_SUPPORT_NPY_H
