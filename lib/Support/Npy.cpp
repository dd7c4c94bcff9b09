//===- Npy.cpp - NumPy .npy files on plain buffers ------------------------===//

#include "ffn/Support/Npy.h"
#include "ffn/Support/Output.h"

#include "ffn/Support/Files.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>

using namespace ffnsupport;

std::string ffnsupport::shapeString(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t k = 0; k < shape.size(); ++k)
    s += (k ? ", " : "") + std::to_string(shape[k]);
  return s + "]";
}

static int64_t countElements(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

NpyArray::NpyArray(DType dtype, std::vector<int64_t> shape)
    : dtype(dtype), shape(std::move(shape)),
      bytes(countElements(this->shape) * dtypeBytes(dtype), 0) {}

int64_t NpyArray::numElements() const { return countElements(shape); }

namespace {

/// The `bytes`-wide little-endian integer at `p`, sign-extended when
/// `isSigned`.
int64_t loadInt(const char *p, unsigned bytes, bool isSigned) {
  uint64_t v = 0;
  std::memcpy(&v, p, bytes);
  if (isSigned && bytes < 8 && (v >> (8 * bytes - 1)) & 1)
    v |= ~uint64_t(0) << (8 * bytes);
  return static_cast<int64_t>(v);
}

bool isSigned(DType dtype) {
  return dtype == DType::I64 || dtype == DType::I32 || dtype == DType::I16 ||
         dtype == DType::I8;
}

/// `v` truncated to int64; NaN and out-of-range values, whose plain
/// conversion is undefined, give 0 and the nearest bound.
int64_t truncateToInt(double v) {
  if (std::isnan(v))
    return 0;
  if (v >= 0x1p63)
    return std::numeric_limits<int64_t>::max();
  if (v < -0x1p63)
    return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

template <typename T> T load(const char *p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

template <typename T> void store(char *p, T v) {
  std::memcpy(p, &v, sizeof(T));
}

} // namespace

double NpyArray::getDouble(int64_t k) const {
  const char *p = bytes.data() + k * dtypeBytes(dtype);
  switch (dtype) {
  case DType::F32: return load<float>(p);
  case DType::F64: return load<double>(p);
  case DType::F16: return halfToFloat(load<uint16_t>(p));
  case DType::BF16: return bfloat16ToFloat(load<uint16_t>(p));
  case DType::U64: return static_cast<double>(load<uint64_t>(p));
  default: return static_cast<double>(getInt(k));
  }
}

int64_t NpyArray::getInt(int64_t k) const {
  if (isFloat(dtype))
    return truncateToInt(getDouble(k));
  int64_t v = loadInt(bytes.data() + k * dtypeBytes(dtype), dtypeBytes(dtype),
                      isSigned(dtype));
  return dtype == DType::Bool ? v != 0 : v;
}

void NpyArray::setDouble(int64_t k, double value) {
  char *p = bytes.data() + k * dtypeBytes(dtype);
  switch (dtype) {
  case DType::F32: return store<float>(p, value);
  case DType::F64: return store<double>(p, value);
  case DType::F16: return store<uint16_t>(p, floatToHalf(value));
  case DType::BF16: return store<uint16_t>(p, floatToBFloat16(value));
  case DType::Bool: return setInt(k, value != 0.0);
  default:
    return setInt(k, truncateToInt(value));
  }
}

void NpyArray::setInt(int64_t k, int64_t value) {
  if (isFloat(dtype))
    return setDouble(k, static_cast<double>(value));
  if (dtype == DType::Bool)
    value = value != 0;
  // The low bytes of the little-endian int64.
  std::memcpy(bytes.data() + k * dtypeBytes(dtype), &value, dtypeBytes(dtype));
}

std::vector<float> NpyArray::toFloats() const {
  std::vector<float> values(numElements());
  for (size_t k = 0; k < values.size(); ++k)
    values[k] = getDouble(k);
  return values;
}

std::vector<int64_t> NpyArray::toInts() const {
  std::vector<int64_t> values(numElements());
  for (size_t k = 0; k < values.size(); ++k)
    values[k] = getInt(k);
  return values;
}

//===----------------------------------------------------------------------===//
// Files
//===----------------------------------------------------------------------===//

namespace {

const struct {
  const char *descr;
  DType dtype;
} kNpyTypes[] = {
    {"<f4", DType::F32}, {"<f2", DType::F16}, {"<f8", DType::F64},
    {"<i8", DType::I64}, {"<i4", DType::I32}, {"|i1", DType::I8},
    {"|u1", DType::U8},  {"|b1", DType::Bool}, {"<i2", DType::I16},
    {"<u2", DType::U16}, {"<u4", DType::U32}, {"<u8", DType::U64},
};

struct FileCloser {
  void operator()(std::FILE *file) const { std::fclose(file); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

/// The text after `'key':` in a .npy header, or "".
std::string headerField(const std::string &header, const std::string &key) {
  size_t at = header.find("'" + key + "'");
  if (at == std::string::npos)
    return "";
  at = header.find_first_not_of(" :", at + key.size() + 2);
  return at == std::string::npos ? "" : header.substr(at);
}

std::string trim(const std::string &s) {
  size_t begin = s.find_first_not_of(" \t\n");
  if (begin == std::string::npos)
    return "";
  return s.substr(begin, s.find_last_not_of(" \t\n") + 1 - begin);
}

/// Parses the dims of a shape tuple such as "(2, 3)" or "(5,)".
bool parseShape(const std::string &text, std::vector<int64_t> &shape) {
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = std::min(text.find(',', start), text.size());
    std::string part = trim(text.substr(start, end - start));
    start = end + 1;
    if (part.empty())
      continue;
    char *rest = nullptr;
    long long d = std::strtoll(part.c_str(), &rest, 10);
    if (*rest || d < 0)
      return false;
    shape.push_back(d);
  }
  return true;
}

} // namespace

std::string ffnsupport::parseNpy(std::string_view data, NpyArray &array) {
  if (data.size() < 10 || data.compare(0, 6, "\x93NUMPY") != 0)
    return "missing magic string";
  unsigned major = static_cast<uint8_t>(data[6]);
  size_t headerLength = 0, headerStart = major == 1 ? 10 : 12;
  if (major < 1 || major > 3)
    return "unknown version " + std::to_string(major);
  if (data.size() < headerStart)
    return "truncated header";
  for (size_t k = 8; k < headerStart; ++k)
    headerLength |= static_cast<size_t>(static_cast<uint8_t>(data[k]))
                    << (8 * (k - 8));
  if (headerStart + headerLength > data.size())
    return "truncated header";
  std::string header(data.substr(headerStart, headerLength));

  std::string descr = headerField(header, "descr");
  std::string fortran = headerField(header, "fortran_order");
  std::string shapeText = headerField(header, "shape");
  if (descr.empty() || fortran.empty() || shapeText.empty())
    return "header lacks descr, fortran_order or shape";
  if (fortran.compare(0, 4, "True") == 0)
    return "Fortran order is not supported";
  descr = descr.substr(1, descr.find('\'', 1) - 1);
  const auto *type =
      std::find_if(std::begin(kNpyTypes), std::end(kNpyTypes),
                   [&](const auto &t) { return descr == t.descr; });
  if (type == std::end(kNpyTypes))
    return "unsupported dtype '" + descr + "'";
  std::string dims = shapeText.substr(1, shapeText.find(')') - 1);
  std::vector<int64_t> shape;
  if (!parseShape(dims, shape))
    return "bad shape '" + dims + "'";

  // numElements() multiplies every dim, so the non-zero ones must not
  // overflow even when another dim is 0 (numpy refuses such shapes too).
  int64_t product = 1;
  for (int64_t d : shape) {
    if (d && product > std::numeric_limits<int64_t>::max() / d)
      return "shape " + shapeString(shape) + " is too large";
    product *= d ? d : 1;
  }

  // Check the size before allocating, so that a corrupt header cannot ask
  // for more memory than the file holds.
  size_t bodyStart = headerStart + headerLength;
  uint64_t available = data.size() - bodyStart,
           needed = dtypeBytes(type->dtype);
  for (int64_t d : shape)
    needed = d && needed > available / d ? available + 1 : needed * d;
  if (needed > available)
    return "holds " + std::to_string(available) + " data bytes, too few for " +
           dtypeName(type->dtype) + " " + shapeString(shape);
  array = NpyArray(type->dtype, shape);
  std::copy_n(data.data() + bodyStart, array.bytes.size(), array.bytes.data());
  return "";
}

std::string ffnsupport::readNpy(const std::string &path, NpyArray &array) {
  if (std::string why = whyNotReadable(path); !why.empty())
    return "'" + path + "' " + why;
  File file(std::fopen(path.c_str(), "rb"));
  if (!file)
    return "cannot open '" + path + "': " + std::strerror(errno);
  std::string data;
  char chunk[1 << 16];
  for (size_t n; (n = std::fread(chunk, 1, sizeof(chunk), file.get())) > 0;)
    data.append(chunk, n);
  if (std::ferror(file.get()))
    return "cannot read '" + path + "': " + std::strerror(errno);
  if (std::string why = parseNpy(data, array); !why.empty())
    return "'" + path + "' is not a valid .npy file: " + why;
  return "";
}

std::string ffnsupport::writeNpy(const std::string &path,
                                 const NpyArray &array) {
  const auto *type =
      std::find_if(std::begin(kNpyTypes), std::end(kNpyTypes),
                   [&](const auto &t) { return t.dtype == array.dtype; });
  if (type == std::end(kNpyTypes))
    return std::string("cannot write ") + dtypeName(array.dtype) +
           " arrays to .npy";
  std::string shape = "(";
  for (int64_t d : array.shape)
    shape += std::to_string(d) + ",";
  if (array.shape.size() > 1)
    shape.pop_back();
  shape += ")";
  std::string header = std::string("{'descr': '") + type->descr +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad so that the data starts on a 64-byte boundary.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header.push_back('\n');

  OutputFile file;
  if (std::string error = file.open(path); !error.empty())
    return error;
  // Magic, version 1.0, little-endian header length, header.
  std::string preamble("\x93NUMPY\x01\x00", 8);
  preamble += static_cast<char>(header.size() & 0xff);
  preamble += static_cast<char>(header.size() >> 8);
  preamble += header;
  file.write(preamble.data(), preamble.size());
  file.write(array.bytes.data(), array.bytes.size());
  return file.commit();
}

std::string ffnsupport::keepFirstRows(NpyArray &array, int64_t count) {
  if (count < 0)
    return "";
  if (array.shape.empty() || array.shape[0] < count)
    return "--first-rows=" + std::to_string(count) + " needs at least " +
           std::to_string(count) + " rows, got " + shapeString(array.shape);
  int64_t rowBytes =
      array.shape[0] ? array.bytes.size() / array.shape[0] : int64_t(0);
  array.shape[0] = count;
  array.bytes.resize(count * rowBytes);
  return "";
}
