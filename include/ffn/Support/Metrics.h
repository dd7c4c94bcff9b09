//===- Metrics.h - How close an output is to a reference --------*- C++ -*-===//
//
// Plain C++ (no MLIR, no LLVM): the measures that ffn-run, ffnc and the
// passes report, computed one way everywhere.
//
//===----------------------------------------------------------------------===//

#ifndef FFN_SUPPORT_METRICS_H
#define FFN_SUPPORT_METRICS_H

#include <cstdint>
#include <string>

namespace ffnsupport {

/// Relative L2 and max absolute error of actual values against expected
/// ones, accumulated a pair at a time so that any storage can feed it.
class ErrorStats {
public:
  void add(double actual, double expected);

  /// ‖actual − expected‖ / ‖expected‖; infinite when a NaN or infinity is
  /// involved, so that no limit accepts it.
  double relativeL2() const;
  /// max |actual − expected|; infinite when only one side is NaN.
  double maxAbs() const { return maxAbsError; }

private:
  double squaredError = 0, squaredNorm = 0, maxAbsError = 0;
};

/// How many of `rows` rows of `width` values have their largest value at the
/// same index in `actual` and `expected` (e.g. the predicted next token).
int64_t argmaxAgreements(const float *actual, const float *expected,
                         int64_t rows, int64_t width);

/// Mean cross-entropy in bits of `rows` logit rows of `vocab` values against
/// one next-token id per row, into `bits`. Returns why not, or "".
[[nodiscard]] std::string crossEntropyBits(const float *logits,
                                           const int64_t *targets, int64_t rows,
                                           int64_t vocab, double &bits);

} // namespace ffnsupport

#endif // FFN_SUPPORT_METRICS_H
