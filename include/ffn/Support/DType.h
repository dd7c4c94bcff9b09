//===- DType.h - Element types of the tools' arrays -------------*- C++ -*-===//
//
// Plain C++ (no MLIR, no LLVM), shared by every tool including the
// runtime-only ffn-run.
//
//===----------------------------------------------------------------------===//

#ifndef FFN_SUPPORT_DTYPE_H
#define FFN_SUPPORT_DTYPE_H

#include <cstdint>

namespace ffnsupport {

/// Element types as stored in files (.npy, model inputs and outputs).
enum class DType { F32, F16, BF16, F64, I64, I32, I16, I8, U64, U32, U16, U8, Bool };

const char *dtypeName(DType dtype);
bool isFloat(DType dtype);
/// Bytes per element.
unsigned dtypeBytes(DType dtype);

/// IEEE half and bfloat16 bits of `value`, rounded to nearest, ties to even.
uint16_t floatToHalf(float value);
uint16_t floatToBFloat16(float value);
float halfToFloat(uint16_t bits);
float bfloat16ToFloat(uint16_t bits);

/// `value` rounded to the precision of a float `dtype`, as a cast would.
float roundTo(float value, DType dtype);

} // namespace ffnsupport

#endif // FFN_SUPPORT_DTYPE_H
