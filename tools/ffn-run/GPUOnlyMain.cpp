//===- GPUOnlyMain.cpp - ffn-run built without MLIR -----------------------===//
//
// The runtime-only build (FFNC_RUNTIME_ONLY) has no reference executor, so
// it runs compiled models only.
//
//===----------------------------------------------------------------------===//

#include "GPURun.h"

#include "ffn/Support/Memory.h"

int main(int argc, char **argv) {
  ffnsupport::exitOnOutOfMemory("ffn-run");
  Options options;
  int exitCode;
  if (!parseCommandLine(argc, argv, options, exitCode))
    return exitCode;
  if (!options.compiled())
    return reportError(options.model +
                       ": this ffn-run was built with FFNC_RUNTIME_ONLY and "
                       "runs compiled models (.cubin) only");
  return runCompiledModel(options);
}
