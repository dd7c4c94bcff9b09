//===- Plan.h - The launch plan and weights sidecar formats -----*- C++ -*-===//
//
// Plain C++ (no MLIR, no LLVM, no CUDA): the compiler writes these and the
// runtime reads them. docs/artifact-format.md describes the bytes.
//
//===----------------------------------------------------------------------===//

#ifndef FFN_RUNTIME_PLAN_H
#define FFN_RUNTIME_PLAN_H

#include <cstdint>
#include <string>
#include <vector>

namespace ffnrt {

constexpr uint32_t kFormatVersion = 5;
/// The cubin's global that holds the serialized plan.
constexpr const char *kPlanSymbol = "ffn_plan";
/// Alignment of every tensor in the sidecar and of the arena's buffers.
constexpr uint64_t kTensorAlignment = 256;
/// Offset of the sidecar's data, a page so that it can be mapped.
constexpr uint64_t kSidecarDataOffset = 4096;

enum class DType : uint8_t { F32 = 0, F16 = 1, BF16 = 2, I64 = 3 };
const char *dtypeName(DType dtype);
unsigned dtypeBytes(DType dtype);

/// The run-time quantities a plan may depend on.
enum class Sym : uint8_t { One = 0, Tokens = 1, Batch = 2, Seq = 3 };

/// ceil((mul * sym + add) / div); with Sym::One, a constant.
struct Extent {
  Sym sym = Sym::One;
  int64_t mul = 0, add = 0, div = 1;
  static Extent constant(int64_t value) { return {Sym::One, 0, value, 1}; }
  int64_t evaluate(int64_t tokens, int64_t batch, int64_t seq) const;
};

/// A dimension of a model input or output: a constant or batch/seq.
struct Dim {
  Sym sym = Sym::One;
  int64_t value = 0;
};

struct TensorInfo {
  std::string name;
  DType dtype = DType::F32;
  std::vector<Dim> dims;
  /// For integer inputs: values must lie in [0, valueLimit); 0 = unchecked.
  int64_t valueLimit = 0;
};

/// A kernel argument. Memory arguments are passed as the memref descriptor
/// {pointer, pointer, offset 0, size, stride 1}; scalars as i32 or f32.
struct Arg {
  enum class Kind : uint8_t {
    Arena = 0,     ///< value: byte offset into the activation arena
    Weight = 1,    ///< value: byte offset into the weights
    Input = 2,     ///< value: input index
    Output = 3,    ///< value: output index
    I32 = 4,       ///< extent, evaluated at run time
    F32 = 5,       ///< value: the float's bits
    TensorMap = 6, ///< value: index into Plan::tensorMaps; passed as a
                   ///< pointer to the encoded map in device memory
    State = 7,     ///< value: index into Plan::stateBytes
  };
  Kind kind = Kind::I32;
  uint64_t value = 0;
  Extent extent;
};

/// A TMA tensor map the runtime encodes once the buffers are allocated:
/// `buffer` (an Arena or Weight argument) read as a row-major [rows, cols]
/// matrix of `dtype`, in boxes of [boxRows, boxCols] with the 128-byte
/// swizzle; out-of-range rows and columns read as zeros.
struct TensorMap {
  Arg buffer;
  DType dtype = DType::BF16;
  uint64_t rows = 0, cols = 0;
  uint32_t boxRows = 0, boxCols = 0;
};

struct Launch {
  uint32_t kernel = 0; ///< index into Plan::kernels
  /// The launch runs only for calls of at least minTokens tokens and, when
  /// maxTokens is not 0, at most maxTokens (kernels chosen by size).
  int64_t minTokens = 0, maxTokens = 0;
  Extent grid[3];
  uint32_t block[3] = {1, 1, 1};
  uint32_t sharedBytes = 0;
  std::vector<Arg> args;
  /// The layer it computes ("ffn 3", "attention 1", a node name) or "".
  std::string layer;
};

struct Plan {
  uint64_t fingerprint = 0;
  std::string target;    ///< e.g. sm_90
  std::string precision; ///< bf16, fp16 or fp32
  std::string weightsFile; ///< the sidecar's name, beside the cubin
  uint64_t weightsBytes = 0;
  int64_t maxTokens = 0;
  int64_t maxBatch = 0; ///< 0: any batch up to maxTokens
  int64_t maxSeq = 0;   ///< 0: any sequence up to maxTokens
  uint64_t arenaBytes = 0;
  /// For generation: positions each cache holds; 0 for a plain forward.
  int64_t maxContext = 0;
  /// Buffers kept between calls (KV caches), zero-filled at load.
  std::vector<uint64_t> stateBytes;
  std::vector<std::string> kernels;
  std::vector<TensorInfo> inputs, outputs;
  std::vector<TensorMap> tensorMaps;
  std::vector<Launch> launches;
};

/// The plan's bytes; `fingerprint` is stored as given.
std::vector<uint8_t> serializePlan(const Plan &plan);
/// Parses a plan; on failure returns false and sets `error`.
bool deserializePlan(const uint8_t *data, size_t size, Plan &plan,
                     std::string &error);

/// 64-bit FNV-1a, continuing from `seed`.
uint64_t fnv1a(const void *data, size_t size,
               uint64_t seed = 0xcbf29ce484222325ull);

/// Folds `size` bytes into `seed` at memory speed: four independent lanes
/// of 64-bit multiply-rotate over 32-byte strides, the tail through
/// fnv1a(). For the weights, gigabytes of them.
uint64_t hashBlock(const void *data, size_t size, uint64_t seed);

/// The fingerprint that ties a plan to its weights is FNV-1a over the plan
/// serialized with fingerprint 0, then hashBlock() over each block of the
/// weights as they are written: this is the first half.
uint64_t fingerprintSeed(const Plan &plan);

/// The sidecar header, at offset 0 of the weights file.
struct SidecarHeader {
  char magic[8]; ///< "FFNWGHT\0"
  uint32_t version;
  uint32_t reserved;
  uint64_t fingerprint;
  uint64_t dataOffset;
  uint64_t dataBytes;
};
SidecarHeader makeSidecarHeader(uint64_t fingerprint, uint64_t dataBytes);
/// Checks magic, version and sizes against a file of `fileBytes`.
bool checkSidecarHeader(const SidecarHeader &header, uint64_t fileBytes,
                        std::string &error);

/// The sidecar's bytes before its data: the header, padded to the data
/// offset.
std::vector<uint8_t> sidecarPrefix(uint64_t fingerprint, uint64_t dataBytes);

} // namespace ffnrt

#endif // FFN_RUNTIME_PLAN_H
