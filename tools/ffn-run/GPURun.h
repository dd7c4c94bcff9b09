//===- GPURun.h - ffn-run for compiled models (.cubin) ----------*- C++ -*-===//
//
// Plain C++ on the runtime's C API, so that ffn-run builds on a GPU machine
// with CMake and the CUDA toolkit alone.
//
//===----------------------------------------------------------------------===//

#ifndef FFN_RUN_GPURUN_H
#define FFN_RUN_GPURUN_H

#include "Options.h"

/// Runs the compiled model `options.model` and checks it; returns ffn-run's
/// exit code.
int runCompiledModel(const Options &options);

#endif // FFN_RUN_GPURUN_H
