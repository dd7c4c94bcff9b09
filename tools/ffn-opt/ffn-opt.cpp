//===- ffn-opt.cpp - mlir-opt-style driver for ffnc's passes --------------===//

#include "ffn/Registration.h"
#include "ffn/Support/Output.h"
#include "ffn/Support/Version.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  llvm::cl::SetVersionPrinter([](llvm::raw_ostream &os) {
    os << ffnsupport::versionLine("ffn-opt") << "\n";
  });
  mlir::registerAllPasses();
  mlir::ffn::registerFFNCPasses();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::ffn::registerFFNDialects(registry);
  auto [input, output] = mlir::registerAndParseCLIOptions(
      argc, argv, "ffnc optimizer driver\n", registry);
  // -o goes to a temporary renamed over it on success: a failed run leaves
  // an existing output as it was.
  ffnsupport::OutputFile file;
  if (output != "-") {
    if (std::string error = file.open(output); !error.empty()) {
      llvm::errs() << "ffn-opt: error: " << error << "\n";
      return 2;
    }
    output = file.pathToWrite();
  }
  // Exit code 2 on errors, as ffnc and ffn-run.
  if (mlir::failed(mlir::MlirOptMain(argc, argv, input, output, registry)))
    return 2;
  if (output != "-")
    if (std::string error = file.commit(); !error.empty()) {
      llvm::errs() << "ffn-opt: error: " << error << "\n";
      return 2;
    }
  return 0;
}
