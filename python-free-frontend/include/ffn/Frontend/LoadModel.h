//===- LoadModel.h - Reading a model file of either kind --------*- C++ -*-===//

#ifndef FFN_FRONTEND_LOADMODEL_H
#define FFN_FRONTEND_LOADMODEL_H

#include "ffn/Frontend/ModelSummary.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace mlir::ffn {

/// Reads `path`: a .mlir file (the ffn dialect, or a plan from
/// --emit=mlir-gpu) is parsed once its brackets are known to nest shallowly
/// enough for the parser's stack; anything else is imported as ONNX, which
/// fills `summary`.
FailureOr<OwningOpRef<ModuleOp>> loadModel(MLIRContext *context, StringRef path,
                                           ModelSummary *summary = nullptr);

} // namespace mlir::ffn

#endif // FFN_FRONTEND_LOADMODEL_H
