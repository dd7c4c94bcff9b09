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

/// What the checks of a run found.
struct Verdict {
  bool checked = false, passed = true;
};

/// Reads an .npy file, keeping its --first-rows; returns why it cannot, or
/// "".
std::string readRows(const Options &options, const std::string &path,
                     ffnsupport::NpyArray &array);

/// Reports output 0, called `name`, and checks it as `options` ask: writes
/// --output, reports the cross-entropy against --targets and the error
/// against --reference, each against its limits. Returns why it cannot, or
/// "".
std::string checkOutput(const Options &options, const std::string &name,
                        const ffnsupport::NpyArray &output, Verdict &verdict);

/// Prints PASSED or FAILED when something was checked (ffn-run's last line)
/// and returns ffn-run's exit code.
int finish(const Verdict &verdict);

#endif // FFN_RUN_CHECKS_H
