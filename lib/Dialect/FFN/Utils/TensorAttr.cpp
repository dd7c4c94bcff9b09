//===- TensorAttr.cpp - Host tensors from and to attributes ---------------===//

#include "ffn/Dialect/FFN/Utils/TensorAttr.h"
#include "ffn/Support/DType.h"
#include "ffn/Support/Memory.h"

#include "mlir/IR/DialectResourceBlobManager.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

using namespace mlir;
using namespace mlir::ffn::ref;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

llvm::Expected<DType> mlir::ffn::ref::dtypeOf(Type type) {
  if (type.isF32())
    return DType::F32;
  if (type.isF16())
    return DType::F16;
  if (type.isBF16())
    return DType::BF16;
  if (type.isF64())
    return DType::F64;
  if (type.isInteger(1))
    return DType::Bool;
  if (type.isSignlessInteger(64) || type.isSignedInteger(64))
    return DType::I64;
  if (type.isSignlessInteger(32) || type.isSignedInteger(32))
    return DType::I32;
  if (type.isSignlessInteger(16) || type.isSignedInteger(16))
    return DType::I16;
  if (type.isSignlessInteger(8) || type.isSignedInteger(8))
    return DType::I8;
  if (type.isUnsignedInteger(64))
    return DType::U64;
  if (type.isUnsignedInteger(32))
    return DType::U32;
  if (type.isUnsignedInteger(16))
    return DType::U16;
  if (type.isUnsignedInteger(8))
    return DType::U8;
  std::string name;
  llvm::raw_string_ostream os(name);
  os << type;
  return makeError("element type " + name +
                   " is not supported by the reference executor");
}

/// Decodes one little-endian element of the float `dtype` at `p`.
static float decodeFloat(const char *p, DType dtype) {
  switch (dtype) {
  case DType::F32: {
    float v;
    std::memcpy(&v, p, 4);
    return v;
  }
  case DType::F64: {
    double v;
    std::memcpy(&v, p, 8);
    return static_cast<float>(v);
  }
  default: {
    uint16_t bits;
    std::memcpy(&bits, p, 2);
    return dtype == DType::F16 ? ffnsupport::halfToFloat(bits)
                               : ffnsupport::bfloat16ToFloat(bits);
  }
  }
}

ConstantRows::ConstantRows(Tensor t) : tensor(std::move(t)) {
  shape[0] = tensor.dim(0);
  shape[1] = tensor.dim(1);
}

llvm::Expected<ConstantRows> ConstantRows::get(ElementsAttr attr) {
  auto type = dyn_cast<RankedTensorType>(attr.getShapedType());
  if (!type || type.getRank() != 2 || !isa<FloatType>(type.getElementType()))
    return makeError("expected a 2-D float constant");
  auto resource = dyn_cast<DenseResourceElementsAttr>(attr);
  AsmResourceBlob *blob =
      resource ? resource.getRawHandle().getBlob() : nullptr;
  auto dtype = dtypeOf(type.getElementType());
  if (!dtype)
    return dtype.takeError();
  if (!blob || blob->getData().size() != size_t(type.getNumElements()) *
                                             ffnsupport::dtypeBytes(*dtype)) {
    auto t = tensorFromAttr(attr);
    if (!t)
      return t.takeError();
    return ConstantRows(std::move(*t));
  }
  ConstantRows rows;
  rows.shape[0] = type.getDimSize(0);
  rows.shape[1] = type.getDimSize(1);
  rows.data = blob->getData().data();
  rows.dtype = *dtype;
  return rows;
}

void ConstantRows::read(int64_t r, float *out) const {
  int64_t n = cols();
  if (!data) {
    std::memcpy(out, tensor.f().data() + r * n, n * sizeof(float));
    return;
  }
  unsigned bytes = ffnsupport::dtypeBytes(dtype);
  const char *p = data + r * n * bytes;
  if (dtype == DType::F32) {
    std::memcpy(out, p, n * sizeof(float));
    return;
  }
  for (int64_t c = 0; c < n; ++c)
    out[c] = decodeFloat(p + c * bytes, dtype);
}

llvm::Expected<Tensor> mlir::ffn::ref::tensorFromAttr(Attribute attr) {
  auto elements = dyn_cast<ElementsAttr>(attr);
  if (!elements)
    return makeError("constant is not a tensor");
  ShapedType type = elements.getShapedType();
  auto dtype = dtypeOf(type.getElementType());
  if (!dtype)
    return dtype.takeError();
  Tensor t(*dtype, std::vector<int64_t>(type.getShape()));
  int64_t n = t.numElements();

  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    int64_t k = 0;
    if (t.isFloat())
      for (const APFloat &v : dense.getValues<APFloat>())
        t.f()[k++] = v.convertToDouble();
    else
      for (const APInt &v : dense.getValues<APInt>())
        t.i()[k++] = type.getElementType().isUnsignedInteger() ||
                             *dtype == DType::Bool
                         ? static_cast<int64_t>(v.getZExtValue())
                         : v.getSExtValue();
    return t;
  }
  auto resource = dyn_cast<DenseResourceElementsAttr>(attr);
  if (!resource)
    return makeError("unsupported constant attribute");
  AsmResourceBlob *blob = resource.getRawHandle().getBlob();
  if (!blob)
    return makeError("constant '" + resource.getRawHandle().getKey() +
                     "' has no data (were its weights elided when printing?)");
  ArrayRef<char> data = blob->getData();
  unsigned bytes = type.getElementTypeBitWidth() / 8;
  if (bytes == 0 || static_cast<int64_t>(data.size()) != n * bytes)
    return makeError("constant '" + resource.getRawHandle().getKey() +
                     "' holds the wrong number of bytes");
  for (int64_t k = 0; k < n; ++k) {
    const char *p = data.data() + k * bytes;
    if (t.isFloat()) {
      t.f()[k] = decodeFloat(p, *dtype);
      continue;
    }
    int64_t v = 0;
    std::memcpy(&v, p, bytes);
    if (bytes < 8 && !type.getElementType().isUnsignedInteger() &&
        *dtype != DType::Bool)
      v = llvm::SignExtend64(v, bytes * 8);
    t.i()[k] = v;
  }
  return t;
}

DenseResourceElementsAttr mlir::ffn::ref::tensorToAttr(const Tensor &tensor,
                                                      RankedTensorType type,
                                                      StringRef name) {
  Type element = type.getElementType();
  size_t bytes = element.getIntOrFloatBitWidth() / 8;
  std::vector<char> data(tensor.numElements() * bytes);
  for (int64_t k = 0; k < tensor.numElements(); ++k) {
    llvm::APFloat value(tensor.f()[k]);
    bool lost;
    value.convert(cast<FloatType>(element).getFloatSemantics(),
                  llvm::APFloat::rmNearestTiesToEven, &lost);
    uint64_t bits = value.bitcastToAPInt().getZExtValue();
    std::memcpy(data.data() + k * bytes, &bits, bytes);
  }
  return DenseResourceElementsAttr::get(
      type, name,
      HeapAsmResourceBlob::allocateAndCopyWithAlign(
          ArrayRef<char>(data.data(), data.size()), bytes));
}

void mlir::ffn::ref::unmapConstantPages(Attribute attr) {
  auto resource = dyn_cast<DenseResourceElementsAttr>(attr);
  AsmResourceBlob *blob =
      resource ? resource.getRawHandle().getBlob() : nullptr;
  if (blob)
    ffnsupport::unmapPages(blob->getData().data(), blob->getData().size());
}

llvm::Expected<ScratchConstant> ScratchConstant::create(RankedTensorType type) {
  Type element = type.getElementType();
  if (!element.isF32() && !element.isBF16() && !element.isF16())
    return makeError("scratch constants hold f32, bf16 or f16");
  size_t bytes = type.getNumElements() * (element.getIntOrFloatBitWidth() / 8);
  const char *dir = std::getenv("TMPDIR");
  std::string path =
      std::string(dir && *dir ? dir : "/tmp") + "/ffnc-constant-XXXXXX";
  int fd = ::mkstemp(path.data());
  if (fd < 0)
    return makeError("cannot create a temporary file in '" +
                     path.substr(0, path.rfind('/')) +
                     "': " + std::strerror(errno));
  ::unlink(path.c_str());
  if (::ftruncate(fd, std::max<size_t>(bytes, 1)) != 0) {
    int err = errno;
    ::close(fd);
    return makeError(llvm::Twine("cannot size a temporary file of ") +
                     llvm::Twine(bytes) + " bytes: " + std::strerror(err));
  }
  return ScratchConstant(type, fd, bytes);
}

ScratchConstant::ScratchConstant(ScratchConstant &&other)
    : type(other.type), fd(other.fd), bytes(other.bytes) {
  other.fd = -1;
}

ScratchConstant::~ScratchConstant() {
  if (fd >= 0)
    ::close(fd);
}

bool ScratchConstant::write(int64_t first, llvm::ArrayRef<float> values) {
  Type element = type.getElementType();
  size_t width = element.getIntOrFloatBitWidth() / 8;
  const char *src = reinterpret_cast<const char *>(values.data());
  std::vector<char> buffer;
  if (!element.isF32()) {
    buffer.resize(values.size() * 2);
    for (auto [k, v] : llvm::enumerate(values)) {
      uint16_t bits = element.isF16() ? ffnsupport::floatToHalf(v)
                                      : ffnsupport::floatToBFloat16(v);
      std::memcpy(buffer.data() + 2 * k, &bits, 2);
    }
    src = buffer.data();
  }
  size_t size = values.size() * width, done = 0;
  while (done < size) {
    ssize_t n = ::pwrite(fd, src + done, size - done, first * width + done);
    if (n <= 0)
      return false;
    done += n;
  }
  return true;
}

llvm::Expected<DenseResourceElementsAttr>
ScratchConstant::take(StringRef name) {
  size_t align = type.getElementType().getIntOrFloatBitWidth() / 8;
  size_t length = std::max<size_t>(bytes, 1);
  void *data = ::mmap(nullptr, length, PROT_READ, MAP_SHARED, fd, 0);
  if (data == MAP_FAILED)
    return makeError(llvm::Twine("cannot map a temporary file of ") +
                     llvm::Twine(bytes) + " bytes: " + std::strerror(errno));
  ::close(std::exchange(fd, -1));
  return DenseResourceElementsAttr::get(
      type, name,
      UnmanagedAsmResourceBlob::allocateWithAlign(
          ArrayRef<char>(static_cast<char *>(data), bytes), align,
          [length](void *p, size_t, size_t) { ::munmap(p, length); }));
}
