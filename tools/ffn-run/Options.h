//===- Options.h - ffn-run's command line -----------------------*- C++ -*-===//
//
// One definition of the options for both builds of ffn-run: the full one,
// which also runs .onnx and .mlir models on the reference executor, and the
// runtime-only one (FFNC_RUNTIME_ONLY), which has no LLVM. Plain C++.
//
//===----------------------------------------------------------------------===//

#ifndef FFN_RUN_OPTIONS_H
#define FFN_RUN_OPTIONS_H

#include "ffn/Runtime/Sampling.h"

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

struct Options {
  std::string model;
  /// "cpu" or "gpu"; empty to follow the model's extension.
  std::string device = "auto";
  /// NAME and FILE.npy of every --input.
  std::vector<std::pair<std::string, std::string>> inputs;
  std::string output, reference, targets;
  double rtol = 1e-5, atol = 1e-4;
  /// NaN unless given; argmax agreement is reported only then.
  double minArgmaxAgreement = NAN;
  double expectBits = NAN, bitsTolerance = 1e-3;
  bool perRow = false;
  int64_t firstRows = -1;
  bool plain = false;
  /// Tokens to generate per prompt; -1: run the forward once.
  int64_t generate = -1;
  /// -1: the longest prompt plus --generate.
  int64_t maxContext = -1;
  bool noKVCache = false;
  double minTokenAgreement = 100;
  /// NaN unless given: teacher-forced agreement is checked only then.
  double minForcedAgreement = NAN;
  /// --sampling as given, and parsed.
  std::string samplingText;
  ffnrt::SamplingOptions sampling;
  /// GiB; 0: the reference executor's default budget.
  double maxMemory = 0;
  bool bench = false, noGraph = false, profile = false;
  std::string profileJSON;
  int64_t warmup = 20, iterations = 200, gpu = 0;
  bool help = false, version = false;

  /// Whether the model is compiled (.cubin) and so runs on the GPU.
  bool compiled() const;
};

/// Parses ffn-run's arguments, in any order. Returns false when ffn-run
/// should stop with `exitCode`: 0 after --help or --version, 2 after printing
/// an error.
bool parseCommandLine(int argc, char **argv, Options &options, int &exitCode);

/// Prints "ffn-run: error: MESSAGE" and returns 2, ffn-run's exit code for
/// errors (1 means that a check failed).
int reportError(const std::string &message);

#endif // FFN_RUN_OPTIONS_H
