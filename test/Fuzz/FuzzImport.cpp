//===- FuzzImport.cpp - Fuzz the ONNX importer and raising ----------------===//
//
// Imports the input as a binary ONNX model and, when that succeeds, raises it.
// Bad input must end in a diagnostic; a crash or sanitizer report is a bug.
//
//===----------------------------------------------------------------------===//

#include "ffn/Frontend/ONNXImporter.h"
#include "ffn/Registration.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"

using namespace mlir;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const DialectRegistry registry = [] {
    DialectRegistry registry;
    ffn::registerFFNDialects(registry);
    return registry;
  }();
  // A context per input: a context keeps every attribute and resource blob
  // it ever made, so a shared one would grow without bound and carry state
  // from one input to the next.
  MLIRContext context(registry, MLIRContext::Threading::DISABLED);
  ScopedDiagnosticHandler discard(&context,
                                  [](Diagnostic &) { return success(); });

  // The folder does not exist: external data never reaches the disk, so the
  // outcome depends on the input alone.
  auto buffer = llvm::MemoryBuffer::getMemBufferCopy(
      StringRef(reinterpret_cast<const char *>(data), size),
      "/nonexistent/fuzz.onnx");
  FailureOr<OwningOpRef<ModuleOp>> module =
      ffn::importONNXModel(&context, std::move(buffer));
  if (failed(module))
    return 0;
  PassManager pm(&context);
  pm.addNestedPass<func::FuncOp>(ffn::createFFNRaise());
  (void)pm.run(**module);
  return 0;
}
