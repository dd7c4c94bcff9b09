//===- Model.h - The runtime's state, shared by its sources -----*- C++ -*-===//
//
// Internal to libffnrt: the CUDA driver's entry points (opened with dlopen so
// that the runtime builds with only cuda.h and fails with a clear message,
// not a loader error, where no driver is installed) and the loaded model.
//
//===----------------------------------------------------------------------===//

#ifndef LIB_RUNTIME_MODEL_H
#define LIB_RUNTIME_MODEL_H

#include "ffn/Runtime/Plan.h"
#include "ffn/Runtime/Sampling.h"
#include "ffn/Runtime/ffnrt.h"

#include <cuda.h>

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace ffnrt::detail {

/// Stores `message` as the thread's last error and returns FFNRT_ERROR.
ffnrt_status fail(const std::string &message);

#define FFNRT_STR2(x) #x
#define FFNRT_STR(x) FFNRT_STR2(x)
// Each entry point under the name cuda.h maps it to (e.g. cuMemAlloc_v2).
#define FFNRT_DRIVER_FUNCTIONS(X)                                              \
  X(cuInit) X(cuDeviceGet) X(cuDeviceGetCount) X(cuDeviceGetName)              \
  X(cuDeviceGetAttribute) X(cuDevicePrimaryCtxRetain)                          \
  X(cuDevicePrimaryCtxRelease) X(cuCtxSetCurrent) X(cuCtxSynchronize)          \
  X(cuModuleLoadData) X(cuModuleUnload) X(cuModuleGetFunction)                 \
  X(cuModuleGetGlobal) X(cuMemAlloc) X(cuMemFree) X(cuMemcpyHtoD)              \
  X(cuMemcpyHtoDAsync) X(cuMemcpyDtoH) X(cuMemcpyDtoDAsync) X(cuMemsetD8)      \
  X(cuLaunchKernel) X(cuStreamCreate) X(cuStreamDestroy)                       \
  X(cuStreamSynchronize) X(cuEventCreate) X(cuEventRecord)                     \
  X(cuEventRecordWithFlags)                                                    \
  X(cuEventSynchronize) X(cuEventElapsedTime) X(cuEventDestroy)                \
  X(cuGetErrorString) X(cuStreamBeginCapture) X(cuStreamEndCapture)            \
  X(cuGraphInstantiate) X(cuGraphLaunch) X(cuGraphExecDestroy)                 \
  X(cuGraphDestroy) X(cuFuncSetAttribute) X(cuTensorMapEncodeTiled)

struct Driver {
#define FFNRT_DECLARE(name) decltype(&::name) name = nullptr;
  FFNRT_DRIVER_FUNCTIONS(FFNRT_DECLARE)
#undef FFNRT_DECLARE
  std::string error;
};

/// The driver, opened once per process; `error` says why it is unusable.
const Driver &driver();

/// "what: the driver's message for r".
std::string describe(CUresult r, const char *what);

#define FFNRT_CHECK(call, what)                                                \
  do {                                                                         \
    CUresult r_ = (call);                                                      \
    if (r_ != CUDA_SUCCESS)                                                    \
      return fail(describe(r_, what));                                         \
  } while (0)

struct DeviceBuffer {
  CUdeviceptr ptr = 0;
  size_t bytes = 0;
};

} // namespace ffnrt::detail

struct ffnrt_model {
  using DeviceBuffer = ffnrt::detail::DeviceBuffer;
  ffnrt::Plan plan;
  CUdevice device = 0;
  CUcontext context = nullptr;
  CUmodule module = nullptr;
  CUstream stream = nullptr;
  std::vector<CUfunction> functions;
  std::string deviceName;
  DeviceBuffer weights, arena;
  /// The plan's TMA tensor maps, encoded, 128 bytes each.
  DeviceBuffer tensorMaps;
  std::vector<DeviceBuffer> inputs, outputs;
  /// The plan's states (KV caches), kept between runs.
  std::vector<DeviceBuffer> states;
  /// How ffnrt_generate picks tokens.
  ffnrt::SamplingOptions sampling;
  /// Each input's batch and sequence length as set last.
  std::vector<std::optional<std::array<int64_t, 2>>> inputExtents;
  int64_t tokens = 0, batch = 0, seq = 0;
  bool useGraphs = false;
  CUgraphExec graph = nullptr;
  int64_t graphTokens = -1, graphBatch = -1;

  ~ffnrt_model();
  /// Why the plan cannot run on the inputs set last (one not set, or two
  /// that disagree on batch or sequence length); "" when it can.
  std::string inputsProblem() const;
  /// Launches the plan on the stream; with `marks` (one event per launch
  /// and one more), records marks[i] before launch i and the last at the end,
  /// as event nodes of the graph when the stream is being captured.
  ffnrt_status launchAll(const std::vector<CUevent> *marks = nullptr,
                         bool capturing = false);
  ffnrt_status enqueue();
  /// Whether launch `l` runs for the inputs set last.
  bool runs(const ffnrt::Launch &l) const {
    return tokens >= l.minTokens && (!l.maxTokens || tokens <= l.maxTokens);
  }
  void gridOf(const ffnrt::Launch &l, unsigned grid[3]) const {
    for (int k = 0; k < 3; ++k)
      grid[k] = l.grid[k].evaluate(tokens, batch, seq);
  }
};

#endif // LIB_RUNTIME_MODEL_H
