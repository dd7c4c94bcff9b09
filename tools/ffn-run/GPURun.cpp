//===- GPURun.cpp - ffn-run for compiled models (.cubin) ------------------===//

#include "GPURun.h"
#include "Checks.h"
#include "Profile.h"

#include "ffn/Runtime/Prompts.h"
#include "ffn/Runtime/ffnrt.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>

using namespace ffnsupport;

/// Runs each reference row (prompt and new ids) through the model at once
/// and counts the positions after the prompt whose largest logit is the
/// reference's next id: agreement step by step, without the drift that one
/// early difference causes in free-running generation.
static std::string checkForced(const Options &o, ffnrt_model *model,
                               const std::vector<int64_t> &lengths,
                               Verdict &verdict) {
  NpyArray expected;
  std::string error = readNpy(o.reference, expected);
  if (!error.empty())
    return "--reference: " + error;
  if (expected.shape.size() != 2 ||
      expected.shape[0] != static_cast<int64_t>(lengths.size()))
    return "reference tokens " + shapeString(expected.shape) +
           " do not match the prompts";
  int64_t width = expected.shape[1], total = 0, equal = 0;
  std::vector<int64_t> ids = expected.toInts();
  for (size_t b = 0; b < lengths.size(); ++b) {
    const int64_t *row = ids.data() + b * width;
    int64_t length = ffnrt::promptLength(row, width);
    if (length <= lengths[b])
      continue;
    // Positions 0 .. length - 2 predict ids 1 .. length - 1.
    std::vector<int64_t> positions(length - 1);
    for (int64_t k = 0; k + 1 < length; ++k)
      positions[k] = k;
    int64_t shape[2] = {1, length - 1};
    if (ffnrt_set_input(model, ffnrt_input_name(model, 0), FFNRT_I64, shape, 2,
                        row) != FFNRT_OK ||
        ffnrt_set_input(model, ffnrt_input_name(model, 1), FFNRT_I64, shape, 2,
                        positions.data()) != FFNRT_OK ||
        ffnrt_run(model) != FFNRT_OK)
      return ffnrt_error();
    int64_t outShape[8];
    int rank = 0;
    ffnrt_output_shape(model, 0, outShape, &rank);
    int64_t vocab = outShape[rank - 1];
    std::vector<float> logits((length - 1) * vocab);
    if (ffnrt_get_output(model, 0, logits.data(),
                         logits.size() * sizeof(float)) != FFNRT_OK)
      return ffnrt_error();
    for (int64_t k = lengths[b] - 1; k + 1 < length; ++k, ++total) {
      const float *at = logits.data() + k * vocab;
      equal += std::max_element(at, at + vocab) - at == row[k + 1];
    }
  }
  reportAgreement("teacher-forced next ids equal to the reference", equal,
                  total, o.minForcedAgreement, "", verdict);
  return "";
}

/// ffn-run --generate on a model compiled with --max-context.
static int generate(const Options &o, ffnrt_model *model) {
  if (!ffnrt_max_context(model))
    return reportError("--generate needs a model compiled for generation "
                       "(ffnc --max-context)");
  std::string inputName = ffnrt_input_name(model, 0);
  if (o.inputs.size() != 1 || o.inputs[0].first != inputName)
    return reportError("--generate takes one --input, the prompts: --input " +
                       inputName + "=FILE.npy");
  NpyArray prompts;
  std::string error = readRows(o, o.inputs[0].second, prompts);
  if (!error.empty())
    return reportError("input '" + inputName + "': " + error);
  if (isFloat(prompts.dtype) || prompts.shape.size() != 2)
    return reportError("prompts must be integer ids [batch, length], got " +
                       std::string(dtypeName(prompts.dtype)) + " " +
                       shapeString(prompts.shape));
  int64_t batch = prompts.shape[0], width = prompts.shape[1];
  int64_t n = o.generate;
  std::vector<int64_t> ids = prompts.toInts();
  std::vector<int64_t> lengths;
  for (int64_t b = 0; b < batch; ++b)
    lengths.push_back(ffnrt::promptLength(ids.data() + b * width, width));
  std::printf("model: %s on %s (%s, %s, %.1f MiB of weights)\n",
              o.model.c_str(), ffnrt_device_name(model), ffnrt_target(model),
              ffnrt_precision(model), ffnrt_weight_bytes(model) / 1048576.0);
  int64_t context = ffnrt_max_context(model);
  int64_t group = std::min<int64_t>(batch, ffnrt_max_batch(model));
  double cacheBytes = static_cast<double>(ffnrt_cache_bytes(model)) /
                      std::max<int64_t>(ffnrt_max_batch(model), 1);
  std::printf("kv cache: %lld positions, %.3f MiB per sequence, %lld "
              "sequence(s) per step\n",
              static_cast<long long>(context), cacheBytes / 1048576.0,
              static_cast<long long>(group));

  const ffnrt::SamplingOptions &sampling = o.sampling;
  if (ffnrt_set_sampling(model, sampling.temperature, sampling.topK,
                         sampling.topP, sampling.seed) != FFNRT_OK)
    return reportError(ffnrt_error());
  NpyArray tokens(DType::I64, {batch, width + n});
  std::vector<int64_t> out(batch * (width + n));
  std::vector<float> first(batch), steps(batch * (n - 1));
  auto start = std::chrono::steady_clock::now();
  if (ffnrt_generate(model, ids.data(), batch, width, n, out.data(),
                     first.data(), steps.data()) != FFNRT_OK)
    return reportError(ffnrt_error());
  double wall = std::chrono::duration<double>(
                    std::chrono::steady_clock::now() - start)
                    .count();
  std::memcpy(tokens.bytes.data(), out.data(), tokens.bytes.size());
  std::vector<double> firstSeconds(first.begin(), first.end()),
      stepSeconds(steps.begin(), steps.end());
  for (double &v : firstSeconds)
    v *= 1e-3;
  for (double &v : stepSeconds)
    v *= 1e-3;
  printGenerationTimes(firstSeconds, stepSeconds, batch, wall);
  if (!steps.empty()) {
    // A decode step reads every weight once and, for each sequence of its
    // group, the cache rows up to its position: on average those of the
    // prompt and half the new tokens.
    double copy = 0;
    if (ffnrt_copy_bandwidth(model, &copy) != FFNRT_OK)
      return reportError(ffnrt_error());
    double meanLength = 0;
    for (int64_t length : lengths)
      meanLength += (length + n / 2.0) / batch;
    double bytes = ffnrt_weight_bytes(model) +
                   group * cacheBytes * meanLength / context;
    double median = percentile(steps, 0.5) * 1e-3;
    std::printf("decode reads %.1f MiB per step: %.1f GB/s, %.1f%% of the "
                "measured device copy bandwidth (%.0f GB/s)\n",
                bytes / 1048576.0, bytes / median / 1e9,
                100.0 * bytes / median / copy, copy / 1e9);
  }
  Verdict verdict;
  error = checkTokens(o, tokens, lengths, verdict);
  if (!error.empty())
    return reportError(error);
  // The inputs set last are those of the last decode step.
  if (o.profile || !o.profileJSON.empty())
    if (std::string why = profileModel(o, model); !why.empty())
      return reportError(why);
  if (!std::isnan(o.minForcedAgreement))
    if (std::string why = checkForced(o, model, lengths, verdict); !why.empty())
      return reportError(why);
  return finish(verdict);
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
  if (o.generate != -1)
    return generate(o, model);
  if (ffnrt_max_context(model))
    return reportError("this model was compiled for generation (ffnc "
                       "--max-context); run it with --generate=N");
  if (ffnrt_num_inputs(model) < 1 || ffnrt_num_outputs(model) < 1)
    return reportError("the model needs at least one input and one output");
  // One --input per model input, all integer arrays of one shape.
  std::vector<std::string> names;
  for (int i = 0; i < ffnrt_num_inputs(model); ++i)
    names.push_back(ffnrt_input_name(model, i));
  std::vector<NpyArray> arrays;
  if (std::string error = readInputs(o, names, arrays); !error.empty())
    return reportError(error);
  std::vector<int64_t> inputShape = arrays[0].shape;
  std::vector<std::vector<int64_t>> values;
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string &name = names[i];
    const NpyArray &array = arrays[i];
    if (isFloat(array.dtype))
      return reportError("input '" + name + "' must hold integers");
    if (array.shape != inputShape)
      return reportError("input '" + name + "' has shape " +
                         shapeString(array.shape) + ", input '" + names[0] +
                         "' " + shapeString(inputShape) +
                         ": every input must have the same shape");
    values.push_back(array.toInts());
  }
  std::printf("model: %s on %s (%s, %s, %d launches, %.1f MiB of weights)\n",
              o.model.c_str(), ffnrt_device_name(model), ffnrt_target(model),
              ffnrt_precision(model), ffnrt_num_launches(model),
              ffnrt_weight_bytes(model) / 1048576.0);

  // One run per row with --per-row, else one run; outputs are stacked.
  int64_t rows = o.perRow && !inputShape.empty() ? inputShape[0] : 1;
  int64_t perRun = values[0].size() / std::max<int64_t>(rows, 1);
  std::vector<int64_t> runShape = inputShape;
  if (o.perRow && !runShape.empty())
    runShape[0] = 1;
  std::vector<float> output;
  std::vector<int64_t> outShape;
  for (int64_t r = 0; r < rows; ++r) {
    for (size_t i = 0; i < names.size(); ++i)
      if (ffnrt_set_input(model, names[i].c_str(), FFNRT_I64, runShape.data(),
                          runShape.size(),
                          values[i].data() + r * perRun) != FFNRT_OK)
        return reportError(ffnrt_error());
    if (ffnrt_run(model) != FFNRT_OK)
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
  std::string error =
      checkOutput(o, ffnrt_output_name(model, 0), outArray, verdict);
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
                names[0].c_str(), shapeString(runShape).c_str(),
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
