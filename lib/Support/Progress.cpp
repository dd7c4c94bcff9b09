//===- Progress.cpp - How far a pass over the weights has come ------------===//

#include "ffn/Support/Progress.h"

#include <cstdio>

using namespace ffnsupport;

double Progress::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

void Progress::add(uint64_t bytes) {
  done += bytes;
  double now = seconds();
  if (!enabled || now - reported < 2)
    return;
  reported = now;
  double rate = done / now;
  std::fprintf(stderr, "  %s: %.1f of %.1f MiB (%.0f MiB/s, %.0f s left)\n",
               what.c_str(), done / 1048576.0, total / 1048576.0,
               rate / 1048576.0, rate > 0 ? (total - done) / rate : 0.0);
}

void Progress::finish() {
  if (enabled)
    std::fprintf(stderr, "  %s: %.1f MiB %s in %.1f s\n", what.c_str(),
                 done / 1048576.0, verb.c_str(), seconds());
}
