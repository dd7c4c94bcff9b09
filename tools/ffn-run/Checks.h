//===- Checks.h - What ffn-run reports about a run --------------*- C++ -*-===//
//
// Shared by the reference executor's and the GPU's runs, so that both read
// their arrays and judge their output alike. Plain C++.
//
//===----------------------------------------------------------------------===//

#ifndef FFN_RUN_CHECKS_H
#define FFN_RUN_CHECKS_H

#include "Options.h"

#include "ffn/Support/Npy.h"

#include <algorithm>

/// What the checks of a run found.
struct Verdict {
  bool checked = false, passed = true;
};

/// Reads an .npy file, keeping its --first-rows; returns why it cannot, or
/// "".
std::string readRows(const Options &options, const std::string &path,
                     ffnsupport::NpyArray &array);

/// Reads the --input of each of the model's inputs `names` (readRows) into
/// `arrays`, in their order; an --input the model does not have, or an
/// input without one, is an error. Returns why it cannot, or "".
std::string readInputs(const Options &options,
                       const std::vector<std::string> &names,
                       std::vector<ffnsupport::NpyArray> &arrays);

/// Reports output 0, called `name`, and checks it as `options` ask: writes
/// --output, reports the cross-entropy against --targets and the error
/// against --reference, each against its limits. Returns why it cannot, or
/// "".
std::string checkOutput(const Options &options, const std::string &name,
                        const ffnsupport::NpyArray &output, Verdict &verdict);

/// The p-quantile of `values`, interpolated between neighbours (0 when
/// there are none).
template <typename T> double percentile(std::vector<T> values, double p) {
  if (values.empty())
    return 0;
  std::sort(values.begin(), values.end());
  double at = p * (values.size() - 1);
  size_t lo = static_cast<size_t>(at);
  size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (at - lo) * (values[hi] - values[lo]);
}

/// Prints "WHAT: EQUAL of TOTAL (P%, limit L%)SUFFIX" and fails `verdict`
/// when nothing was compared or the share is below `limit` percent.
void reportAgreement(const char *what, int64_t equal, int64_t total,
                     double limit, const std::string &suffix, Verdict &verdict);

/// Reports generated tokens (int64 [batch, width], prompt `lengths[b]` ids
/// then new ones, right-padded with -1) and checks them as `options` ask:
/// writes --output and counts the new ids equal to --reference's, which
/// must reach --min-token-agreement. Returns why it cannot, or "".
std::string checkTokens(const Options &options,
                        const ffnsupport::NpyArray &tokens,
                        const std::vector<int64_t> &lengths, Verdict &verdict);

/// Prints time to first token (per sequence), the decode step's median and
/// p90 and the tokens per second they give, from seconds measured, and the
/// tokens per second of all sequences over `total` seconds.
void printGenerationTimes(const std::vector<double> &firstToken,
                          const std::vector<double> &steps, int64_t batch,
                          double total);

/// Prints PASSED or FAILED when something was checked (ffn-run's last line)
/// and returns ffn-run's exit code.
int finish(const Verdict &verdict);

#endif // FFN_RUN_CHECKS_H
