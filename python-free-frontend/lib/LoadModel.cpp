//===- LoadModel.cpp - Reading a model file of either kind ----------------===//

#include "ffn/Frontend/LoadModel.h"
#include "ffn/Frontend/ONNXImporter.h"
#include "ffn/Support/Nesting.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;
using namespace mlir::ffn;

FailureOr<OwningOpRef<ModuleOp>> mlir::ffn::loadModel(MLIRContext *context,
                                                      StringRef path,
                                                      ModelSummary *summary) {
  if (!path.ends_with(".mlir"))
    return importONNXModel(context, path, summary);
  Location fileLoc = FileLineColLoc::get(context, path, 0, 0);
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer) {
    emitError(fileLoc) << "cannot read '" << path
                       << "': " << buffer.getError().message();
    return failure();
  }
  if (std::string why = ffnsupport::nestingProblem((*buffer)->getBufferStart(),
                                                   (*buffer)->getBufferSize(),
                                                   ffnsupport::Comments::MLIR);
      !why.empty()) {
    emitError(fileLoc) << "'" << path << "' " << why;
    return failure();
  }
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
  OwningOpRef<ModuleOp> module =
      parseSourceFile<ModuleOp>(sourceMgr, ParserConfig(context));
  if (!module)
    return failure();
  return module;
}
