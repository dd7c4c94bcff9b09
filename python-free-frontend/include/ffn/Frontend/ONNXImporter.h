//===- ONNXImporter.h - ONNX to the ffn dialect -----------------*- C++ -*-===//
//
// The plain import: one func.func @main whose arguments and results are the
// graph's inputs and outputs, one arith.constant per initializer or Constant
// node, and one ffn.node per other ONNX node. Large initializers become
// dense_resource constants that point into the memory-mapped model or its
// external-data files.
//
//===----------------------------------------------------------------------===//

#ifndef FFN_FRONTEND_ONNXIMPORTER_H
#define FFN_FRONTEND_ONNXIMPORTER_H

#include "ffn/Frontend/ModelSummary.h"

#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/LLVM.h"
#include "llvm/Support/MemoryBuffer.h"

namespace mlir::ffn {

/// The default-domain opsets the importer accepts.
constexpr int64_t kMinOpset = 13;
constexpr int64_t kMaxOpset = 21;

/// The default-domain operators that the importer accepts, sorted.
llvm::ArrayRef<llvm::StringRef> getSupportedONNXOps();

/// Imports the model at `path`. Problems are reported as diagnostics on
/// `context`; every unsupported operator is listed in one error. Fills
/// `summary` when given.
FailureOr<OwningOpRef<ModuleOp>> importONNXModel(MLIRContext *context,
                                                 StringRef path,
                                                 ModelSummary *summary = nullptr);
/// Imports a model held in memory, as ModelFile::parse reads it.
FailureOr<OwningOpRef<ModuleOp>>
importONNXModel(MLIRContext *context,
                std::unique_ptr<llvm::MemoryBuffer> buffer,
                ModelSummary *summary = nullptr);

/// Reads a serialized ONNX TensorProto (as ONNX's test data holds them).
FailureOr<ElementsAttr> readTensorFile(MLIRContext *context, StringRef path);

} // namespace mlir::ffn

#endif // FFN_FRONTEND_ONNXIMPORTER_H
