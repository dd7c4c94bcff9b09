//===- Timing.cpp - The ffnc runtime: benchmarks and profiles -------------===//

#include "Model.h"

#include <algorithm>
#include <string>
#include <vector>

using namespace ffnrt;
using namespace ffnrt::detail;

namespace {

/// Creates `n` events, destroyed with the object.
struct Events {
  std::vector<CUevent> events;
  ~Events() {
    for (CUevent e : events)
      driver().cuEventDestroy(e);
  }
  ffnrt_status create(size_t n) {
    events.resize(n, nullptr);
    for (CUevent &e : events)
      FFNRT_CHECK(driver().cuEventCreate(&e, CU_EVENT_DEFAULT),
                  "creating events");
    return FFNRT_OK;
  }
};

float median(std::vector<float> values) {
  std::nth_element(values.begin(), values.begin() + values.size() / 2,
                   values.end());
  return values[values.size() / 2];
}

} // namespace

extern "C" {

ffnrt_status ffnrt_benchmark(ffnrt_model *m, int warmup, int iterations,
                             float *ms) {
  const Driver &d = driver();
  for (int i = 0; i < warmup; ++i)
    if (ffnrt_status s = ffnrt_run(m); s != FFNRT_OK)
      return s;
  CUevent start, stop;
  FFNRT_CHECK(d.cuEventCreate(&start, CU_EVENT_DEFAULT), "creating events");
  FFNRT_CHECK(d.cuEventCreate(&stop, CU_EVENT_DEFAULT), "creating events");
  ffnrt_status status = FFNRT_OK;
  for (int i = 0; i < iterations && status == FFNRT_OK; ++i) {
    d.cuEventRecord(start, m->stream);
    status = m->enqueue();
    d.cuEventRecord(stop, m->stream);
    CUresult r = d.cuEventSynchronize(stop);
    if (status == FFNRT_OK && r != CUDA_SUCCESS)
      status = fail(describe(r, "running the model"));
    if (status == FFNRT_OK)
      d.cuEventElapsedTime(&ms[i], start, stop);
  }
  d.cuEventDestroy(start);
  d.cuEventDestroy(stop);
  return status;
}

ffnrt_status ffnrt_copy_bandwidth(ffnrt_model *m, double *bytes_per_s) {
  const Driver &d = driver();
  FFNRT_CHECK(d.cuCtxSetCurrent(m->context), "selecting the context");
  const size_t bytes = size_t(512) << 20;
  CUdeviceptr a, b;
  FFNRT_CHECK(d.cuMemAlloc(&a, bytes), "allocating the copy test");
  if (CUresult r = d.cuMemAlloc(&b, bytes); r != CUDA_SUCCESS) {
    d.cuMemFree(a);
    return fail(describe(r, "allocating the copy test"));
  }
  d.cuMemsetD8(a, 1, bytes);
  CUevent start, stop;
  d.cuEventCreate(&start, CU_EVENT_DEFAULT);
  d.cuEventCreate(&stop, CU_EVENT_DEFAULT);
  std::vector<float> times;
  for (int i = 0; i < 12; ++i) {
    d.cuEventRecord(start, m->stream);
    d.cuMemcpyDtoDAsync(b, a, bytes, m->stream);
    d.cuEventRecord(stop, m->stream);
    d.cuEventSynchronize(stop);
    float t = 0;
    d.cuEventElapsedTime(&t, start, stop);
    if (i >= 2)
      times.push_back(t);
  }
  d.cuEventDestroy(start);
  d.cuEventDestroy(stop);
  d.cuMemFree(a);
  d.cuMemFree(b);
  std::sort(times.begin(), times.end());
  *bytes_per_s = 2.0 * bytes / (times[times.size() / 2] * 1e-3);
  return FFNRT_OK;
}

ffnrt_status ffnrt_profile(ffnrt_model *m, int warmup, int iterations,
                           float *ms) {
  if (iterations < 1)
    return fail("profiling needs at least one iteration");
  const Driver &d = driver();
  for (int i = 0; i < warmup; ++i)
    if (ffnrt_status s = ffnrt_run(m); s != FFNRT_OK)
      return s;
  if (std::string why = m->inputsProblem(); !why.empty())
    return fail(why);
  FFNRT_CHECK(d.cuCtxSetCurrent(m->context), "selecting the context");
  size_t n = m->plan.launches.size();
  Events marks;
  if (ffnrt_status s = marks.create(n + 1); s != FFNRT_OK)
    return s;
  // With graphs on, the launches and their events are captured into a graph
  // of their own, so that the times are those of a replay, without the
  // host's launch gaps.
  struct Graph {
    CUgraphExec exec = nullptr;
    ~Graph() {
      if (exec)
        driver().cuGraphExecDestroy(exec);
    }
  } graph;
  if (m->useGraphs) {
    FFNRT_CHECK(
        d.cuStreamBeginCapture(m->stream, CU_STREAM_CAPTURE_MODE_GLOBAL),
        "capturing the profile's graph");
    ffnrt_status s = m->launchAll(&marks.events, /*capturing=*/true);
    CUgraph g = nullptr;
    CUresult r = d.cuStreamEndCapture(m->stream, &g);
    if (s != FFNRT_OK)
      return s;
    FFNRT_CHECK(r, "capturing the profile's graph");
    r = d.cuGraphInstantiate(&graph.exec, g, 0);
    d.cuGraphDestroy(g);
    FFNRT_CHECK(r, "instantiating the profile's graph");
  }
  std::vector<std::vector<float>> times(n);
  for (int it = 0; it < iterations; ++it) {
    if (graph.exec)
      FFNRT_CHECK(d.cuGraphLaunch(graph.exec, m->stream), "profiling");
    else if (ffnrt_status s = m->launchAll(&marks.events); s != FFNRT_OK)
      return s;
    FFNRT_CHECK(d.cuStreamSynchronize(m->stream), "profiling");
    for (size_t i = 0; i < n; ++i) {
      float t = 0;
      FFNRT_CHECK(
          d.cuEventElapsedTime(&t, marks.events[i], marks.events[i + 1]),
          "reading the profile's events");
      times[i].push_back(t);
    }
  }
  for (size_t i = 0; i < n; ++i)
    ms[i] = m->runs(m->plan.launches[i]) ? median(times[i]) : -1.0f;
  return FFNRT_OK;
}

ffnrt_status ffnrt_get_launch_info(const ffnrt_model *m, int index,
                                   ffnrt_launch_info *info) {
  if (index < 0 || index >= static_cast<int>(m->plan.launches.size()))
    return fail("no launch " + std::to_string(index) + " (the plan has " +
                std::to_string(m->plan.launches.size()) + ")");
  const Launch &l = m->plan.launches[index];
  info->kernel = m->plan.kernels[l.kernel].c_str();
  info->layer = l.layer.c_str();
  m->gridOf(l, info->grid);
  std::copy(l.block, l.block + 3, info->block);
  info->shared_bytes = l.sharedBytes;
  info->runs = m->runs(l);
  return FFNRT_OK;
}

} // extern "C"
