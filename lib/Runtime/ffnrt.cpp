//===- ffnrt.cpp - The ffnc runtime: loading and running ------------------===//

#include "Model.h"

#include "ffn/Support/Files.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

using namespace ffnrt;

namespace ffnrt::detail {

thread_local std::string lastError;

ffnrt_status fail(const std::string &message) {
  lastError = message;
  return FFNRT_ERROR;
}

const Driver &driver() {
  static Driver d = [] {
    Driver d;
    void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      d.error = "no CUDA driver found (libcuda.so.1): this machine has no "
                "NVIDIA GPU driver installed";
      return d;
    }
#define FFNRT_RESOLVE(name)                                                    \
  d.name = reinterpret_cast<decltype(d.name)>(dlsym(lib, FFNRT_STR(name)));     \
  if (!d.name && d.error.empty())                                              \
    d.error = "the CUDA driver lacks " FFNRT_STR(name) " (driver too old?)";
    FFNRT_DRIVER_FUNCTIONS(FFNRT_RESOLVE)
#undef FFNRT_RESOLVE
    if (d.error.empty())
      if (CUresult r = d.cuInit(0); r != CUDA_SUCCESS) {
        const char *s = nullptr;
        d.cuGetErrorString(r, &s);
        d.error = std::string("cuInit failed: ") + (s ? s : "unknown error") +
                  (r == CUDA_ERROR_NO_DEVICE ? " (no GPU on this machine)" : "");
      }
    return d;
  }();
  return d;
}

std::string describe(CUresult r, const char *what) {
  const char *s = nullptr;
  if (driver().cuGetErrorString)
    driver().cuGetErrorString(r, &s);
  return std::string(what) + ": " + (s ? s : "unknown CUDA error");
}

} // namespace ffnrt::detail

using namespace ffnrt::detail;

ffnrt_model::~ffnrt_model() {
  const Driver &d = driver();
  if (!d.error.empty() || !context)
    return;
  d.cuCtxSetCurrent(context);
  if (graph)
    d.cuGraphExecDestroy(graph);
  for (DeviceBuffer *b : {&weights, &arena, &tensorMaps})
    if (b->ptr)
      d.cuMemFree(b->ptr);
  for (auto *list : {&inputs, &outputs, &states})
    for (DeviceBuffer &b : *list)
      if (b.ptr)
        d.cuMemFree(b.ptr);
  if (stream)
    d.cuStreamDestroy(stream);
  if (module)
    d.cuModuleUnload(module);
  d.cuDevicePrimaryCtxRelease(device);
}

namespace {

/// Encodes the plan's tensor maps over the allocated weights and arena and
/// copies them to the device, where kernels read them.
ffnrt_status encodeTensorMaps(ffnrt_model &m) {
  const Driver &d = driver();
  std::vector<CUtensorMap> maps(m.plan.tensorMaps.size());
  if (maps.empty())
    return FFNRT_OK;
  for (size_t i = 0; i < maps.size(); ++i) {
    const TensorMap &t = m.plan.tensorMaps[i];
    const DeviceBuffer &buffer =
        t.buffer.kind == Arg::Kind::Arena ? m.arena : m.weights;
    uint64_t elem = dtypeBytes(t.dtype);
    if (t.buffer.value > buffer.bytes ||
        t.rows * t.cols * elem > buffer.bytes - t.buffer.value)
      return fail("tensor map " + std::to_string(i) +
                  " reaches past the end of its buffer (corrupt plan?)");
    cuuint64_t dims[2] = {t.cols, t.rows};
    cuuint64_t strides[1] = {t.cols * elem};
    cuuint32_t box[2] = {t.boxCols, t.boxRows};
    cuuint32_t elementStrides[2] = {1, 1};
    CUtensorMapDataType type =
        t.dtype == DType::BF16   ? CU_TENSOR_MAP_DATA_TYPE_BFLOAT16
        : t.dtype == DType::F16  ? CU_TENSOR_MAP_DATA_TYPE_FLOAT16
                                 : CU_TENSOR_MAP_DATA_TYPE_FLOAT32;
    FFNRT_CHECK(
        d.cuTensorMapEncodeTiled(
            &maps[i], type, 2,
            reinterpret_cast<void *>(buffer.ptr + t.buffer.value), dims,
            strides, box, elementStrides, CU_TENSOR_MAP_INTERLEAVE_NONE,
            CU_TENSOR_MAP_SWIZZLE_128B, CU_TENSOR_MAP_L2_PROMOTION_L2_256B,
            CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE),
        ("encoding tensor map " + std::to_string(i)).c_str());
  }
  m.tensorMaps.bytes = maps.size() * sizeof(CUtensorMap);
  FFNRT_CHECK(d.cuMemAlloc(&m.tensorMaps.ptr, m.tensorMaps.bytes),
              "allocating the tensor maps");
  FFNRT_CHECK(d.cuMemcpyHtoD(m.tensorMaps.ptr, maps.data(), m.tensorMaps.bytes),
              "uploading the tensor maps");
  return FFNRT_OK;
}

/// Kernels that take more than the default 48 KiB of dynamic shared memory
/// must say so before their first launch.
ffnrt_status allowSharedMemory(ffnrt_model &m) {
  const Driver &d = driver();
  std::vector<uint32_t> most(m.functions.size(), 0);
  for (const Launch &l : m.plan.launches)
    most[l.kernel] = std::max(most[l.kernel], l.sharedBytes);
  for (size_t k = 0; k < most.size(); ++k)
    if (most[k] > 48 * 1024)
      FFNRT_CHECK(d.cuFuncSetAttribute(
                      m.functions[k],
                      CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, most[k]),
                  ("allowing " + std::to_string(most[k]) +
                   " bytes of shared memory to " + m.plan.kernels[k])
                      .c_str());
  return FFNRT_OK;
}

std::vector<uint8_t> readFile(const std::string &path, std::string &error) {
  if (std::string why = ffnsupport::whyNotReadable(path); !why.empty()) {
    error = path + " " + why;
    return {};
  }
  std::ifstream is(path, std::ios::binary);
  if (!is) {
    error = "cannot open " + path;
    return {};
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(is)),
                             std::istreambuf_iterator<char>());
  return bytes;
}

std::string dirOf(const std::string &path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

int64_t numElements(const std::vector<Dim> &dims, int64_t batch, int64_t seq) {
  int64_t n = 1;
  for (const Dim &d : dims)
    n *= d.sym == Sym::Batch ? batch : d.sym == Sym::Seq ? seq : d.value;
  return n;
}

/// Uploads the sidecar: mapped, checked, copied once.
ffnrt_status uploadWeights(ffnrt_model &m, const std::string &path) {
  if (m.plan.weightsFile.find('/') != std::string::npos)
    return fail("the plan names a weights file outside the cubin's folder: " +
                m.plan.weightsFile);
  if (std::string why = ffnsupport::whyNotReadable(path); !why.empty())
    return fail("the weights file " + path + " " + why);
  int fd = open(path.c_str(), O_RDONLY);
  if (fd < 0)
    return fail("cannot open the weights file " + path + ": " +
                std::strerror(errno));
  struct stat st;
  fstat(fd, &st);
  uint64_t size = st.st_size;
  void *map = size ? mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0)
                   : MAP_FAILED;
  close(fd);
  if (map == MAP_FAILED)
    return fail("cannot map the weights file " + path);
  std::unique_ptr<void, std::function<void(void *)>> unmap(
      map, [size](void *p) { munmap(p, size); });
  SidecarHeader header;
  std::memcpy(&header, map, std::min<uint64_t>(size, sizeof(header)));
  std::string error;
  if (!checkSidecarHeader(header, size, error))
    return fail(path + ": " + error);
  if (header.fingerprint != m.plan.fingerprint) {
    std::ostringstream os;
    os << path << " does not belong to this cubin (fingerprint " << std::hex
       << header.fingerprint << ", the cubin expects " << m.plan.fingerprint
       << "); recompile or copy both files together";
    return fail(os.str());
  }
  if (header.dataBytes != m.plan.weightsBytes)
    return fail(path + ": holds " + std::to_string(header.dataBytes) +
                " bytes of weights, the plan expects " +
                std::to_string(m.plan.weightsBytes));
  const Driver &d = driver();
  m.weights.bytes = std::max<uint64_t>(header.dataBytes, 1);
  FFNRT_CHECK(d.cuMemAlloc(&m.weights.ptr, m.weights.bytes),
              "allocating the weights");
  if (header.dataBytes)
    FFNRT_CHECK(d.cuMemcpyHtoD(m.weights.ptr,
                               static_cast<const char *>(map) +
                                   header.dataOffset,
                               header.dataBytes),
                "uploading the weights");
  // A copy from pageable memory may return before its DMA lands.
  FFNRT_CHECK(d.cuCtxSynchronize(), "uploading the weights");
  return FFNRT_OK;
}

ffnrt_status load(const char *cubinPath, int deviceIndex, ffnrt_model &m) {
  const Driver &d = driver();
  if (!d.error.empty())
    return fail(d.error);
  int count = 0;
  FFNRT_CHECK(d.cuDeviceGetCount(&count), "counting GPUs");
  if (deviceIndex < 0 || deviceIndex >= count)
    return fail("GPU " + std::to_string(deviceIndex) + " does not exist (" +
                std::to_string(count) + " found)");
  FFNRT_CHECK(d.cuDeviceGet(&m.device, deviceIndex), "opening the GPU");
  char name[256] = {0};
  d.cuDeviceGetName(name, sizeof(name) - 1, m.device);
  m.deviceName = name;
  FFNRT_CHECK(d.cuDevicePrimaryCtxRetain(&m.context, m.device),
              "creating a context");
  FFNRT_CHECK(d.cuCtxSetCurrent(m.context), "selecting the context");

  std::string error;
  std::vector<uint8_t> cubin = readFile(cubinPath, error);
  if (!error.empty())
    return fail(error);
  if (cubin.size() < 4 || std::memcmp(cubin.data(), "\x7f" "ELF", 4) != 0)
    return fail(std::string(cubinPath) + " is not a cubin (no ELF header)");
  CUresult r = d.cuModuleLoadData(&m.module, cubin.data());
  if (r != CUDA_SUCCESS) {
    int major = 0, minor = 0;
    d.cuDeviceGetAttribute(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR,
                           m.device);
    d.cuDeviceGetAttribute(&minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR,
                           m.device);
    return fail(describe(r, "loading the cubin") + " (this GPU is sm_" +
                std::to_string(major) + std::to_string(minor) +
                "; was the model compiled for another --target?)");
  }
  CUdeviceptr planPtr;
  size_t planBytes;
  FFNRT_CHECK(d.cuModuleGetGlobal(&planPtr, &planBytes, m.module, kPlanSymbol),
              "finding the launch plan in the cubin (not made by ffnc?)");
  std::vector<uint8_t> planData(planBytes);
  FFNRT_CHECK(d.cuMemcpyDtoH(planData.data(), planPtr, planBytes),
              "reading the launch plan");
  if (!deserializePlan(planData.data(), planData.size(), m.plan, error))
    return fail(std::string(cubinPath) + ": " + error);
  for (const std::string &kernel : m.plan.kernels) {
    CUfunction f;
    FFNRT_CHECK(d.cuModuleGetFunction(&f, m.module, kernel.c_str()),
                ("finding kernel " + kernel).c_str());
    m.functions.push_back(f);
  }
  if (ffnrt_status s = uploadWeights(
          m, dirOf(cubinPath) + "/" + m.plan.weightsFile);
      s != FFNRT_OK)
    return s;
  m.arena.bytes = std::max<uint64_t>(m.plan.arenaBytes, 1);
  FFNRT_CHECK(d.cuMemAlloc(&m.arena.ptr, m.arena.bytes),
              "allocating the activation arena");
  if (ffnrt_status s = encodeTensorMaps(m); s != FFNRT_OK)
    return s;
  if (ffnrt_status s = allowSharedMemory(m); s != FFNRT_OK)
    return s;
  // Inputs and outputs are sized for the largest token count.
  int64_t maxBatch = m.plan.maxBatch ? m.plan.maxBatch : m.plan.maxTokens;
  for (auto [infos, buffers] : {std::pair{&m.plan.inputs, &m.inputs},
                                std::pair{&m.plan.outputs, &m.outputs}}) {
    for (const TensorInfo &t : *infos) {
      DeviceBuffer b;
      int64_t most = 1;
      for (const Dim &dim : t.dims)
        most *= dim.sym == Sym::One ? dim.value : dim.sym == Sym::Batch
                                                      ? maxBatch
                                                      : m.plan.maxTokens;
      most = std::min<int64_t>(most, [&] {
        int64_t perToken = 1;
        for (const Dim &dim : t.dims)
          if (dim.sym == Sym::One)
            perToken *= dim.value;
        return perToken * m.plan.maxTokens;
      }());
      b.bytes = std::max<int64_t>(most, 1) * dtypeBytes(t.dtype);
      FFNRT_CHECK(d.cuMemAlloc(&b.ptr, b.bytes), "allocating an input/output");
      buffers->push_back(b);
    }
  }
  m.inputExtents.resize(m.plan.inputs.size());
  for (uint64_t bytes : m.plan.stateBytes) {
    DeviceBuffer b;
    b.bytes = bytes;
    FFNRT_CHECK(d.cuMemAlloc(&b.ptr, b.bytes), "allocating a KV cache");
    m.states.push_back(b);
  }
  FFNRT_CHECK(d.cuStreamCreate(&m.stream, CU_STREAM_DEFAULT),
              "creating a stream");
  return ffnrt_reset(&m);
}

} // namespace

ffnrt_status ffnrt_model::launchAll(const std::vector<CUevent> *marks,
                                    bool capturing) {
  const Driver &d = driver();
  // Without the external flag, a record in a capture only orders streams
  // and leaves no node that times anything.
  unsigned recordFlags =
      capturing ? CU_EVENT_RECORD_EXTERNAL : CU_EVENT_RECORD_DEFAULT;
  for (size_t i = 0; i < plan.launches.size(); ++i) {
    const Launch &l = plan.launches[i];
    if (marks)
      d.cuEventRecordWithFlags((*marks)[i], stream, recordFlags);
    if (!runs(l))
      continue;
    // Memory arguments are memref descriptors: 5 words; scalars one word.
    std::vector<uint64_t> storage(l.args.size() * 5);
    std::vector<void *> params;
    params.reserve(storage.size());
    uint64_t *slot = storage.data();
    for (const Arg &a : l.args) {
      CUdeviceptr base = 0;
      uint64_t size = 0;
      switch (a.kind) {
      case Arg::Kind::Arena:
        base = arena.ptr + a.value, size = arena.bytes - a.value;
        break;
      case Arg::Kind::Weight:
        base = weights.ptr + a.value, size = weights.bytes - a.value;
        break;
      case Arg::Kind::Input:
        base = inputs[a.value].ptr, size = inputs[a.value].bytes;
        break;
      case Arg::Kind::Output:
        base = outputs[a.value].ptr, size = outputs[a.value].bytes;
        break;
      case Arg::Kind::State:
        base = states[a.value].ptr, size = states[a.value].bytes;
        break;
      case Arg::Kind::I32: {
        int32_t v = a.extent.evaluate(tokens, batch, seq);
        std::memcpy(slot, &v, 4);
        params.push_back(slot++);
        continue;
      }
      case Arg::Kind::F32: {
        uint32_t bits = a.value;
        std::memcpy(slot, &bits, 4);
        params.push_back(slot++);
        continue;
      }
      case Arg::Kind::TensorMap:
        *slot = tensorMaps.ptr + a.value * sizeof(CUtensorMap);
        params.push_back(slot++);
        continue;
      }
      uint64_t descriptor[5] = {base, base, 0, size, 1};
      for (uint64_t word : descriptor) {
        *slot = word;
        params.push_back(slot++);
      }
    }
    unsigned grid[3];
    gridOf(l, grid);
    CUresult r = d.cuLaunchKernel(functions[l.kernel], grid[0], grid[1],
                                  grid[2], l.block[0], l.block[1], l.block[2],
                                  l.sharedBytes, stream, params.data(),
                                  nullptr);
    if (r != CUDA_SUCCESS)
      return fail(describe(r, ("launch " + std::to_string(i) + " (" +
                               plan.kernels[l.kernel] + ")")
                                  .c_str()));
  }
  if (marks)
    d.cuEventRecordWithFlags(marks->back(), stream, recordFlags);
  return FFNRT_OK;
}

std::string ffnrt_model::inputsProblem() const {
  for (size_t i = 0; i < inputExtents.size(); ++i) {
    const std::string &name = plan.inputs[i].name;
    if (!inputExtents[i])
      return "set input '" + name + "' before running";
    auto [b, s] = *inputExtents[i];
    if (b != batch || s != seq)
      return "input '" + name + "' has batch " + std::to_string(b) +
             " and sequence length " + std::to_string(s) +
             ", the input set last " + std::to_string(batch) + " and " +
             std::to_string(seq) + ": every input must agree";
  }
  return "";
}

ffnrt_status ffnrt_model::enqueue() {
  if (std::string why = inputsProblem(); !why.empty())
    return fail(why);
  const Driver &d = driver();
  FFNRT_CHECK(d.cuCtxSetCurrent(context), "selecting the context");
  if (!useGraphs)
    return launchAll();
  if (!graph || graphTokens != tokens || graphBatch != batch) {
    if (graph)
      d.cuGraphExecDestroy(graph), graph = nullptr;
    FFNRT_CHECK(d.cuStreamBeginCapture(stream, CU_STREAM_CAPTURE_MODE_GLOBAL),
                "capturing a graph");
    ffnrt_status s = launchAll();
    CUgraph g = nullptr;
    CUresult r = d.cuStreamEndCapture(stream, &g);
    if (s != FFNRT_OK)
      return s;
    if (r != CUDA_SUCCESS)
      return fail(describe(r, "capturing a graph"));
    r = d.cuGraphInstantiate(&graph, g, 0);
    d.cuGraphDestroy(g);
    if (r != CUDA_SUCCESS)
      return fail(describe(r, "instantiating the graph"));
    graphTokens = tokens, graphBatch = batch;
  }
  FFNRT_CHECK(d.cuGraphLaunch(graph, stream), "launching the graph");
  return FFNRT_OK;
}

extern "C" {

const char *ffnrt_error(void) { return lastError.c_str(); }

ffnrt_status ffnrt_load(const char *cubin_path, int device,
                        ffnrt_model **model) {
  *model = nullptr;
  auto m = std::make_unique<ffnrt_model>();
  if (ffnrt_status s = load(cubin_path, device, *m); s != FFNRT_OK)
    return s;
  *model = m.release();
  return FFNRT_OK;
}

void ffnrt_destroy(ffnrt_model *model) { delete model; }

int ffnrt_num_inputs(const ffnrt_model *m) { return m->plan.inputs.size(); }
int ffnrt_num_outputs(const ffnrt_model *m) { return m->plan.outputs.size(); }
const char *ffnrt_input_name(const ffnrt_model *m, int i) {
  return i >= 0 && i < ffnrt_num_inputs(m) ? m->plan.inputs[i].name.c_str()
                                           : nullptr;
}
const char *ffnrt_output_name(const ffnrt_model *m, int i) {
  return i >= 0 && i < ffnrt_num_outputs(m) ? m->plan.outputs[i].name.c_str()
                                            : nullptr;
}

ffnrt_status ffnrt_set_input(ffnrt_model *m, const char *name,
                             ffnrt_dtype dtype, const int64_t *shape, int rank,
                             const void *data) {
  const Plan &plan = m->plan;
  int index = -1;
  std::string known;
  for (size_t i = 0; i < plan.inputs.size(); ++i) {
    known += (i ? ", " : "") + plan.inputs[i].name;
    if (plan.inputs[i].name == name)
      index = i;
  }
  if (index < 0)
    return fail(std::string("the model has no input '") + name +
                "' (inputs: " + known + ")");
  const TensorInfo &info = plan.inputs[index];
  if (static_cast<DType>(dtype) != info.dtype)
    return fail("input '" + info.name + "' must be " + dtypeName(info.dtype) +
                ", got " + dtypeName(static_cast<DType>(dtype)));
  std::string expected = "[";
  for (size_t k = 0; k < info.dims.size(); ++k)
    expected += (k ? ", " : "") +
                (info.dims[k].sym == Sym::Batch ? std::string("batch")
                 : info.dims[k].sym == Sym::Seq ? std::string("seq")
                                                : std::to_string(
                                                      info.dims[k].value));
  expected += "]";
  std::string got = "[";
  for (int k = 0; k < rank; ++k)
    got += (k ? ", " : "") + std::to_string(shape[k]);
  got += "]";
  if (rank != static_cast<int>(info.dims.size()))
    return fail("input '" + info.name + "' must have shape " + expected +
                ", got " + got);
  int64_t batch = 1, seq = 1;
  for (int k = 0; k < rank; ++k) {
    const Dim &dim = info.dims[k];
    if (shape[k] < 1 || (dim.sym == Sym::One && shape[k] != dim.value))
      return fail("input '" + info.name + "' must have shape " + expected +
                  ", got " + got);
    if (dim.sym == Sym::Batch)
      batch = shape[k];
    if (dim.sym == Sym::Seq)
      seq = shape[k];
  }
  if (plan.maxBatch && batch > plan.maxBatch)
    return fail("input '" + info.name + "' has batch " +
                std::to_string(batch) +
                (plan.maxContext
                     ? "; the model was compiled with --max-batch=" +
                           std::to_string(plan.maxBatch)
                     : "; this model was exported for batch " +
                           std::to_string(plan.maxBatch) +
                           " (run rows one at a time)"));
  if (plan.maxSeq && seq > plan.maxSeq)
    return fail("input '" + info.name + "' has sequence length " +
                std::to_string(seq) + "; the model supports at most " +
                std::to_string(plan.maxSeq) + " (e.g. its position table)");
  if (batch * seq > plan.maxTokens)
    return fail("input '" + info.name + "' has " +
                std::to_string(batch * seq) +
                " tokens; the model was compiled with --max-tokens=" +
                std::to_string(plan.maxTokens));
  int64_t n = batch * seq;
  if (info.valueLimit && info.dtype == DType::I64) {
    const auto *ids = static_cast<const int64_t *>(data);
    for (int64_t e = 0; e < n; ++e)
      if (ids[e] < 0 || ids[e] >= info.valueLimit)
        return fail("input '" + info.name + "' holds " +
                    std::to_string(ids[e]) + " at flat index " +
                    std::to_string(e) + ", outside [0, " +
                    std::to_string(info.valueLimit) + ")");
  }
  const Driver &d = driver();
  FFNRT_CHECK(d.cuCtxSetCurrent(m->context), "selecting the context");
  // Ordered with the launches on the model's stream, and complete before
  // the caller may free `data`.
  FFNRT_CHECK(d.cuMemcpyHtoDAsync(m->inputs[index].ptr, data,
                                  n * dtypeBytes(info.dtype), m->stream),
              "uploading an input");
  FFNRT_CHECK(d.cuStreamSynchronize(m->stream), "uploading an input");
  m->tokens = n, m->batch = batch, m->seq = seq;
  m->inputExtents[index] = {batch, seq};
  return FFNRT_OK;
}

ffnrt_status ffnrt_use_graphs(ffnrt_model *m, int enable) {
  m->useGraphs = enable != 0;
  return FFNRT_OK;
}

ffnrt_status ffnrt_run(ffnrt_model *m) {
  if (ffnrt_status s = m->enqueue(); s != FFNRT_OK)
    return s;
  FFNRT_CHECK(driver().cuStreamSynchronize(m->stream), "running the model");
  return FFNRT_OK;
}

ffnrt_status ffnrt_output_shape(const ffnrt_model *m, int index,
                                int64_t *shape, int *rank) {
  if (index < 0 || index >= ffnrt_num_outputs(m))
    return fail("no output " + std::to_string(index));
  const TensorInfo &t = m->plan.outputs[index];
  *rank = t.dims.size();
  for (size_t k = 0; k < t.dims.size() && k < 8; ++k)
    shape[k] = t.dims[k].sym == Sym::Batch ? m->batch
               : t.dims[k].sym == Sym::Seq ? m->seq
                                           : t.dims[k].value;
  return FFNRT_OK;
}

ffnrt_status ffnrt_get_output(ffnrt_model *m, int index, void *data,
                              size_t bytes) {
  if (index < 0 || index >= ffnrt_num_outputs(m))
    return fail("no output " + std::to_string(index));
  const TensorInfo &t = m->plan.outputs[index];
  size_t need = numElements(t.dims, m->batch, m->seq) * dtypeBytes(t.dtype);
  if (bytes < need)
    return fail("output buffer holds " + std::to_string(bytes) +
                " bytes, output '" + t.name + "' needs " +
                std::to_string(need));
  FFNRT_CHECK(driver().cuCtxSetCurrent(m->context), "selecting the context");
  FFNRT_CHECK(driver().cuMemcpyDtoH(data, m->outputs[index].ptr, need),
              "reading an output");
  return FFNRT_OK;
}

const char *ffnrt_device_name(const ffnrt_model *m) {
  return m->deviceName.c_str();
}
const char *ffnrt_target(const ffnrt_model *m) { return m->plan.target.c_str(); }
const char *ffnrt_precision(const ffnrt_model *m) {
  return m->plan.precision.c_str();
}
uint64_t ffnrt_weight_bytes(const ffnrt_model *m) {
  return m->plan.weightsBytes;
}
int ffnrt_num_launches(const ffnrt_model *m) { return m->plan.launches.size(); }

} // extern "C"
