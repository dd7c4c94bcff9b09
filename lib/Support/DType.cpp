//===- DType.cpp - Element types of the tools' arrays ---------------------===//

#include "ffn/Support/DType.h"

#include <cmath>
#include <cstring>

using namespace ffnsupport;

const char *ffnsupport::dtypeName(DType dtype) {
  switch (dtype) {
  case DType::F32: return "float32";
  case DType::F16: return "float16";
  case DType::BF16: return "bfloat16";
  case DType::F64: return "float64";
  case DType::I64: return "int64";
  case DType::I32: return "int32";
  case DType::I16: return "int16";
  case DType::I8: return "int8";
  case DType::U64: return "uint64";
  case DType::U32: return "uint32";
  case DType::U16: return "uint16";
  case DType::U8: return "uint8";
  case DType::Bool: return "bool";
  }
  return "?";
}

bool ffnsupport::isFloat(DType dtype) {
  return dtype == DType::F32 || dtype == DType::F16 || dtype == DType::BF16 ||
         dtype == DType::F64;
}

unsigned ffnsupport::dtypeBytes(DType dtype) {
  switch (dtype) {
  case DType::F64:
  case DType::I64:
  case DType::U64:
    return 8;
  case DType::F32:
  case DType::I32:
  case DType::U32:
    return 4;
  case DType::F16:
  case DType::BF16:
  case DType::I16:
  case DType::U16:
    return 2;
  case DType::I8:
  case DType::U8:
  case DType::Bool:
    return 1;
  }
  return 0;
}

static uint32_t bitsOf(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  return bits;
}

static float floatOf(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, 4);
  return value;
}

/// `value >> shift`, rounded to nearest, ties to even.
static uint32_t shiftRounded(uint32_t value, unsigned shift) {
  uint32_t kept = value >> shift, rest = value & ((1u << shift) - 1);
  uint32_t half = 1u << (shift - 1);
  return kept + (rest > half || (rest == half && (kept & 1)));
}

uint16_t ffnsupport::floatToHalf(float value) {
  uint32_t bits = bitsOf(value);
  uint16_t sign = (bits >> 16) & 0x8000;
  uint32_t magnitude = bits & 0x7fffffff;
  if (magnitude > 0x7f800000)
    return sign | 0x7e00;
  // 65520 and above round to infinity.
  if (magnitude >= 0x477ff000)
    return sign | 0x7c00;
  // Below 2^-14 the half is subnormal, in units of 2^-24; 2^-25 and below
  // round to zero.
  if (magnitude < 0x38800000) {
    if (magnitude <= 0x33000000)
      return sign;
    uint32_t mantissa = (magnitude & 0x7fffff) | 0x800000;
    return sign | shiftRounded(mantissa, 126 - (magnitude >> 23));
  }
  // Rebias the exponent (127 - 15); a carry out of the mantissa rounds up
  // into the exponent, as it should.
  return sign | shiftRounded(magnitude - (112u << 23), 13);
}

uint16_t ffnsupport::floatToBFloat16(float value) {
  uint32_t bits = bitsOf(value);
  if ((bits & 0x7fffffff) > 0x7f800000)
    return (bits >> 16) | 0x40;
  return shiftRounded(bits, 16);
}

float ffnsupport::halfToFloat(uint16_t bits) {
  uint32_t sign = (bits & 0x8000u) << 16;
  uint32_t exponent = (bits >> 10) & 0x1f, mantissa = bits & 0x3ff;
  if (exponent == 0x1f)
    return floatOf(sign | 0x7f800000 | mantissa << 13);
  if (exponent)
    return floatOf(sign | (exponent + 112) << 23 | mantissa << 13);
  float subnormal = std::ldexp(static_cast<float>(mantissa), -24);
  return sign ? -subnormal : subnormal;
}

float ffnsupport::bfloat16ToFloat(uint16_t bits) {
  return floatOf(static_cast<uint32_t>(bits) << 16);
}

float ffnsupport::roundTo(float value, DType dtype) {
  if (dtype == DType::F16)
    return halfToFloat(floatToHalf(value));
  if (dtype == DType::BF16)
    return bfloat16ToFloat(floatToBFloat16(value));
  return value;
}
