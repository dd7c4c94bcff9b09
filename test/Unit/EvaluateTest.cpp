//===- EvaluateTest.cpp - The plain GEMM agrees with BLAS -----------------===//
//
// The passes evaluate with ref::plainGemm and the executor with OpenBLAS;
// both must implement cblas_sgemm's contract alike.
//
//===----------------------------------------------------------------------===//

#include "ffn/Reference/Executor.h"

#include "gtest/gtest.h"

#include <random>

using namespace mlir::ffn;

namespace {

TEST(EvaluateTest, PlainGemmMatchesBlas) {
  std::mt19937 random(7);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  const int64_t m = 5, n = 7, k = 3, pad = 2;
  for (bool transA : {false, true})
    for (bool transB : {false, true})
      for (float beta : {0.0f, 0.5f}) {
        // Leading dimensions wider than the rows, as in attention's heads.
        int64_t lda = (transA ? m : k) + pad, ldb = (transB ? k : n) + pad;
        int64_t ldc = n + pad;
        std::vector<float> a((transA ? k : m) * lda), b((transB ? n : k) * ldb);
        std::vector<float> c(m * ldc);
        for (std::vector<float> *v : {&a, &b, &c})
          for (float &x : *v)
            x = uniform(random);
        std::vector<float> plain = c, blas = c;
        ref::plainGemm(transA, transB, m, n, k, 1.5f, a.data(), lda, b.data(),
                       ldb, beta, plain.data(), ldc);
        ref::blasGemm(transA, transB, m, n, k, 1.5f, a.data(), lda, b.data(),
                      ldb, beta, blas.data(), ldc);
        for (int64_t e = 0; e < m * ldc; ++e)
          EXPECT_NEAR(plain[e], blas[e], 1e-5)
              << "transA " << transA << " transB " << transB << " beta " << beta
              << " at " << e;
      }
}

} // namespace
