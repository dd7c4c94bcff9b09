//===- GPURun.h - ffn-run for compiled models (.cubin) ----------*- C++ -*-===//
//
// Plain C++ on the runtime's C API, so that ffn-run builds on a GPU machine
// with CMake and the CUDA toolkit alone.
//
//===----------------------------------------------------------------------===//

#ifndef FFN_RUN_GPURUN_H
#define FFN_RUN_GPURUN_H

/// ffn-run's main for MODEL.cubin; argv as given to ffn-run.
int runCompiledModel(int argc, char **argv);

#endif // FFN_RUN_GPURUN_H
