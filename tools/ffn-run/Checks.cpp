//===- Checks.cpp - What ffn-run reports about a run ----------------------===//

#include "Checks.h"

#include "ffn/Support/Metrics.h"

#include <algorithm>
#include <cstdio>

using namespace ffnsupport;

std::string readRows(const Options &options, const std::string &path,
                     NpyArray &array) {
  std::string error = readNpy(path, array);
  return error.empty() ? keepFirstRows(array, options.firstRows) : error;
}

std::string readInputs(const Options &options,
                       const std::vector<std::string> &names,
                       std::vector<NpyArray> &arrays) {
  arrays.assign(names.size(), NpyArray());
  std::vector<bool> given(names.size(), false);
  for (const auto &[name, file] : options.inputs) {
    auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end())
      return "the model has no input named '" + name + "'";
    size_t index = it - names.begin();
    std::string error = readRows(options, file, arrays[index]);
    if (!error.empty())
      return "input '" + name + "': " + error;
    given[index] = true;
  }
  for (size_t index = 0; index < names.size(); ++index)
    if (!given[index])
      return "missing --input " + names[index] + "=FILE.npy";
  return "";
}

/// Reports the cross-entropy of `logits` against --targets.
static std::string checkTargets(const Options &options, const NpyArray &logits,
                                Verdict &verdict) {
  NpyArray targets;
  std::string error = readRows(options, options.targets, targets);
  if (!error.empty())
    return "--targets: " + error;
  int64_t vocab = logits.shape.empty() ? 0 : logits.shape.back();
  if (!isFloat(logits.dtype) || vocab == 0 ||
      targets.numElements() * vocab != logits.numElements())
    return "targets " + shapeString(targets.shape) + " do not match logits " +
           shapeString(logits.shape);
  double bits;
  error = crossEntropyBits(logits.toFloats().data(), targets.toInts().data(),
                           targets.numElements(), vocab, bits);
  if (!error.empty())
    return error;
  std::printf("cross-entropy: %.6f bits per token over %lld tokens\n", bits,
              static_cast<long long>(targets.numElements()));
  if (std::isnan(options.expectBits))
    return "";
  double difference = std::abs(bits - options.expectBits);
  verdict.checked = true;
  verdict.passed &= difference <= options.bitsTolerance;
  std::printf("expected %.6f: difference %.2e (limit %.2e)\n",
              options.expectBits, difference, options.bitsTolerance);
  return "";
}

/// Reports the error of `output` against --reference.
static std::string checkReference(const Options &options,
                                  const NpyArray &output, Verdict &verdict) {
  NpyArray expected;
  std::string error = readRows(options, options.reference, expected);
  if (!error.empty())
    return "--reference: " + error;
  if (expected.shape != output.shape)
    return "reference shape " + shapeString(expected.shape) +
           " differs from output shape " + shapeString(output.shape);
  ErrorStats stats;
  for (int64_t k = 0, n = output.numElements(); k < n; ++k)
    stats.add(output.getDouble(k), expected.getDouble(k));
  verdict.checked = true;
  verdict.passed &=
      stats.relativeL2() <= options.rtol && stats.maxAbs() <= options.atol;
  std::printf("relative L2 error %.2e (limit %.2e), max abs error %.2e "
              "(limit %.2e)\n",
              stats.relativeL2(), options.rtol, stats.maxAbs(), options.atol);
  if (std::isnan(options.minArgmaxAgreement))
    return "";
  int64_t width = output.shape.empty() ? 0 : output.shape.back();
  if (!isFloat(output.dtype) || width == 0)
    return "--min-argmax-agreement needs a float output with a last dimension";
  int64_t rows = output.numElements() / width;
  double agreement = 100.0 *
                     argmaxAgreements(output.toFloats().data(),
                                      expected.toFloats().data(), rows, width) /
                     std::max<int64_t>(rows, 1);
  verdict.passed &= agreement >= options.minArgmaxAgreement;
  std::printf("argmax agreement: %.2f%% of %lld rows (limit %.2f%%)\n",
              agreement, static_cast<long long>(rows),
              options.minArgmaxAgreement);
  return "";
}

std::string checkOutput(const Options &options, const std::string &name,
                        const NpyArray &output, Verdict &verdict) {
  std::printf("output '%s': %s %s\n", name.c_str(), dtypeName(output.dtype),
              shapeString(output.shape).c_str());
  // The checks read their files first: an unreadable --reference or
  // --targets leaves --output unwritten (a failed check still writes it).
  std::string error;
  if (!options.targets.empty())
    error = checkTargets(options, output, verdict);
  if (error.empty() && !options.reference.empty())
    error = checkReference(options, output, verdict);
  if (error.empty() && !options.output.empty())
    error = writeNpy(options.output, output);
  return error;
}

void reportAgreement(const char *what, int64_t equal, int64_t total,
                     double limit, const std::string &suffix,
                     Verdict &verdict) {
  double agreement = 100.0 * equal / std::max<int64_t>(total, 1);
  verdict.checked = true;
  verdict.passed &= total > 0 && agreement >= limit;
  std::printf("%s: %lld of %lld (%.2f%%, limit %.2f%%)%s\n", what,
              static_cast<long long>(equal), static_cast<long long>(total),
              agreement, limit, suffix.c_str());
}

std::string checkTokens(const Options &options, const NpyArray &tokens,
                        const std::vector<int64_t> &lengths, Verdict &verdict) {
  std::printf("tokens: %s %s\n", dtypeName(tokens.dtype),
              shapeString(tokens.shape).c_str());
  if (!options.reference.empty()) {
    NpyArray expected;
    std::string error = readNpy(options.reference, expected);
    if (!error.empty())
      return "--reference: " + error;
    if (expected.shape != tokens.shape || isFloat(expected.dtype))
      return "reference tokens " + std::string(dtypeName(expected.dtype)) +
             " " + shapeString(expected.shape) + " differ in shape from " +
             shapeString(tokens.shape);
    int64_t width = tokens.shape[1], total = 0, equal = 0;
    std::vector<int64_t> got = tokens.toInts(), want = expected.toInts();
    std::string first;
    for (size_t b = 0; b < lengths.size(); ++b)
      for (int64_t k = lengths[b]; k < width && want[b * width + k] != -1;
           ++k, ++total) {
        bool same = got[b * width + k] == want[b * width + k];
        equal += same;
        if (!same && first.empty())
          first = "; first difference: sequence " + std::to_string(b) +
                  ", new token " + std::to_string(k - lengths[b]);
      }
    reportAgreement("new ids equal to the reference", equal, total,
                    options.minTokenAgreement, first, verdict);
  }
  return options.output.empty() ? "" : writeNpy(options.output, tokens);
}

void printGenerationTimes(const std::vector<double> &firstToken,
                          const std::vector<double> &steps, int64_t batch,
                          double total) {
  std::printf("time to first token: median %.3f ms over %zu sequence(s)\n",
              1e3 * percentile(firstToken, 0.5), firstToken.size());
  if (!steps.empty()) {
    double median = percentile(steps, 0.5);
    std::printf("decode: median %.3f ms/token, p90 %.3f ms; %.1f tokens/s per "
                "sequence\n",
                1e3 * median, 1e3 * percentile(steps, 0.9), 1.0 / median);
  }
  int64_t tokens = static_cast<int64_t>(firstToken.size() + steps.size());
  std::printf("generated %lld tokens for %lld sequence(s) in %.3f s: %.1f "
              "tokens/s in total\n",
              static_cast<long long>(tokens), static_cast<long long>(batch),
              total, total > 0 ? tokens / total : 0.0);
}

int finish(const Verdict &verdict) {
  if (verdict.checked)
    std::printf("%s\n", verdict.passed ? "PASSED" : "FAILED");
  return verdict.passed ? 0 : 1;
}
