//===- Registration.h - Dialects and passes for every ffnc tool -*- C++ -*-===//
//
// The one place where the tools learn which dialects and passes exist.
//
//===----------------------------------------------------------------------===//

#ifndef FFN_REGISTRATION_H
#define FFN_REGISTRATION_H

#include "ffn/Conversion/Passes.h"
#include "ffn/Dialect/FFN/IR/FFNDialect.h"
#include "ffn/Dialect/FFN/Utils/Folding.h"
#include "ffn/Dialect/Plan/IR/PlanDialect.h"
#include "ffn/Pipeline/Pipeline.h"
#include "ffn/Target/Passes.h"
#include "ffn/Transforms/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"

namespace mlir::ffn {

/// The dialects that ffnc's own IR uses: ffn (with constant folding of its
/// ONNX nodes) and the launch plan's ffnrt, plus the upstream homes of the
/// generic tail.
inline void registerFFNDialects(DialectRegistry &registry) {
  registry.insert<FFNDialect, plan::PlanDialect, arith::ArithDialect,
                  func::FuncDialect, tensor::TensorDialect>();
  registerFFNFoldInterface(registry);
}

/// ffnc's passes and its pipeline (`ffnc-pipeline`).
inline void registerFFNCPasses() {
  registerFFNPasses();
  registerFFNConversionPasses();
  registerFFNTargetPasses();
  registerFFNCPipeline();
}

} // namespace mlir::ffn

#endif // FFN_REGISTRATION_H
