//===- EvaluateTest.cpp - Host evaluation helpers -------------------------===//
//
// The passes evaluate with ref::plainGemm and the executor with OpenBLAS;
// both must implement cblas_sgemm's contract alike. Fusion reads weight
// rows in place (ConstantRows), as the tensors they convert to.
//
//===----------------------------------------------------------------------===//

#include "ffn/Dialect/FFN/Utils/TensorAttr.h"
#include "ffn/Reference/Executor.h"

#include "mlir/IR/Builders.h"

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

// Rows read in place from a resource blob, in each float width, equal the
// tensor the attribute converts to (the path fusion took before).
TEST(EvaluateTest, ConstantRowsMatchTheTensor) {
  mlir::MLIRContext context;
  mlir::OpBuilder builder(&context);
  std::mt19937 random(11);
  std::normal_distribution<float> normal;
  ref::Tensor t(ref::DType::F32, {5, 7});
  for (float &x : t.f())
    x = normal(random);
  for (mlir::Type element :
       {mlir::Type(builder.getF32Type()), mlir::Type(builder.getBF16Type()),
        mlir::Type(builder.getF16Type())}) {
    auto type = mlir::RankedTensorType::get({5, 7}, element);
    auto attr = ref::tensorToAttr(t, type, "rows");
    auto expected = ref::tensorFromAttr(attr);
    ASSERT_TRUE(bool(expected));
    auto rows = ref::ConstantRows::get(attr);
    ASSERT_TRUE(bool(rows));
    ASSERT_EQ(rows->rows(), 5);
    ASSERT_EQ(rows->cols(), 7);
    std::vector<float> row(7);
    for (int64_t r = 0; r < 5; ++r) {
      rows->read(r, row.data());
      for (int64_t c = 0; c < 7; ++c)
        EXPECT_EQ(row[c], expected->f()[r * 7 + c]) << r << ", " << c;
    }
    // Not a resource: the same rows through the tensor.
    ref::ConstantRows copied(std::move(*expected));
    copied.read(4, row.data());
    ref::Tensor again = *ref::tensorFromAttr(attr);
    for (int64_t c = 0; c < 7; ++c)
      EXPECT_EQ(row[c], again.f()[28 + c]);
  }
}
