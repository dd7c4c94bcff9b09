//===- GPUOnlyMain.cpp - ffn-run built without MLIR -----------------------===//
//
// The runtime-only build (FFNC_RUNTIME_ONLY) has no reference executor, so
// it runs compiled models only.
//
//===----------------------------------------------------------------------===//

#include "GPURun.h"

#include <cstdio>
#include <cstring>

int main(int argc, char **argv) {
  for (int k = 1; k < argc; ++k) {
    size_t n = std::strlen(argv[k]);
    if (argv[k][0] != '-' && (n < 6 || std::strcmp(argv[k] + n - 6, ".cubin")))
      if (k == 1 || std::strncmp(argv[k - 1], "--", 2) != 0 ||
          std::strchr(argv[k - 1], '=')) {
        std::fprintf(stderr,
                     "ffn-run: error: %s: this ffn-run was built with "
                     "FFNC_RUNTIME_ONLY and runs compiled models (.cubin) "
                     "only\n",
                     argv[k]);
        return 2;
      }
  }
  return runCompiledModel(argc, argv);
}
