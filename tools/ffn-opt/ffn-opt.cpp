//===- ffn-opt.cpp - mlir-opt-style driver for ffnc's passes --------------===//

#include "ffn/Registration.h"
#include "ffn/Support/Files.h"
#include "ffn/Support/Nesting.h"
#include "ffn/Support/Output.h"
#include "ffn/Support/Version.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/MemoryBuffer.h"

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
  // A FIFO or device would block the reader or never end.
  if (input != "-")
    if (std::string why = ffnsupport::whyNotReadable(input); !why.empty()) {
      llvm::errs() << "ffn-opt: error: '" << input << "' " << why << "\n";
      return 2;
    }
  // The parser recurses once per bracket: refuse what would overflow its
  // stack.
  if (input != "-")
    if (auto buffer = llvm::MemoryBuffer::getFile(input, /*IsText=*/true))
      if (std::string why = ffnsupport::nestingProblem(
              (*buffer)->getBufferStart(), (*buffer)->getBufferSize(),
              ffnsupport::Comments::MLIR);
          !why.empty()) {
        llvm::errs() << "ffn-opt: error: '" << input << "' " << why << "\n";
        return 2;
      }
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
