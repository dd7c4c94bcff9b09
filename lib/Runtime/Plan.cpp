//===- Plan.cpp - The launch plan and weights sidecar formats -------------===//

#include "ffn/Runtime/Plan.h"

#include <cstring>

using namespace ffnrt;

const char *ffnrt::dtypeName(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "float32";
  case DType::F16:
    return "float16";
  case DType::BF16:
    return "bfloat16";
  case DType::I64:
    return "int64";
  }
  return "?";
}

unsigned ffnrt::dtypeBytes(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return 4;
  case DType::F16:
  case DType::BF16:
    return 2;
  case DType::I64:
    return 8;
  }
  return 0;
}

int64_t Extent::evaluate(int64_t tokens, int64_t batch, int64_t seq) const {
  int64_t v = sym == Sym::Tokens ? tokens
              : sym == Sym::Batch ? batch
              : sym == Sym::Seq   ? seq
                                  : 1;
  int64_t n = mul * v + add;
  return (n + div - 1) / div;
}

uint64_t ffnrt::fnv1a(const void *data, size_t size, uint64_t seed) {
  const auto *bytes = static_cast<const uint8_t *>(data);
  for (size_t i = 0; i < size; ++i) {
    seed ^= bytes[i];
    seed *= 0x100000001b3ull;
  }
  return seed;
}

uint64_t ffnrt::hashBlock(const void *data, size_t size, uint64_t seed) {
  constexpr uint64_t kPrime = 0x9e3779b97f4a7c15ull;
  auto rotl = [](uint64_t x, int r) { return (x << r) | (x >> (64 - r)); };
  const auto *bytes = static_cast<const uint8_t *>(data);
  uint64_t lanes[4] = {seed, seed ^ kPrime, rotl(seed, 17), ~seed};
  size_t strides = size / 32;
  for (size_t i = 0; i < strides; ++i)
    for (int l = 0; l < 4; ++l) {
      uint64_t word;
      std::memcpy(&word, bytes + i * 32 + l * 8, 8);
      lanes[l] = rotl((lanes[l] ^ word) * kPrime, 31);
    }
  uint64_t h = seed;
  for (uint64_t lane : lanes)
    h = fnv1a(&lane, 8, h);
  return fnv1a(bytes + strides * 32, size - strides * 32, h);
}

namespace {
constexpr char kPlanMagic[8] = {'F', 'F', 'N', 'P', 'L', 'A', 'N', 0};
constexpr char kSidecarMagic[8] = {'F', 'F', 'N', 'W', 'G', 'H', 'T', 0};

/// Little-endian writer; the hosts we target are all little-endian.
struct Writer {
  std::vector<uint8_t> out;
  template <typename T> void pod(T v) {
    const auto *p = reinterpret_cast<const uint8_t *>(&v);
    out.insert(out.end(), p, p + sizeof(T));
  }
  void str(const std::string &s) {
    pod<uint32_t>(s.size());
    out.insert(out.end(), s.begin(), s.end());
  }
  void extent(const Extent &e) {
    pod<uint8_t>(static_cast<uint8_t>(e.sym));
    pod(e.mul);
    pod(e.add);
    pod(e.div);
  }
  void tensor(const TensorInfo &t) {
    str(t.name);
    pod<uint8_t>(static_cast<uint8_t>(t.dtype));
    pod<uint32_t>(t.dims.size());
    for (const Dim &d : t.dims) {
      pod<uint8_t>(static_cast<uint8_t>(d.sym));
      pod(d.value);
    }
    pod(t.valueLimit);
  }
  void arg(const Arg &a) {
    pod<uint8_t>(static_cast<uint8_t>(a.kind));
    pod(a.value);
    extent(a.extent);
  }
};

/// Bounds-checked reader: every read past the end sets `failed`.
struct Reader {
  const uint8_t *data;
  size_t size, at = 0;
  bool failed = false;
  template <typename T> T pod() {
    T v{};
    if (at + sizeof(T) > size) {
      failed = true;
      return v;
    }
    std::memcpy(&v, data + at, sizeof(T));
    at += sizeof(T);
    return v;
  }
  std::string str() {
    uint32_t n = pod<uint32_t>();
    if (failed || at + n > size) {
      failed = true;
      return {};
    }
    std::string s(reinterpret_cast<const char *>(data + at), n);
    at += n;
    return s;
  }
  /// A count of items that each take at least `minBytes`.
  uint32_t count(size_t minBytes) {
    uint32_t n = pod<uint32_t>();
    if (failed || n > (size - at) / minBytes) {
      failed = true;
      return 0;
    }
    return n;
  }
  template <typename E> E enumeration(uint8_t last) {
    uint8_t v = pod<uint8_t>();
    if (v > last)
      failed = true;
    return static_cast<E>(v);
  }
  Extent extent() {
    Extent e;
    e.sym = enumeration<Sym>(3);
    e.mul = pod<int64_t>();
    e.add = pod<int64_t>();
    e.div = pod<int64_t>();
    if (e.div <= 0)
      failed = true;
    return e;
  }
  TensorInfo tensor() {
    TensorInfo t;
    t.name = str();
    t.dtype = enumeration<DType>(3);
    uint32_t rank = count(9);
    for (uint32_t i = 0; i < rank && !failed; ++i) {
      Dim d;
      d.sym = enumeration<Sym>(3);
      d.value = pod<int64_t>();
      t.dims.push_back(d);
    }
    t.valueLimit = pod<int64_t>();
    return t;
  }
  Arg arg() {
    Arg a;
    a.kind = enumeration<Arg::Kind>(7);
    a.value = pod<uint64_t>();
    a.extent = extent();
    return a;
  }
};
} // namespace

std::vector<uint8_t> ffnrt::serializePlan(const Plan &plan) {
  Writer w;
  w.out.insert(w.out.end(), kPlanMagic, kPlanMagic + 8);
  w.pod<uint32_t>(kFormatVersion);
  w.pod(plan.fingerprint);
  w.str(plan.target);
  w.str(plan.precision);
  w.str(plan.weightsFile);
  w.pod(plan.weightsBytes);
  w.pod(plan.maxTokens);
  w.pod(plan.maxBatch);
  w.pod(plan.maxSeq);
  w.pod(plan.arenaBytes);
  w.pod(plan.maxContext);
  w.pod<uint32_t>(plan.stateBytes.size());
  for (uint64_t bytes : plan.stateBytes)
    w.pod(bytes);
  w.pod<uint32_t>(plan.kernels.size());
  for (const std::string &k : plan.kernels)
    w.str(k);
  for (const auto *list : {&plan.inputs, &plan.outputs}) {
    w.pod<uint32_t>(list->size());
    for (const TensorInfo &t : *list)
      w.tensor(t);
  }
  w.pod<uint32_t>(plan.tensorMaps.size());
  for (const TensorMap &m : plan.tensorMaps) {
    w.arg(m.buffer);
    w.pod<uint8_t>(static_cast<uint8_t>(m.dtype));
    w.pod(m.rows);
    w.pod(m.cols);
    w.pod(m.boxRows);
    w.pod(m.boxCols);
  }
  w.pod<uint32_t>(plan.launches.size());
  for (const Launch &l : plan.launches) {
    w.pod(l.kernel);
    w.pod(l.minTokens);
    w.pod(l.maxTokens);
    for (const Extent &e : l.grid)
      w.extent(e);
    for (uint32_t b : l.block)
      w.pod(b);
    w.pod(l.sharedBytes);
    w.pod<uint32_t>(l.args.size());
    for (const Arg &a : l.args)
      w.arg(a);
    w.str(l.layer);
  }
  return w.out;
}

bool ffnrt::deserializePlan(const uint8_t *data, size_t size, Plan &plan,
                              std::string &error) {
  plan = Plan();
  Reader r{data, size};
  if (size < 12 || std::memcmp(data, kPlanMagic, 8) != 0) {
    error = "not an ffnc launch plan (bad magic)";
    return false;
  }
  r.at = 8;
  uint32_t version = r.pod<uint32_t>();
  if (version != kFormatVersion) {
    error = "launch plan format version " + std::to_string(version) +
            ", this runtime reads version " + std::to_string(kFormatVersion);
    return false;
  }
  plan.fingerprint = r.pod<uint64_t>();
  plan.target = r.str();
  plan.precision = r.str();
  plan.weightsFile = r.str();
  plan.weightsBytes = r.pod<uint64_t>();
  plan.maxTokens = r.pod<int64_t>();
  plan.maxBatch = r.pod<int64_t>();
  plan.maxSeq = r.pod<int64_t>();
  plan.arenaBytes = r.pod<uint64_t>();
  plan.maxContext = r.pod<int64_t>();
  uint32_t states = r.count(8);
  for (uint32_t i = 0; i < states && !r.failed; ++i)
    plan.stateBytes.push_back(r.pod<uint64_t>());
  uint32_t kernels = r.count(4);
  for (uint32_t i = 0; i < kernels && !r.failed; ++i)
    plan.kernels.push_back(r.str());
  for (auto *list : {&plan.inputs, &plan.outputs}) {
    uint32_t n = r.count(9);
    for (uint32_t i = 0; i < n && !r.failed; ++i)
      list->push_back(r.tensor());
  }
  uint32_t maps = r.count(59);
  for (uint32_t i = 0; i < maps && !r.failed; ++i) {
    TensorMap m;
    m.buffer = r.arg();
    m.dtype = r.enumeration<DType>(3);
    m.rows = r.pod<uint64_t>();
    m.cols = r.pod<uint64_t>();
    m.boxRows = r.pod<uint32_t>();
    m.boxCols = r.pod<uint32_t>();
    if (!r.failed && m.buffer.kind != Arg::Kind::Arena &&
        m.buffer.kind != Arg::Kind::Weight) {
      error = "tensor map " + std::to_string(i) +
              " is over neither the arena nor the weights";
      return false;
    }
    plan.tensorMaps.push_back(m);
  }
  uint32_t launches = r.count(119);
  for (uint32_t i = 0; i < launches && !r.failed; ++i) {
    Launch l;
    l.kernel = r.pod<uint32_t>();
    l.minTokens = r.pod<int64_t>();
    l.maxTokens = r.pod<int64_t>();
    for (Extent &e : l.grid)
      e = r.extent();
    for (uint32_t &b : l.block)
      b = r.pod<uint32_t>();
    l.sharedBytes = r.pod<uint32_t>();
    uint32_t args = r.count(34);
    for (uint32_t k = 0; k < args && !r.failed; ++k) {
      Arg a = r.arg();
      if (!r.failed && a.kind == Arg::Kind::TensorMap &&
          a.value >= plan.tensorMaps.size()) {
        error = "launch " + std::to_string(i) + " names tensor map " +
                std::to_string(a.value) + " of " +
                std::to_string(plan.tensorMaps.size());
        return false;
      }
      if (!r.failed && a.kind == Arg::Kind::State &&
          a.value >= plan.stateBytes.size()) {
        error = "launch " + std::to_string(i) + " names state " +
                std::to_string(a.value) + " of " +
                std::to_string(plan.stateBytes.size());
        return false;
      }
      l.args.push_back(a);
    }
    l.layer = r.str();
    if (!r.failed && l.kernel >= plan.kernels.size()) {
      error = "launch " + std::to_string(i) + " names kernel " +
              std::to_string(l.kernel) + " of " +
              std::to_string(plan.kernels.size());
      return false;
    }
    plan.launches.push_back(std::move(l));
  }
  if (r.failed) {
    error = "truncated or corrupt launch plan";
    return false;
  }
  return true;
}

uint64_t ffnrt::fingerprintSeed(const Plan &plan) {
  Plan unsealed = plan;
  unsealed.fingerprint = 0;
  std::vector<uint8_t> bytes = serializePlan(unsealed);
  return fnv1a(bytes.data(), bytes.size());
}

SidecarHeader ffnrt::makeSidecarHeader(uint64_t fingerprint,
                                         uint64_t dataBytes) {
  SidecarHeader h{};
  std::memcpy(h.magic, kSidecarMagic, 8);
  h.version = kFormatVersion;
  h.fingerprint = fingerprint;
  h.dataOffset = kSidecarDataOffset;
  h.dataBytes = dataBytes;
  return h;
}

bool ffnrt::checkSidecarHeader(const SidecarHeader &h, uint64_t fileBytes,
                                 std::string &error) {
  if (fileBytes < sizeof(SidecarHeader) ||
      std::memcmp(h.magic, kSidecarMagic, 8) != 0) {
    error = "not an ffnc weights file (bad magic)";
    return false;
  }
  if (h.version != kFormatVersion) {
    error = "weights format version " + std::to_string(h.version) +
            ", this runtime reads version " + std::to_string(kFormatVersion);
    return false;
  }
  if (h.dataOffset < sizeof(SidecarHeader) || h.dataOffset > fileBytes ||
      h.dataBytes > fileBytes - h.dataOffset) {
    error = "weights file is truncated: header promises " +
            std::to_string(h.dataBytes) + " bytes at offset " +
            std::to_string(h.dataOffset) + ", file has " +
            std::to_string(fileBytes);
    return false;
  }
  return true;
}

std::vector<uint8_t> ffnrt::sidecarPrefix(uint64_t fingerprint,
                                          uint64_t dataBytes) {
  SidecarHeader h = makeSidecarHeader(fingerprint, dataBytes);
  std::vector<uint8_t> prefix(kSidecarDataOffset, 0);
  std::memcpy(prefix.data(), &h, sizeof(h));
  return prefix;
}
