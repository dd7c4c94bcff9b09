//===- ffn-run.cpp - Run a model and check it against a reference ---------===//
//
// ffn-run --device=cpu MODEL --input NAME=FILE.npy ... [--output OUT.npy]
//         [--reference REF.npy --rtol R --atol A] [--targets NEXT.npy]
//
// MODEL is an .onnx file (imported, then raised unless --plain) or an MLIR
// file holding func @main in the ffn dialect, run by the reference executor;
// or a compiled MODEL.cubin, run on the GPU (GPURun.cpp).
//
//===----------------------------------------------------------------------===//

#include "GPURun.h"

#include "ffn/Frontend/ONNXImporter.h"
#include "ffn/Reference/Executor.h"
#include "ffn/Registration.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

#include <cmath>

using namespace mlir;
using namespace mlir::ffn;

namespace {
enum class Device { CPU };

llvm::cl::opt<std::string> modelPath(llvm::cl::Positional,
                                     llvm::cl::desc("<model.onnx|model.mlir>"),
                                     llvm::cl::Required);
llvm::cl::opt<Device>
    device("device", llvm::cl::desc("Where to run"),
           llvm::cl::values(clEnumValN(Device::CPU, "cpu",
                                       "the reference executor")),
           llvm::cl::init(Device::CPU));
llvm::cl::list<std::string> inputs("input",
                                   llvm::cl::desc("NAME=FILE.npy, per input"),
                                   llvm::cl::value_desc("name=file"));
llvm::cl::opt<std::string> outputPath("output",
                                      llvm::cl::desc("Write output 0 (.npy)"),
                                      llvm::cl::value_desc("file"));
llvm::cl::opt<std::string>
    referencePath("reference",
                  llvm::cl::desc("Compare output 0 with this .npy"),
                  llvm::cl::value_desc("file"));
llvm::cl::opt<double> relTolerance("rtol",
                           llvm::cl::desc("Largest relative L2 error allowed"),
                           llvm::cl::init(1e-5));
llvm::cl::opt<double> absTolerance("atol",
                           llvm::cl::desc("Largest absolute error allowed"),
                           llvm::cl::init(1e-4));
llvm::cl::opt<std::string> targetsPath(
    "targets",
    llvm::cl::desc("Next-token ids (.npy): report cross-entropy of output 0 "
                   "in bits per token"),
    llvm::cl::value_desc("file"));
llvm::cl::opt<double> expectBits(
    "expect-bits",
    llvm::cl::desc("With --targets: the expected cross-entropy in bits per "
                   "token (e.g. from a PyTorch evaluation)"),
    llvm::cl::init(NAN));
llvm::cl::opt<double> bitsTolerance(
    "bits-tolerance",
    llvm::cl::desc("Largest difference from --expect-bits allowed"),
    llvm::cl::init(1e-3));
llvm::cl::opt<bool> perRow(
    "per-row",
    llvm::cl::desc("Run each row of the inputs' first dimension on its own and "
                   "stack the outputs (for models exported with batch 1)"));
llvm::cl::opt<int64_t> firstRows(
    "first-rows",
    llvm::cl::desc("Use only the first N rows of every input and of --targets"),
    llvm::cl::value_desc("N"), llvm::cl::init(-1));
llvm::cl::opt<bool> plain("plain",
                          llvm::cl::desc("Run ONNX models as imported, "
                                         "without raising"));

int fail(const llvm::Twine &message) {
  llvm::errs() << "ffn-run: error: " << message << "\n";
  return 1;
}

FailureOr<OwningOpRef<ModuleOp>> loadModel(MLIRContext &context) {
  if (llvm::sys::path::extension(modelPath) == ".mlir") {
    llvm::SourceMgr sourceMgr;
    SourceMgrDiagnosticHandler handler(sourceMgr, &context);
    OwningOpRef<ModuleOp> module =
        parseSourceFile<ModuleOp>(modelPath, sourceMgr, &context);
    if (!module)
      return failure();
    return module;
  }
  FailureOr<OwningOpRef<ModuleOp>> module =
      importONNXModel(&context, modelPath);
  if (failed(module) || plain)
    return module;
  PassManager pm(&context);
  pm.addNestedPass<func::FuncOp>(createFFNRaise());
  if (failed(pm.run(**module)))
    return failure();
  return module;
}

/// The first `count` rows of `t` (all of them when count < 0).
llvm::Expected<ref::Tensor> firstRowsOf(ref::Tensor t, int64_t count) {
  if (count < 0)
    return t;
  if (t.rank() == 0 || t.dim(0) < count)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   llvm::formatv("--first-rows={0} needs at "
                                                 "least {0} rows, got {1}",
                                                 count, t.shapeString()));
  std::vector<int64_t> shape(t.shape().begin(), t.shape().end());
  int64_t size = t.numElements() / shape[0];
  shape[0] = count;
  if (t.isFloat())
    t.f().resize(count * size);
  else
    t.i().resize(count * size);
  return t.reshaped(shape);
}

/// Relative L2 and max absolute error of `actual` against `expected`.
std::pair<double, double> compare(const ref::Tensor &actual,
                                  const ref::Tensor &expected) {
  double diff = 0, norm = 0, maxAbs = 0;
  for (int64_t k = 0; k < actual.numElements(); ++k) {
    double a = actual.getDouble(k), e = expected.getDouble(k);
    diff += (a - e) * (a - e);
    norm += e * e;
    maxAbs = std::max(maxAbs, std::abs(a - e));
    if (std::isnan(a) != std::isnan(e))
      maxAbs = INFINITY;
  }
  return {std::sqrt(diff / std::max(norm, 1e-300)), maxAbs};
}

} // namespace

int main(int argc, char **argv) {
  for (int k = 1; k < argc; ++k)
    if (llvm::StringRef(argv[k]).ends_with(".cubin") &&
        !llvm::StringRef(argv[k - 1]).starts_with("--"))
      return runCompiledModel(argc, argv);
  llvm::InitLLVM init(argc, argv);
  llvm::cl::ParseCommandLineOptions(
      argc, argv, "ffn-run: run a model and check it against references\n");

  DialectRegistry registry;
  registerFFNDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  ScopedDiagnosticHandler handler(&context, [](Diagnostic &diag) {
    llvm::errs() << "ffn-run: error: " << diag << "\n";
    return success();
  });

  FailureOr<OwningOpRef<ModuleOp>> module = loadModel(context);
  if (failed(module))
    return 1;
  auto func = (*module)->lookupSymbol<func::FuncOp>("main");
  if (!func)
    return fail("the model has no func @main");
  ref::Executor executor(func);

  // Inputs by name, in argument order.
  std::vector<ref::Tensor> args(func.getNumArguments());
  std::vector<bool> given(func.getNumArguments(), false);
  for (const std::string &spec : inputs) {
    auto [name, file] = llvm::StringRef(spec).split('=');
    if (file.empty())
      return fail("--input expects NAME=FILE.npy, got '" + spec + "'");
    unsigned index = 0;
    while (index < func.getNumArguments() &&
           executor.argumentName(index) != name)
      ++index;
    if (index == func.getNumArguments())
      return fail("the model has no input named '" + name + "'");
    auto tensor = ref::readNpy(file);
    if (tensor)
      tensor = firstRowsOf(std::move(*tensor), firstRows);
    if (!tensor)
      return fail("input '" + name + "': " +
                  llvm::toString(tensor.takeError()));
    args[index] = std::move(*tensor);
    given[index] = true;
  }
  for (unsigned index = 0; index < args.size(); ++index)
    if (!given[index])
      return fail("missing --input " + executor.argumentName(index) +
                  "=FILE.npy");

  auto results = perRow ? executor.runPerRow(args) : executor.run(args);
  if (!results)
    return fail(llvm::toString(results.takeError()));
  const ref::Tensor &output = results->front();
  llvm::outs() << "output '" << executor.resultName(0)
               << "': " << ref::dtypeName(output.dtype()) << " "
               << output.shapeString() << "\n";
  if (!outputPath.empty())
    if (llvm::Error error = ref::writeNpy(outputPath, output))
      return fail(llvm::toString(std::move(error)));

  bool passed = true;
  if (!targetsPath.empty()) {
    auto targets = ref::readNpy(targetsPath);
    if (targets)
      targets = firstRowsOf(std::move(*targets), firstRows);
    if (!targets)
      return fail(llvm::toString(targets.takeError()));
    auto bits = ref::crossEntropyBits(output, *targets);
    if (!bits)
      return fail(llvm::toString(bits.takeError()));
    llvm::outs() << llvm::formatv("cross-entropy: {0:f6} bits per token over "
                                  "{1} tokens\n",
                                  *bits, targets->numElements());
    if (!std::isnan(expectBits)) {
      double difference = std::abs(*bits - expectBits);
      passed = difference <= bitsTolerance;
      llvm::outs() << llvm::formatv("expected {0:f6}: difference {1:e2} "
                                    "(limit {2:e2})\n",
                                    expectBits.getValue(), difference,
                                    bitsTolerance.getValue());
      llvm::outs() << (passed ? "PASSED" : "FAILED") << "\n";
    }
  }
  if (!referencePath.empty() && passed) {
    auto expected = ref::readNpy(referencePath);
    if (!expected)
      return fail(llvm::toString(expected.takeError()));
    if (expected->shape() != output.shape())
      return fail("reference shape " + expected->shapeString() +
                  " differs from output shape " + output.shapeString());
    auto [rel, maxAbs] = compare(output, *expected);
    passed = rel <= relTolerance && maxAbs <= absTolerance;
    llvm::outs() << llvm::formatv(
        "relative L2 error {0:e2} (limit {1:e2}), max abs error {2:e2} "
        "(limit {3:e2})\n",
        rel, relTolerance.getValue(), maxAbs, absTolerance.getValue());
    llvm::outs() << (passed ? "PASSED" : "FAILED") << "\n";
  }
  return passed ? 0 : 1;
}
