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

#include "ffn/Dialect/FFN/IR/FFNOps.h"
#include "ffn/Dialect/FFN/Utils/Evaluate.h"
#include "ffn/Frontend/LoadModel.h"
#include "ffn/Reference/Executor.h"
#include "ffn/Reference/Generate.h"
#include "ffn/Registration.h"
#include "ffn/Support/Memory.h"
#include "ffn/Transforms/Passes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;
using namespace mlir::ffn;

/// How big the cache of a step from ffn-kv-cache is, and which layers
/// need none.
static void printCacheSummary(func::FuncOp step, int64_t context) {
  unsigned caches = step.getNumArguments() - 2;
  int64_t bytes = 0;
  for (unsigned k = 0; k < caches; ++k) {
    auto type = cast<RankedTensorType>(step.getArgument(k + 2).getType());
    bytes += context * type.getDimSize(2) *
             (type.getElementType().getIntOrFloatBitWidth() / 8);
  }
  unsigned blocks = 0;
  step.walk([&](FFNBlockOp) { ++blocks; });
  unsigned layers = std::max(blocks, caches / 2);
  llvm::outs() << "kv cache: " << caches / 2 << " of " << layers
               << " layers attend, " << layers - caches / 2
               << " need no cache; " << context << " positions, "
               << llvm::format("%.3f", bytes / double(1 << 20))
               << " MiB per sequence\n";
  llvm::outs().flush();
}

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

/// Generates --generate tokens after each prompt of --input input_ids=,
/// with a KV cache unless --no-kv-cache, and checks them.
static int generateOnReferenceExecutor(const Options &options, ModuleOp module,
                                       func::FuncOp func,
                                       const ref::Executor &executor) {
  if (options.inputs.size() != 1 ||
      options.inputs[0].first != executor.argumentName(0))
    return reportError("--generate takes one --input, the prompts: --input " +
                       executor.argumentName(0) + "=FILE.npy");
  ffnsupport::NpyArray array;
  std::string error = readRows(options, options.inputs[0].second, array);
  if (!error.empty())
    return reportError("input '" + options.inputs[0].first + "': " + error);
  ref::Tensor prompts = ref::tensorFromNpy(array);
  auto lengths = ref::promptLengths(prompts);
  if (!lengths)
    return reportError(llvm::toString(lengths.takeError()));

  llvm::Expected<ref::Generation> generation = ref::Generation();
  if (options.noKVCache) {
    generation = ref::generateByRecomputation(func, prompts, options.generate,
                                              options.sampling);
  } else {
    int64_t longest = *std::max_element(lengths->begin(), lengths->end());
    int64_t context = options.maxContext != -1 ? options.maxContext
                                               : longest + options.generate;
    PassManager pm(module.getContext());
    FFNKVCacheOptions cacheOptions;
    cacheOptions.maxContext = context;
    pm.addNestedPass<func::FuncOp>(createFFNKVCache(cacheOptions));
    if (failed(pm.run(module)))
      return 2;
    printCacheSummary(func, context);
    generation =
        ref::generateCached(func, prompts, options.generate, options.sampling);
  }
  if (!generation)
    return reportError(llvm::toString(generation.takeError()));
  // The reference executor runs the sequences one after another.
  double total =
      std::accumulate(generation->firstToken.begin(),
                      generation->firstToken.end(), 0.0) +
      std::accumulate(generation->steps.begin(), generation->steps.end(), 0.0);
  printGenerationTimes(generation->firstToken, generation->steps,
                       prompts.dim(0), total);
  Verdict verdict;
  error = checkTokens(options, ref::npyFromTensor(generation->tokens), *lengths,
                      verdict);
  if (!error.empty())
    return reportError(error);
  return finish(verdict);
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
  if (options.generate != -1)
    return generateOnReferenceExecutor(options, **module, func, executor);

  // Inputs by name, in argument order.
  std::vector<std::string> names;
  for (unsigned index = 0; index < func.getNumArguments(); ++index)
    names.push_back(executor.argumentName(index));
  std::vector<ffnsupport::NpyArray> arrays;
  if (std::string error = readInputs(options, names, arrays); !error.empty())
    return reportError(error);
  std::vector<ref::Tensor> args;
  for (const ffnsupport::NpyArray &array : arrays)
    args.push_back(ref::tensorFromNpy(array));

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
  ffnsupport::exitOnOutOfMemory("ffn-run", ffn::ref::evaluationContext);
  llvm::install_bad_alloc_error_handler(
      [](void *, const char *, bool) { ffnsupport::reportOutOfMemory(); });
  Options options;
  int exitCode;
  if (!parseCommandLine(argc, argv, options, exitCode))
    return exitCode;
  if (options.compiled())
    return runCompiledModel(options);
  return runOnReferenceExecutor(options);
}
