//===- Tensor.cpp - Host tensors for the reference executor ---------------===//

#include "ffn/Reference/Tensor.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <cstring>

using namespace mlir::ffn::ref;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

llvm::StringRef mlir::ffn::ref::dtypeName(DType dtype) {
  switch (dtype) {
  case DType::F32: return "float32";
  case DType::F16: return "float16";
  case DType::BF16: return "bfloat16";
  case DType::F64: return "float64";
  case DType::I64: return "int64";
  case DType::I32: return "int32";
  case DType::I16: return "int16";
  case DType::U64: return "uint64";
  case DType::U32: return "uint32";
  case DType::U16: return "uint16";
  case DType::I8: return "int8";
  case DType::U8: return "uint8";
  case DType::Bool: return "bool";
  }
  return "?";
}

bool mlir::ffn::ref::isFloat(DType dtype) {
  return dtype == DType::F32 || dtype == DType::F16 || dtype == DType::BF16 ||
         dtype == DType::F64;
}

Tensor::Tensor(DType dtype, std::vector<int64_t> shape)
    : type(dtype), dims(std::move(shape)) {
  if (isFloat())
    floats.assign(numElements(), 0.0f);
  else
    ints.assign(numElements(), 0);
}

Tensor Tensor::scalarFloat(float value) {
  Tensor t(DType::F32, {});
  t.floats[0] = value;
  return t;
}

Tensor Tensor::scalarInt(int64_t value, DType dtype) {
  Tensor t(dtype, {});
  t.ints[0] = value;
  return t;
}

int64_t Tensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : dims)
    n *= d;
  return n;
}

Tensor Tensor::reshaped(std::vector<int64_t> shape) const {
  Tensor t = *this;
  t.dims = std::move(shape);
  return t;
}

/// Rounds to the precision of a narrower float type, as a cast would.
static float roundTo(float value, DType dtype) {
  if (dtype != DType::F16 && dtype != DType::BF16)
    return value;
  llvm::APFloat f(value);
  bool lost;
  f.convert(dtype == DType::F16 ? llvm::APFloat::IEEEhalf()
                                : llvm::APFloat::BFloat(),
            llvm::APFloat::rmNearestTiesToEven, &lost);
  f.convert(llvm::APFloat::IEEEsingle(), llvm::APFloat::rmNearestTiesToEven,
            &lost);
  return f.convertToFloat();
}

/// Wraps an integer to the range of a narrower integer type.
static int64_t wrapTo(int64_t value, DType dtype) {
  switch (dtype) {
  case DType::I32: return static_cast<int32_t>(value);
  case DType::I16: return static_cast<int16_t>(value);
  case DType::U32: return static_cast<uint32_t>(value);
  case DType::U16: return static_cast<uint16_t>(value);
  case DType::I8: return static_cast<int8_t>(value);
  case DType::U8: return static_cast<uint8_t>(value);
  case DType::Bool: return value != 0;
  default: return value;
  }
}

Tensor Tensor::cast(DType to) const {
  Tensor t(to, dims);
  int64_t n = numElements();
  for (int64_t k = 0; k < n; ++k) {
    if (t.isFloat())
      t.floats[k] = roundTo(isFloat() ? floats[k] : static_cast<float>(ints[k]),
                            to);
    else if (isFloat())
      t.ints[k] = to == DType::Bool ? floats[k] != 0.0f
                                    : wrapTo(static_cast<int64_t>(floats[k]), to);
    else
      t.ints[k] = wrapTo(ints[k], to);
  }
  return t;
}

std::string Tensor::shapeString() const {
  std::string s = "[";
  for (size_t k = 0; k < dims.size(); ++k)
    s += (k ? ", " : "") + std::to_string(dims[k]);
  return s + "]";
}

std::vector<int64_t> mlir::ffn::ref::stridesOf(llvm::ArrayRef<int64_t> shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (int64_t k = static_cast<int64_t>(shape.size()) - 2; k >= 0; --k)
    strides[k] = strides[k + 1] * shape[k + 1];
  return strides;
}

llvm::Expected<double> mlir::ffn::ref::crossEntropyBits(const Tensor &logits,
                                                       const Tensor &targets) {
  int64_t vocab = logits.rank() ? logits.dim(-1) : 0;
  if (vocab == 0 || targets.numElements() * vocab != logits.numElements())
    return makeError("targets " + targets.shapeString() +
                     " do not match logits " + logits.shapeString());
  double total = 0;
  for (int64_t t = 0; t < targets.numElements(); ++t) {
    const float *row = logits.f().data() + t * vocab;
    int64_t target = targets.getInt(t);
    if (target < 0 || target >= vocab)
      return makeError(llvm::formatv("target {0} is outside the vocabulary "
                                     "[0, {1})",
                                     target, vocab));
    double maxValue = *std::max_element(row, row + vocab), sum = 0;
    for (int64_t v = 0; v < vocab; ++v)
      sum += std::exp(row[v] - maxValue);
    total += (std::log(sum) + maxValue - row[target]) / std::log(2.0);
  }
  return total / targets.numElements();
}

std::pair<double, double>
mlir::ffn::ref::meanAndInverseStd(const float *values, int64_t n, double eps) {
  double sum = 0, squares = 0;
  for (int64_t k = 0; k < n; ++k)
    sum += values[k];
  double mean = sum / n;
  for (int64_t k = 0; k < n; ++k)
    squares += (values[k] - mean) * (values[k] - mean);
  return {mean, 1.0 / std::sqrt(squares / n + eps)};
}

Tensor mlir::ffn::ref::rowOf(const Tensor &t, int64_t r) {
  std::vector<int64_t> shape(t.shape().begin(), t.shape().end());
  int64_t size = t.numElements() / shape[0];
  shape[0] = 1;
  Tensor out(t.dtype(), shape);
  if (t.isFloat())
    std::copy_n(t.f().begin() + r * size, size, out.f().begin());
  else
    std::copy_n(t.i().begin() + r * size, size, out.i().begin());
  return out;
}

//===----------------------------------------------------------------------===//
// .npy files
//===----------------------------------------------------------------------===//

static const struct {
  const char *descr;
  DType dtype;
  unsigned bytes;
} kNpyTypes[] = {
    {"<f4", DType::F32, 4},  {"<f2", DType::F16, 2}, {"<f8", DType::F64, 8},
    {"<i8", DType::I64, 8},  {"<i4", DType::I32, 4}, {"|i1", DType::I8, 1},
    {"|u1", DType::U8, 1},   {"|b1", DType::Bool, 1}, {"<i2", DType::I16, 2},
    {"<u2", DType::U16, 2},  {"<u4", DType::U32, 4},  {"<u8", DType::U64, 8},
};

llvm::Expected<Tensor> mlir::ffn::ref::readNpy(llvm::StringRef path) {
  auto bufferOr = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
  if (!bufferOr)
    return makeError("cannot open '" + path +
                     "': " + bufferOr.getError().message());
  llvm::StringRef data = (*bufferOr)->getBuffer();
  auto bad = [&](const llvm::Twine &why) {
    return makeError("'" + path + "' is not a valid .npy file: " + why);
  };
  if (data.size() < 10 || !data.starts_with("\x93NUMPY"))
    return bad("missing magic string");
  unsigned major = static_cast<uint8_t>(data[6]);
  size_t headerLength, headerStart;
  if (major == 1) {
    headerLength = static_cast<uint8_t>(data[8]) |
                   (static_cast<uint8_t>(data[9]) << 8);
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (data.size() < 12)
      return bad("truncated header");
    headerLength = 0;
    for (int k = 0; k < 4; ++k)
      headerLength |= static_cast<size_t>(static_cast<uint8_t>(data[8 + k]))
                      << (8 * k);
    headerStart = 12;
  } else {
    return bad("unknown version " + llvm::Twine(major));
  }
  if (headerStart + headerLength > data.size())
    return bad("truncated header");
  llvm::StringRef header = data.substr(headerStart, headerLength);

  auto field = [&](llvm::StringRef key) -> llvm::StringRef {
    size_t at = header.find(("'" + key + "'").str());
    if (at == llvm::StringRef::npos)
      return {};
    llvm::StringRef rest = header.substr(at + key.size() + 2).ltrim(" :");
    return rest;
  };
  llvm::StringRef descr = field("descr");
  llvm::StringRef fortran = field("fortran_order");
  llvm::StringRef shapeText = field("shape");
  if (descr.empty() || fortran.empty() || shapeText.empty())
    return bad("header lacks descr, fortran_order or shape");
  if (fortran.starts_with("True"))
    return bad("Fortran order is not supported");
  descr = descr.drop_front().take_until([](char c) { return c == '\''; });
  const auto *type = llvm::find_if(
      kNpyTypes, [&](const auto &t) { return descr == t.descr; });
  if (type == std::end(kNpyTypes))
    return bad("unsupported dtype '" + descr + "'");

  std::vector<int64_t> shape;
  llvm::StringRef dimsText =
      shapeText.drop_front().take_until([](char c) { return c == ')'; });
  llvm::SmallVector<llvm::StringRef> parts;
  dimsText.split(parts, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef part : parts) {
    int64_t d;
    if (part.trim().getAsInteger(10, d) || d < 0)
      return bad("bad shape '" + dimsText + "'");
    shape.push_back(d);
  }

  Tensor t(type->dtype, shape);
  size_t bodyStart = headerStart + headerLength;
  size_t bytes = static_cast<size_t>(t.numElements()) * type->bytes;
  if (data.size() - bodyStart < bytes)
    return bad(llvm::formatv("holds {0} data bytes, shape {1} needs {2}",
                             data.size() - bodyStart, t.shapeString(), bytes));
  const char *body = data.data() + bodyStart;
  for (int64_t k = 0, n = t.numElements(); k < n; ++k) {
    const char *p = body + k * type->bytes;
    switch (type->dtype) {
    case DType::F32: {
      float v;
      std::memcpy(&v, p, 4);
      t.f()[k] = v;
      break;
    }
    case DType::F64: {
      double v;
      std::memcpy(&v, p, 8);
      t.f()[k] = static_cast<float>(v);
      break;
    }
    case DType::F16: {
      uint16_t bits;
      std::memcpy(&bits, p, 2);
      t.f()[k] = llvm::APFloat(llvm::APFloat::IEEEhalf(), llvm::APInt(16, bits))
                     .convertToFloat();
      break;
    }
    default: {
      // Integers: little-endian, sign-extended unless unsigned or bool.
      uint64_t v = 0;
      std::memcpy(&v, p, type->bytes);
      bool isSigned = type->dtype == DType::I64 || type->dtype == DType::I32 ||
                      type->dtype == DType::I16 || type->dtype == DType::I8;
      t.i()[k] = isSigned && type->bytes < 8
                     ? llvm::SignExtend64(v, type->bytes * 8)
                     : static_cast<int64_t>(v);
      if (type->dtype == DType::Bool)
        t.i()[k] = v != 0;
      break;
    }
    }
  }
  return t;
}

llvm::Error mlir::ffn::ref::writeNpy(llvm::StringRef path,
                                     const Tensor &tensor) {
  const auto *type = llvm::find_if(
      kNpyTypes, [&](const auto &t) { return t.dtype == tensor.dtype(); });
  if (type == std::end(kNpyTypes))
    return makeError("cannot write " + dtypeName(tensor.dtype()) +
                     " tensors to .npy");
  std::string shape = "(";
  for (int64_t d : tensor.shape())
    shape += std::to_string(d) + ",";
  if (tensor.rank() > 1)
    shape.pop_back();
  shape += ")";
  std::string header = llvm::formatv(
      "{{'descr': '{0}', 'fortran_order': False, 'shape': {1}, }", type->descr,
      shape);
  // Pad so that the data starts on a 64-byte boundary.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header.push_back('\n');

  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec)
    return makeError("cannot write '" + path + "': " + ec.message());
  os << "\x93NUMPY" << '\x01' << '\x00';
  os << static_cast<char>(header.size() & 0xff)
     << static_cast<char>(header.size() >> 8) << header;
  for (int64_t k = 0, n = tensor.numElements(); k < n; ++k) {
    switch (tensor.dtype()) {
    case DType::F32: {
      float v = tensor.f()[k];
      os.write(reinterpret_cast<const char *>(&v), 4);
      break;
    }
    case DType::F64: {
      double v = tensor.f()[k];
      os.write(reinterpret_cast<const char *>(&v), 8);
      break;
    }
    case DType::F16: {
      llvm::APFloat f(tensor.f()[k]);
      bool lost;
      f.convert(llvm::APFloat::IEEEhalf(), llvm::APFloat::rmNearestTiesToEven,
                &lost);
      uint16_t bits = f.bitcastToAPInt().getZExtValue();
      os.write(reinterpret_cast<const char *>(&bits), 2);
      break;
    }
    default: {
      // Integers: the low bytes of the little-endian int64.
      int64_t v = tensor.i()[k];
      os.write(reinterpret_cast<const char *>(&v), type->bytes);
      break;
    }
    }
  }
  if (os.has_error())
    return makeError("cannot write '" + path + "'");
  return llvm::Error::success();
}
