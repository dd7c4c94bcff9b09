//===- WeightStream.cpp - The weights sidecar, converted as it streams ----===//
//
// Each ffnrt.weight is converted from its constants (fp32, fp16, bf16, ...,
// mapped from the model's files) into the stored type and layout, a piece
// at a time on all cores, while a second thread hands the previous piece
// to the sink; the source pages a piece has read are given back.
//
//===----------------------------------------------------------------------===//

#include "WeightStream.h"

#include "ffn/Support/Memory.h"
#include "ffn/Target/Artifact.h"

#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Parallel.h"

#include <cmath>
#include <cstring>
#include <future>

#include <sys/mman.h>
#include <unistd.h>

using namespace mlir;
using namespace mlir::ffn;
using artifact::errorAt;
using artifact::storedBytes;
namespace rt = ::ffnrt;

namespace {

/// Rounds f32 to bfloat16 bits, nearest-even.
uint16_t toBF16(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  if (std::isnan(f))
    return 0x7fc0;
  bits += 0x7fff + ((bits >> 16) & 1);
  return bits >> 16;
}

uint16_t toF16(float f) {
  _Float16 h = static_cast<_Float16>(f);
  uint16_t bits;
  std::memcpy(&bits, &h, 2);
  return bits;
}

/// Gives the pages of `bytes` starting at `data` back to the system: the
/// model's weights are mapped from their files, so pages dropped after use
/// are read again only if used again, and memory stays at what one piece of
/// the conversion reads. MADV_PAGEOUT leaves the contents as they are, so
/// it is harmless on weights that live in ordinary memory.
/// Pages that [begin, end) only partly covers are kept at the end (the next
/// piece reads them) unless `toEnd`, and released at the start (the previous
/// piece is done with them).
void releasePages(const char *data, int64_t begin, int64_t end, bool toEnd) {
#ifdef MADV_PAGEOUT
  static const int64_t page = sysconf(_SC_PAGESIZE);
  auto at = reinterpret_cast<uintptr_t>(data);
  uintptr_t first = (at + begin) / page * page;
  uintptr_t last = (at + end + (toEnd ? page - 1 : 0)) / page * page;
  if (last > first)
    madvise(reinterpret_cast<void *>(first), last - first, MADV_PAGEOUT);
#endif
}

/// The element types weights are read from and stored as.
enum class Kind { F32, F64, BF16, F16, I64, I32, I16 };

std::optional<Kind> kindOf(Type type) {
  if (type.isF32())
    return Kind::F32;
  if (type.isF64())
    return Kind::F64;
  if (type.isBF16())
    return Kind::BF16;
  if (type.isF16())
    return Kind::F16;
  if (type.isInteger(64))
    return Kind::I64;
  if (type.isInteger(32))
    return Kind::I32;
  if (type.isInteger(16))
    return Kind::I16;
  return std::nullopt;
}

unsigned bytesOf(Kind kind) {
  switch (kind) {
  case Kind::F64:
  case Kind::I64:
    return 8;
  case Kind::F32:
  case Kind::I32:
    return 4;
  default:
    return 2;
  }
}

template <typename T> T load(const char *p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

/// Element `p` of kind K as a number: float for the narrow floats, the
/// exact type otherwise.
template <Kind K> auto read(const char *p) {
  if constexpr (K == Kind::F32)
    return load<float>(p);
  else if constexpr (K == Kind::F64)
    return load<double>(p);
  else if constexpr (K == Kind::BF16) {
    uint32_t bits = uint32_t(load<uint16_t>(p)) << 16;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
  } else if constexpr (K == Kind::F16)
    return static_cast<float>(load<_Float16>(p));
  else if constexpr (K == Kind::I64)
    return load<int64_t>(p);
  else if constexpr (K == Kind::I32)
    return load<int32_t>(p);
  else
    return load<int16_t>(p);
}

/// Stores `v` as kind K at `dst`.
template <Kind K, typename V> void write(V v, uint8_t *dst) {
  if constexpr (K == Kind::F32) {
    float f = static_cast<float>(v);
    std::memcpy(dst, &f, 4);
  } else if constexpr (K == Kind::BF16) {
    uint16_t h = toBF16(static_cast<float>(v));
    std::memcpy(dst, &h, 2);
  } else if constexpr (K == Kind::F16) {
    uint16_t h = toF16(static_cast<float>(v));
    std::memcpy(dst, &h, 2);
  } else {
    int64_t x = static_cast<int64_t>(v);
    std::memcpy(dst, &x, 8);
  }
}

/// `count` elements of kind From at `src` (element `step` apart) stored
/// contiguously as kind To at `dst`. One loop per pair of kinds, without a
/// type test per element: the conversion runs at memory speed.
template <Kind From, Kind To>
void convertRun(const char *src, int64_t step, int64_t count, uint8_t *dst) {
  constexpr unsigned in = From == Kind::F64 || From == Kind::I64   ? 8
                          : From == Kind::F32 || From == Kind::I32 ? 4
                                                                   : 2;
  constexpr unsigned out = To == Kind::F32 ? 4 : To == Kind::I64 ? 8 : 2;
  for (int64_t j = 0; j < count; ++j)
    write<To>(read<From>(src + j * step * in), dst + j * out);
}

template <Kind From>
void convertRunTo(Kind to, const char *src, int64_t step, int64_t count,
                  uint8_t *dst) {
  switch (to) {
  case Kind::F32:
    return convertRun<From, Kind::F32>(src, step, count, dst);
  case Kind::BF16:
    return convertRun<From, Kind::BF16>(src, step, count, dst);
  case Kind::F16:
    return convertRun<From, Kind::F16>(src, step, count, dst);
  default:
    return convertRun<From, Kind::I64>(src, step, count, dst);
  }
}

/// The elements of a dense or dense_resource constant, read from its bytes.
class ElementReader {
public:
  static llvm::Expected<ElementReader> get(Operation *user, Attribute attr) {
    ElementReader r;
    auto elements = cast<ElementsAttr>(attr);
    Type element = elements.getElementType();
    if (auto dense = dyn_cast<DenseIntOrFPElementsAttr>(attr)) {
      r.data = dense.getRawData().data();
      r.splat = dense.isSplat();
    } else if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
      AsmResourceBlob *blob = resource.getRawHandle().getBlob();
      if (!blob)
        return errorAt(user, "weight '" + resource.getRawHandle().getKey() +
                                 "' has no data (was it elided?)");
      r.data = blob->getData().data();
      r.mapped = true;
    } else {
      return errorAt(user, "unsupported constant kind");
    }
    std::optional<Kind> kind = kindOf(element);
    if (!kind)
      return errorAt(
          user, llvm::formatv("unsupported weight element type {0}", element));
    r.kind = *kind;
    return r;
  }

  /// Stores elements first, first + step, ... (`count` of them) as kind
  /// `to`, contiguously from `dst`.
  void convert(int64_t first, int64_t step, int64_t count, Kind to,
               uint8_t *dst) const {
    const char *src = data + (splat ? 0 : first * elementBytes());
    if (splat)
      step = 0;
    switch (kind) {
    case Kind::F32:
      return convertRunTo<Kind::F32>(to, src, step, count, dst);
    case Kind::F64:
      return convertRunTo<Kind::F64>(to, src, step, count, dst);
    case Kind::BF16:
      return convertRunTo<Kind::BF16>(to, src, step, count, dst);
    case Kind::F16:
      return convertRunTo<Kind::F16>(to, src, step, count, dst);
    case Kind::I64:
      return convertRunTo<Kind::I64>(to, src, step, count, dst);
    case Kind::I32:
      return convertRunTo<Kind::I32>(to, src, step, count, dst);
    case Kind::I16:
      return convertRunTo<Kind::I16>(to, src, step, count, dst);
    }
  }

  int64_t elementBytes() const { return bytesOf(kind); }

  /// Releases the pages of bytes [begin, end) of the data (see
  /// releasePages); dense attributes are left alone.
  void release(int64_t begin, int64_t end, bool toEnd) const {
    if (mapped)
      releasePages(data, begin, end, toEnd);
  }

  /// Maps the pages of bytes [begin, end) before they are read (see
  /// populatePages).
  void populate(int64_t begin, int64_t end) const {
    if (mapped && !splat)
      ffnsupport::populatePages(data + begin, end - begin);
  }

  /// Unmaps the pages of bytes [begin, end) from the process but leaves
  /// them in the page cache, to be read again: reading a slice of many
  /// rows maps their neighbours too (the kernel's fault-around), which
  /// would otherwise stay counted until their own slice.
  void unmap(int64_t begin, int64_t end) const {
    if (mapped)
      ffnsupport::unmapPages(data + begin, end - begin);
  }

private:
  const char *data = nullptr;
  Kind kind = Kind::F32;
  bool splat = false;
  /// Data of a resource blob, whose pages may be given back.
  bool mapped = false;
};

} // namespace

uint64_t mlir::ffn::artifact::storedBytes(plan::WeightOp weight) {
  auto [rows, k] = weight.getStoredShape();
  Type stored = weight.getResult().getType().getElementType();
  return rows * k * llvm::divideCeil(stored.getIntOrFloatBitWidth(), 8);
}

llvm::Error mlir::ffn::artifact::checkWeightSources(plan::WeightOp weight) {
  for (Attribute source : weight.getSources())
    if (auto reader = ElementReader::get(weight, source); !reader)
      return reader.takeError();
  return llvm::Error::success();
}

namespace {

/// Hands pieces of the sidecar to the sink on a thread of its own while the
/// next piece is converted: writing (a copy into the page cache) took as
/// long as converting. Two buffers take turns; the sink sees the pieces in
/// order, one at a time.
class PieceWriter {
public:
  explicit PieceWriter(llvm::function_ref<bool(const uint8_t *, size_t)> sink)
      : sink(sink) {}
  ~PieceWriter() { finish(); }

  /// The buffer the next piece is assembled in, of at least `size` bytes.
  uint8_t *next(size_t size) {
    std::vector<uint8_t> &b = buffers[current];
    if (b.size() < size)
      b.resize(size);
    return b.data();
  }

  /// Sends `size` bytes of the buffer next() gave, or of `data`, unless the
  /// sink has refused a piece.
  void send(size_t size, const uint8_t *data = nullptr) {
    if (!finish())
      return;
    if (!data)
      data = buffers[current].data();
    current ^= 1;
    pending = std::async(std::launch::async,
                         [this, data, size] { return sink(data, size); });
  }

  /// Waits for the piece in flight; false once the sink has refused one.
  bool finish() {
    if (pending.valid())
      stopped |= !pending.get();
    return !stopped;
  }

  bool stoppedYet() const { return stopped; }

private:
  llvm::function_ref<bool(const uint8_t *, size_t)> sink;
  std::vector<uint8_t> buffers[2];
  int current = 0;
  std::future<bool> pending;
  bool stopped = false;
};

/// Converts `weight` into its stored bytes and layout for `sink`, reading
/// each source front to back and releasing the pages it has finished (see
/// releasePages). A weight stored as is goes out in blocks of about 16 MiB,
/// a transposed one in bands of about 128 MiB. The parts of a block or band
/// are converted in parallel.
llvm::Error streamWeight(plan::WeightOp weight, PieceWriter &writer) {
  std::vector<ElementReader> sources;
  for (Attribute source : weight.getSources()) {
    auto reader = ElementReader::get(weight, source);
    if (!reader)
      return reader.takeError();
    sources.push_back(*reader);
  }
  auto [rows, k] = weight.getStoredShape();
  int64_t n = sources.size(), perSource = rows / n;
  Type stored = weight.getResult().getType().getElementType();
  std::optional<Kind> to = kindOf(stored);
  if (!to ||
      !llvm::is_contained({Kind::F32, Kind::BF16, Kind::F16, Kind::I64}, *to))
    return errorAt(weight,
                   llvm::formatv("cannot store weights as {0}", stored));
  unsigned bytes = bytesOf(*to);

  if (weight.getTranspose()) {
    // Source s is [k, perSource]; stored row r = row * n + s holds its
    // column `row`. Bands of stored rows go out one at a time, each reading
    // a page-wide slice of every source row: memory holds one band.
    int64_t pageElements =
        std::max<int64_t>(1, sysconf(_SC_PAGESIZE) / sources[0].elementBytes());
    int64_t band =
        std::max<int64_t>(pageElements, (int64_t(128) << 20) / (n * k * bytes) /
                                            pageElements * pageElements);
    // Square tiles: read along source rows, converted, then written along
    // stored rows, both within a tile that stays in cache. A task takes the
    // tiles of kTile source rows of one source.
    constexpr int64_t kTile = 64;
    int64_t groups = llvm::divideCeil(k, kTile);
    for (int64_t b0 = 0; b0 < perSource && !writer.stoppedYet(); b0 += band) {
      int64_t b1 = std::min(perSource, b0 + band);
      uint8_t *buffer = writer.next((b1 - b0) * n * k * bytes);
      llvm::parallelFor(0, n * groups, [&](size_t task) {
        const ElementReader &src = sources[task / groups];
        int64_t s = task / groups;
        int64_t i0 = (task % groups) * kTile, i1 = std::min(k, i0 + kTile);
        int64_t width = src.elementBytes();
        src.populate((i0 * perSource + b0) * width,
                     ((i1 - 1) * perSource + b1) * width);
        uint8_t tile[kTile * kTile * 8];
        for (int64_t c0 = b0; c0 < b1; c0 += kTile) {
          int64_t cols = std::min(b1 - c0, kTile);
          for (int64_t i = i0; i < i1; ++i)
            src.convert(i * perSource + c0, 1, cols, *to,
                        tile + (i - i0) * cols * bytes);
          auto transpose = [&](auto element) {
            constexpr size_t size = sizeof(element);
            for (int64_t c = 0; c < cols; ++c) {
              uint8_t *dst = buffer + (((c0 - b0 + c) * n + s) * k + i0) * size;
              for (int64_t i = 0; i < i1 - i0; ++i)
                std::memcpy(dst + i * size, tile + (i * cols + c) * size, size);
            }
          };
          if (bytes == 2)
            transpose(uint16_t());
          else if (bytes == 4)
            transpose(uint32_t());
          else
            transpose(uint64_t());
        }
        // The last band releases the rows for good; earlier ones unmap
        // them, to be read again from the page cache.
        if (b1 == perSource)
          src.release(i0 * perSource * width, i1 * perSource * width, i1 == k);
        else
          src.unmap(i0 * perSource * width, i1 * perSource * width);
      });
      writer.send((b1 - b0) * n * k * bytes);
    }
    return llvm::Error::success();
  }

  // Blocks of about 16 MiB, whole interleaved row groups, a row per task.
  int64_t block =
      std::max<int64_t>(n, (int64_t(16) << 20) / (k * bytes) / n * n);
  for (int64_t r0 = 0; r0 < rows && !writer.stoppedYet(); r0 += block) {
    int64_t r1 = std::min(rows, r0 + block);
    uint8_t *buffer = writer.next((r1 - r0) * k * bytes);
    int64_t row0 = r0 / n, row1 = (r1 + n - 1) / n;
    for (const ElementReader &src : sources) {
      int64_t width = src.elementBytes();
      src.populate(row0 * k * width, row1 * k * width);
    }
    llvm::parallelFor(r0, r1, [&](size_t r) {
      sources[r % n].convert((r / n) * k, 1, k, *to,
                             buffer + (r - r0) * k * bytes);
    });
    writer.send((r1 - r0) * k * bytes);
    for (const ElementReader &src : sources) {
      int64_t width = src.elementBytes();
      src.release(row0 * k * width, row1 * k * width, r1 == rows);
    }
  }
  return llvm::Error::success();
}

} // namespace

llvm::Error mlir::ffn::streamWeights(
    const RuntimeProgram &program,
    llvm::function_ref<bool(const uint8_t *, size_t)> sink) {
  static const uint8_t zeros[rt::kTensorAlignment] = {};
  uint64_t written = 0;
  PieceWriter writer(sink);
  for (auto [op, offset] : program.weights) {
    if (offset > written)
      writer.send(offset - written, zeros);
    if (writer.stoppedYet())
      break;
    auto weight = cast<plan::WeightOp>(op);
    if (llvm::Error e = streamWeight(weight, writer))
      return e;
    written = offset + storedBytes(weight);
  }
  writer.finish();
  return llvm::Error::success();
}
