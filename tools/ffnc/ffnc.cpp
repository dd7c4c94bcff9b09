//===- ffnc.cpp - The ffnc compiler driver --------------------------------===//
//
// ffnc model.onnx --emit=onnx|ffn [-o out.mlir] [--summary]
//
//===----------------------------------------------------------------------===//

#include "ffn/Frontend/ONNXImporter.h"
#include "ffn/Registration.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Timer.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>

#include <sys/resource.h>

using namespace mlir;

namespace {
enum class Emit { ONNX, FFN };

llvm::cl::opt<std::string> inputPath(llvm::cl::Positional,
                                     llvm::cl::desc("<model.onnx>"),
                                     llvm::cl::Required);
llvm::cl::opt<std::string> outputPath("o", llvm::cl::desc("Output file"),
                                      llvm::cl::value_desc("path"),
                                      llvm::cl::init("-"));
llvm::cl::opt<Emit> emit(
    "emit", llvm::cl::desc("Stop after this stage and print its IR"),
    llvm::cl::values(
        clEnumValN(Emit::ONNX, "onnx", "the plain import, one op per node"),
        clEnumValN(Emit::FFN, "ffn", "after raising into the ffn dialect")),
    llvm::cl::init(Emit::FFN));
llvm::cl::opt<bool> printSummary(
    "summary", llvm::cl::desc("Print a one-screen summary of the model"));
llvm::cl::opt<bool> elideWeights(
    "elide-weights",
    llvm::cl::desc("Print large weights by name only, without their bytes "
                   "(the output then cannot be run)"));
llvm::cl::opt<bool> quiet("quiet",
                          llvm::cl::desc("Do not print the compile phases"));

/// Weights larger than this are named, not printed, with --elide-weights.
constexpr size_t kElideBytes = 1024;

/// Replaces every large dense_resource constant by one that names a resource
/// without data, so that printing never reads or hex-encodes the weights.
void elideLargeWeights(ModuleOp module) {
  auto &manager = DenseResourceElementsHandle::getManagerInterface(
      module.getContext());
  module.walk([&](arith::ConstantOp constant) {
    auto attr = dyn_cast<DenseResourceElementsAttr>(constant.getValue());
    AsmResourceBlob *blob = attr ? attr.getRawHandle().getBlob() : nullptr;
    if (!blob || blob->getData().size() <= kElideBytes)
      return;
    DenseResourceElementsHandle handle =
        manager.insert(attr.getRawHandle().getKey());
    constant.setValueAttr(DenseResourceElementsAttr::get(attr.getType(), handle));
  });
}

/// Prints numbered phases with the time elapsed since the start.
class Phases {
public:
  explicit Phases(unsigned total) : total(total) {}
  void begin(llvm::StringRef name) {
    print(llvm::formatv("[{0}/{1}]", ++current, total).str(), name);
  }
  void done() { print("[done]", "all phases"); }

private:
  void print(llvm::StringRef tag, llvm::StringRef name) {
    if (quiet)
      return;
    double seconds = std::chrono::duration<double>(
                         std::chrono::steady_clock::now() - start)
                         .count();
    // Peak resident memory so far; mapped weights count only once touched.
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    llvm::errs() << llvm::formatv("{0} ({1:f1} s, {2} MiB peak) {3}\n", tag,
                                  seconds, usage.ru_maxrss / 1024, name);
  }

  unsigned total;
  unsigned current = 0;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
};
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  llvm::cl::ParseCommandLineOptions(
      argc, argv, "ffnc: compile transformer models in ONNX for NVIDIA GPUs\n");

  DialectRegistry registry;
  ffn::registerFFNDialects(registry);
  MLIRContext context(registry);
  // Diagnostics name the model file and, for nodes, the node.
  ScopedDiagnosticHandler handler(&context, [](Diagnostic &diag) {
    llvm::errs() << "ffnc: ";
    if (diag.getSeverity() == DiagnosticSeverity::Error)
      llvm::errs() << "error: ";
    else if (diag.getSeverity() == DiagnosticSeverity::Warning)
      llvm::errs() << "warning: ";
    llvm::errs() << diag << "\n";
    return success();
  });

  Phases phases(emit == Emit::ONNX ? 2 : 3);
  phases.begin("importing " + inputPath);
  ffn::ModelSummary summary;
  FailureOr<OwningOpRef<ModuleOp>> module =
      ffn::importONNXModel(&context, inputPath, &summary);
  if (failed(module))
    return 1;
  if (printSummary)
    summary.print(llvm::errs());

  if (emit == Emit::FFN) {
    phases.begin("raising into the ffn dialect");
    PassManager pm(&context);
    pm.addNestedPass<func::FuncOp>(ffn::createFFNRaise());
    if (failed(pm.run(**module)))
      return 1;
  }

  phases.begin("writing " + (outputPath == "-" ? std::string("<stdout>")
                                               : outputPath.getValue()));
  std::string errorMessage;
  std::unique_ptr<llvm::ToolOutputFile> output =
      openOutputFile(outputPath, &errorMessage);
  if (!output) {
    llvm::errs() << "ffnc: error: " << errorMessage << "\n";
    return 1;
  }
  if (elideWeights)
    elideLargeWeights(**module);
  else if (summary.weightBytes > (uint64_t(1) << 30))
    llvm::errs() << "ffnc: note: printing " << (summary.weightBytes >> 20)
                 << " MiB of weights as hex; --elide-weights prints their "
                    "names only\n";
  (*module)->print(output->os());
  output->os() << "\n";
  output->keep();
  phases.done();
  return 0;
}
