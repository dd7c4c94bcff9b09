//===- ffn-run.cpp - Run a model and check it against a reference ---------===//
//
// ffn-run [options] MODEL (Options.cpp lists them). MODEL is an .onnx file
// (imported, then raised unless --plain) or an MLIR file holding func @main
// in the ffn dialect, run by the reference executor; or a compiled
// MODEL.cubin, run on the GPU (GPURun.cpp).
//
//===----------------------------------------------------------------------===//

#include "Checks.h"
#include "GPURun.h"

#include "ffn/Frontend/LoadModel.h"
#include "ffn/Reference/Executor.h"
#include "ffn/Registration.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;
using namespace mlir::ffn;

static FailureOr<OwningOpRef<ModuleOp>> loadModel(MLIRContext &context,
                                                  const Options &options) {
  FailureOr<OwningOpRef<ModuleOp>> module =
      ffn::loadModel(&context, options.model);
  // MLIR models are in the ffn dialect already.
  if (failed(module) || options.plain ||
      llvm::StringRef(options.model).ends_with(".mlir"))
    return module;
  PassManager pm(&context);
  pm.addNestedPass<func::FuncOp>(createFFNRaise());
  if (failed(pm.run(**module)))
    return failure();
  return module;
}

/// Runs `options.model` on the reference executor and checks it.
static int runOnReferenceExecutor(const Options &options) {
  DialectRegistry registry;
  registerFFNDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  ScopedDiagnosticHandler handler(&context, [](Diagnostic &diag) {
    llvm::errs() << "ffn-run: error: " << diag << "\n";
    return success();
  });

  FailureOr<OwningOpRef<ModuleOp>> module = loadModel(context, options);
  if (failed(module))
    return 2;
  auto func = (*module)->lookupSymbol<func::FuncOp>("main");
  if (!func)
    return reportError("the model has no func @main");
  if (options.maxMemory > 0)
    ref::setMemoryBudget(static_cast<uint64_t>(options.maxMemory * (1 << 30)));
  ref::Executor executor(func);

  // Inputs by name, in argument order.
  std::vector<ref::Tensor> args(func.getNumArguments());
  std::vector<bool> given(func.getNumArguments(), false);
  for (const auto &[name, file] : options.inputs) {
    unsigned index = 0;
    while (index < func.getNumArguments() &&
           executor.argumentName(index) != name)
      ++index;
    if (index == func.getNumArguments())
      return reportError("the model has no input named '" + name + "'");
    ffnsupport::NpyArray array;
    std::string error = readRows(options, file, array);
    if (!error.empty())
      return reportError("input '" + name + "': " + error);
    args[index] = ref::tensorFromNpy(array);
    given[index] = true;
  }
  for (unsigned index = 0; index < args.size(); ++index)
    if (!given[index])
      return reportError("missing --input " + executor.argumentName(index) +
                         "=FILE.npy");

  auto results = options.perRow ? executor.runPerRow(args) : executor.run(args);
  if (!results)
    return reportError(llvm::toString(results.takeError()));
  Verdict verdict;
  std::string error =
      checkOutput(options, executor.resultName(0),
                  ref::npyFromTensor(results->front()), verdict);
  if (!error.empty())
    return reportError(error);
  return finish(verdict);
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  Options options;
  int exitCode;
  if (!parseCommandLine(argc, argv, options, exitCode))
    return exitCode;
  if (options.compiled())
    return runCompiledModel(options);
  return runOnReferenceExecutor(options);
}
