//===- GPURun.cpp - ffn-run for compiled models (.cubin) ------------------===//

#include "GPURun.h"
#include "Checks.h"
#include "Profile.h"

#include "ffn/Runtime/ffnrt.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

using namespace ffnsupport;

static double percentile(std::vector<float> sorted, double p) {
  std::sort(sorted.begin(), sorted.end());
  double at = p * (sorted.size() - 1);
  size_t lo = static_cast<size_t>(at);
  size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (at - lo) * (sorted[hi] - sorted[lo]);
}

int runCompiledModel(const Options &o) {
  ffnrt_model *model = nullptr;
  if (ffnrt_load(o.model.c_str(), o.gpu, &model) != FFNRT_OK)
    return reportError(o.model + ": " + ffnrt_error());
  struct Guard {
    ffnrt_model *m;
    ~Guard() { ffnrt_destroy(m); }
  } guard{model};
  ffnrt_use_graphs(model, !o.noGraph);
  if (ffnrt_num_inputs(model) != 1 || ffnrt_num_outputs(model) < 1)
    return reportError("ffn-run handles models with one input");
  std::string inputName = ffnrt_input_name(model, 0);
  if (o.inputs.size() != 1 || o.inputs[0].first != inputName)
    return reportError("give the model's input as --input " + inputName +
                       "=FILE.npy");
  NpyArray idArray;
  std::string error = readRows(o, o.inputs[0].second, idArray);
  if (!error.empty())
    return reportError("input '" + inputName + "': " + error);
  if (isFloat(idArray.dtype))
    return reportError("input '" + inputName + "' must hold integer token ids");
  std::vector<int64_t> ids = idArray.toInts();
  std::printf("model: %s on %s (%s, %s, %d launches, %.1f MiB of weights)\n",
              o.model.c_str(), ffnrt_device_name(model), ffnrt_target(model),
              ffnrt_precision(model), ffnrt_num_launches(model),
              ffnrt_weight_bytes(model) / 1048576.0);

  // One run per row with --per-row, else one run; outputs are stacked.
  int64_t rows = o.perRow && !idArray.shape.empty() ? idArray.shape[0] : 1;
  int64_t perRun = ids.size() / std::max<int64_t>(rows, 1);
  std::vector<int64_t> runShape = idArray.shape;
  if (o.perRow && !runShape.empty())
    runShape[0] = 1;
  std::vector<float> output;
  std::vector<int64_t> outShape;
  for (int64_t r = 0; r < rows; ++r) {
    if (ffnrt_set_input(model, inputName.c_str(), FFNRT_I64, runShape.data(),
                        runShape.size(), ids.data() + r * perRun) != FFNRT_OK ||
        ffnrt_run(model) != FFNRT_OK)
      return reportError(ffnrt_error());
    int64_t shape[8];
    int rank = 0;
    ffnrt_output_shape(model, 0, shape, &rank);
    int64_t n = 1;
    for (int k = 0; k < rank; ++k)
      n *= shape[k];
    size_t at = output.size();
    output.resize(at + n);
    if (ffnrt_get_output(model, 0, output.data() + at, n * sizeof(float)) !=
        FFNRT_OK)
      return reportError(ffnrt_error());
    outShape.assign(shape, shape + rank);
  }
  if (o.perRow && !outShape.empty())
    outShape[0] *= rows;
  for (float v : output)
    if (!std::isfinite(v))
      return reportError("the output holds NaN or infinity");
  NpyArray outArray(DType::F32, outShape);
  std::memcpy(outArray.bytes.data(), output.data(), outArray.bytes.size());
  Verdict verdict;
  error = checkOutput(o, ffnrt_output_name(model, 0), outArray, verdict);
  if (!error.empty())
    return reportError(error);

  if (o.bench) {
    std::vector<float> ms(o.iterations);
    if (ffnrt_benchmark(model, o.warmup, o.iterations, ms.data()) != FFNRT_OK)
      return reportError(ffnrt_error());
    double copy = 0;
    if (ffnrt_copy_bandwidth(model, &copy) != FFNRT_OK)
      return reportError(ffnrt_error());
    double mean = 0;
    for (float v : ms)
      mean += v / ms.size();
    double median = percentile(ms, 0.5);
    int64_t tokens = perRun;
    double weightRate = ffnrt_weight_bytes(model) / (median * 1e-3);
    std::printf("=== Performance summary ===\n");
    std::printf("Input: %s %s = %lld tokens; warm-up %lld, iterations %lld, "
                "%s\n",
                inputName.c_str(), shapeString(runShape).c_str(),
                static_cast<long long>(tokens),
                static_cast<long long>(o.warmup),
                static_cast<long long>(o.iterations),
                o.noGraph ? "stream launches" : "CUDA graph");
    std::printf("Latency (GPU, CUDA events): min = %.4f ms, median = %.4f ms, "
                "mean = %.4f ms, p90 = %.4f ms, p99 = %.4f ms\n",
                percentile(ms, 0), median, mean, percentile(ms, 0.9),
                percentile(ms, 0.99));
    std::printf("Throughput: %.0f tokens/s\n", tokens / (median * 1e-3));
    std::printf("Weights: %.1f MiB per run = %.1f GB/s, %.1f%% of the "
                "measured device copy bandwidth (%.0f GB/s)\n",
                ffnrt_weight_bytes(model) / 1048576.0, weightRate / 1e9,
                100.0 * weightRate / copy, copy / 1e9);
  }
  if (o.profile || !o.profileJSON.empty())
    if (std::string why = profileModel(o, model); !why.empty())
      return reportError(why);
  return finish(verdict);
}
