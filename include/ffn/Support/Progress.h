//===- Progress.h - How far a pass over the weights has come ----*- C++ -*-===//
//
// Phases that touch every weight of a model (streaming the sidecar, fusing
// FFN blocks) take minutes on 8B models: they report on stderr what they
// have done, the rate and the time left every 2 seconds, and the total at
// the end. Plain C++.
//
//===----------------------------------------------------------------------===//

#ifndef FFN_SUPPORT_PROGRESS_H
#define FFN_SUPPORT_PROGRESS_H

#include <chrono>
#include <cstdint>
#include <string>

namespace ffnsupport {

class Progress {
public:
  /// Reports "  WHAT: X of TOTAL MiB (R MiB/s, T s left)" while under way
  /// and "  WHAT: X MiB VERB in T s" at the end; nothing unless `enabled`.
  Progress(std::string what, std::string verb, uint64_t total, bool enabled)
      : what(std::move(what)), verb(std::move(verb)), total(total),
        enabled(enabled) {}
  void add(uint64_t bytes);
  void finish();

private:
  double seconds() const;
  std::string what, verb;
  uint64_t total, done = 0;
  bool enabled;
  double reported = 0;
  std::chrono::steady_clock::time_point start =
      std::chrono::steady_clock::now();
};

} // namespace ffnsupport

#endif // FFN_SUPPORT_PROGRESS_H
