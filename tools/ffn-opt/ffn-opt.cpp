//===- ffn-opt.cpp - mlir-opt-style driver for ffnc's passes --------------===//

#include "ffn/Registration.h"
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
  // Exit code 2 on errors, as ffnc and ffn-run.
  return mlir::failed(
             mlir::MlirOptMain(argc, argv, "ffnc optimizer driver\n", registry))
             ? 2
             : 0;
}
