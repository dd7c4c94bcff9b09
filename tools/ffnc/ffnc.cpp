//===- ffnc.cpp - The ffnc compiler driver --------------------------------===//
//
// ffnc model.onnx --emit=onnx|ffn [-o out.mlir] [--summary]
//
//===----------------------------------------------------------------------===//

#include "ffn/Frontend/ONNXImporter.h"
#include "ffn/Registration.h"

#include "mlir/IR/AsmState.h"
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
llvm::cl::opt<bool> quiet("quiet",
                          llvm::cl::desc("Do not print the compile phases"));

/// Prints numbered phases with the time elapsed since the start.
class Phases {
public:
  explicit Phases(unsigned total) : total(total) {}
  void begin(llvm::StringRef name) {
    if (quiet)
      return;
    double seconds = std::chrono::duration<double>(
                         std::chrono::steady_clock::now() - start)
                         .count();
    // Peak resident memory so far; mapped weights count only once touched.
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    llvm::errs() << llvm::formatv("[{0}/{1}] ({2:f1} s, {3} MiB peak) {4}\n",
                                  ++current, total, seconds,
                                  usage.ru_maxrss / 1024, name);
  }

private:
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
  (*module)->print(output->os());
  output->os() << "\n";
  output->keep();
  return 0;
}
