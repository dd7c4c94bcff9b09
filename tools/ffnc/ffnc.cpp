//===- ffnc.cpp - The ffnc compiler driver --------------------------------===//
//
// ffnc model.onnx -o model.cubin [--precision=bf16|fp16|fp32] [--target=sm_90]
// ffnc model.onnx --emit=onnx|ffn|mlir-gpu|llvm|ptx|cubin [-o out] [--summary]
// ffnc model.mlir ...   (ffn-dialect input, e.g. from ffn-opt --ffn-fusion)
//
// The stages are the shared pipeline (ffn/Pipeline/Pipeline.h), run one at a
// time so that the analysis and fusion measurements can sit between them.
//
//===----------------------------------------------------------------------===//

#include "Fusion.h"

#include "ffn/Analysis/DependencyAnalysis.h"
#include "ffn/Analysis/Heatmap.h"
#include "ffn/Dialect/FFN/Utils/Evaluate.h"
#include "ffn/Dialect/Plan/IR/PlanDialect.h"
#include "ffn/Frontend/LoadModel.h"
#include "ffn/Frontend/ONNXImporter.h"
#include "ffn/Pipeline/Pipeline.h"
#include "ffn/Reference/Executor.h"
#include "ffn/Registration.h"
#include "ffn/Support/Files.h"
#include "ffn/Support/Memory.h"
#include "ffn/Support/Output.h"
#include "ffn/Support/Version.h"
#include "ffn/Target/Artifact.h"
#include "ffn/Target/Cubin.h"
#include "ffn/Transforms/FFNFusion.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/AttrTypeSubElements.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Timer.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cmath>

#include <sys/resource.h>

using namespace mlir;

namespace {
enum class Emit { ONNX, FFN, MLIRGPU, LLVM, PTX, Cubin };

llvm::cl::OptionCategory ffncCategory("ffnc options");
llvm::cl::OptionCategory mlirCategory(
    "MLIR pass manager options (passed on to the pipeline)");

llvm::cl::SubCommand analyzeCommand(
    "analyze", "Measure the block-wise dependency matrix of the model's runs "
               "of FFN blocks on calibration data");

llvm::cl::opt<std::string>
    inputPath(llvm::cl::Positional, llvm::cl::desc("<model.onnx|model.mlir>"),
              llvm::cl::Required,
              llvm::cl::sub(llvm::cl::SubCommand::getTopLevel()),
              llvm::cl::sub(analyzeCommand),
    llvm::cl::cat(ffncCategory));
llvm::cl::opt<std::string> calibrationPath(
    "calibration",
    llvm::cl::desc("Token ids (.npy, [rows, sequence]) to measure on"),
    llvm::cl::value_desc("ids.npy"),
    llvm::cl::sub(llvm::cl::SubCommand::getTopLevel()),
    llvm::cl::sub(analyzeCommand),
    llvm::cl::cat(ffncCategory));
llvm::cl::opt<std::string> targetsPath(
    "calibration-targets",
    llvm::cl::desc("Next-token ids (.npy) for the calibration rows: the "
                   "cross-entropy in bits per token of each fused range"),
    llvm::cl::value_desc("next.npy"),
    llvm::cl::sub(llvm::cl::SubCommand::getTopLevel()),
    llvm::cl::sub(analyzeCommand),
    llvm::cl::cat(ffncCategory));
llvm::cl::opt<bool> quiet("quiet",
                          llvm::cl::desc("Do not print the compile phases"),
                          llvm::cl::sub(llvm::cl::SubCommand::getTopLevel()),
                          llvm::cl::sub(analyzeCommand),
    llvm::cl::cat(ffncCategory));
llvm::cl::opt<std::string> reportPath(
    "report", llvm::cl::desc("Write the dependency report (JSON) here"),
    llvm::cl::value_desc("deps.json"), llvm::cl::sub(analyzeCommand),
    llvm::cl::cat(ffncCategory));
llvm::cl::opt<std::string> heatmapPath(
    "heatmap", llvm::cl::desc("Draw the dependency matrix (PNG) here"),
    llvm::cl::value_desc("deps.png"), llvm::cl::sub(analyzeCommand),
    llvm::cl::cat(ffncCategory));
llvm::cl::opt<std::string>
    fusion("ffn-fusion",
           llvm::cl::desc("FFN Fusion: none, auto (needs --calibration) or "
                          "ranges=3-4,5-7 (the ffn-fusion pass's spelling)"),
           llvm::cl::init("none"),
    llvm::cl::cat(ffncCategory));
llvm::cl::opt<std::string> dependencyReportPath(
    "dependency-report",
    llvm::cl::desc("With --ffn-fusion=auto: choose from this report of "
                   "ffnc analyze instead of measuring"),
    llvm::cl::value_desc("deps.json"), llvm::cl::cat(ffncCategory));
llvm::cl::opt<double> maxDependency(
    "max-dependency",
    llvm::cl::desc("With --ffn-fusion=auto: the largest pairwise dependency "
                   "inside a fused range"),
    llvm::cl::init(0.08),
    llvm::cl::cat(ffncCategory));
llvm::cl::opt<bool> includeLast(
    "include-last",
    llvm::cl::desc("With --ffn-fusion=auto: let ranges include the last "
                   "block of a run"),
    llvm::cl::cat(ffncCategory));
llvm::cl::opt<std::string> outputPath("o", llvm::cl::desc("Output file"),
                                      llvm::cl::value_desc("path"),
                                      llvm::cl::init("-"),
    llvm::cl::cat(ffncCategory));
llvm::cl::opt<Emit> emit(
    "emit",
    llvm::cl::desc("What to write (default: by -o's extension, .cubin, .ptx, "
                   ".ll or .mlir for the ffn dialect)"),
    llvm::cl::values(
        clEnumValN(Emit::ONNX, "onnx", "the plain import, one op per node"),
        clEnumValN(Emit::FFN, "ffn", "after raising (and fusion)"),
        clEnumValN(Emit::MLIRGPU, "mlir-gpu",
                   "the kernels (gpu dialect) and the launch plan"),
        clEnumValN(Emit::LLVM, "llvm", "the kernels as LLVM IR"),
        clEnumValN(Emit::PTX, "ptx", "the kernels and plan as PTX"),
        clEnumValN(
            Emit::Cubin, "cubin",
            "the cubin and its weights file")),
    llvm::cl::cat(ffncCategory));
llvm::cl::opt<ffn::Precision> precision(
    "precision", llvm::cl::desc("Weights and activations on the GPU"),
    llvm::cl::values(
        clEnumValN(ffn::Precision::BF16, "bf16",
                   "bfloat16 storage, f32 accumulation and norm statistics"),
        clEnumValN(ffn::Precision::FP16, "fp16",
                   "float16 storage, f32 accumulation and norm statistics"),
        clEnumValN(ffn::Precision::FP32, "fp32", "float32 throughout")),
    llvm::cl::init(ffn::Precision::BF16),
    llvm::cl::cat(ffncCategory));
llvm::cl::opt<std::string> target("target",
                                  llvm::cl::desc("GPU architecture: sm_90 "
                                                 "(H100/H200) or sm_80 (A100)"),
                                  llvm::cl::init("sm_90"),
    llvm::cl::cat(ffncCategory));
llvm::cl::opt<int64_t> maxTokens(
    "max-tokens",
    llvm::cl::desc("Most tokens (batch * seq) one run may process; sizes the "
                   "activation memory"),
    llvm::cl::init(4096),
    llvm::cl::cat(ffncCategory));
llvm::cl::opt<int64_t> maxContext(
    "max-context",
    llvm::cl::desc("Compile for generation: prefill and decode steps whose "
                   "KV caches hold this many positions per sequence "
                   "(default 0: the plain forward)"),
    llvm::cl::init(0), llvm::cl::cat(ffncCategory));
llvm::cl::opt<int64_t> maxBatch(
    "max-batch",
    llvm::cl::desc("With --max-context: the most sequences one step "
                   "generates for at once, each with KV caches of its own "
                   "(default 1; more needs a model exported with a dynamic "
                   "batch)"),
    llvm::cl::init(1), llvm::cl::cat(ffncCategory));
llvm::cl::opt<double> maxMemory(
    "max-memory",
    llvm::cl::desc("Largest tensor, in GiB, that evaluating the model on the "
                   "host (calibration, constant folding) may allocate "
                   "(default: half the machine's memory)"),
    llvm::cl::init(0), llvm::cl::cat(ffncCategory));
llvm::cl::opt<std::string> cudaPath("cuda-path",
                                    llvm::cl::desc("The CUDA toolkit (ptxas, "
                                                   "libdevice)"),
                                    llvm::cl::init(FFNC_CUDA_PATH),
    llvm::cl::cat(ffncCategory));
llvm::cl::opt<bool> ptxasVerbose(
    "ptxas-verbose",
    llvm::cl::desc("Print ptxas's per-kernel resource report (registers, "
                   "spills)"),
    llvm::cl::cat(ffncCategory));
llvm::cl::opt<bool>
    printSummary("summary",
                 llvm::cl::desc("Print a one-screen summary of the model"),
    llvm::cl::cat(ffncCategory));
llvm::cl::opt<bool> elideWeights(
    "elide-weights",
    llvm::cl::desc("Print large weights by name only, without their bytes "
                   "(the output then cannot be run)"),
    llvm::cl::cat(ffncCategory));
/// Weights larger than this are named, not printed, with --elide-weights.
constexpr size_t kElideBytes = 1024;

/// Replaces every large dense_resource attribute (of constants, and of the
/// plan's ffnrt.weight sources) by one that names a resource without data,
/// so that printing never reads or hex-encodes the weights.
void elideLargeWeights(ModuleOp module) {
  auto &manager =
      DenseResourceElementsHandle::getManagerInterface(module.getContext());
  AttrTypeReplacer replacer;
  replacer.addReplacement(
      [&](DenseResourceElementsAttr attr) -> std::optional<Attribute> {
        AsmResourceBlob *blob = attr.getRawHandle().getBlob();
        if (!blob || blob->getData().size() <= kElideBytes)
          return std::nullopt;
        return DenseResourceElementsAttr::get(
            attr.getType(), manager.insert(attr.getRawHandle().getKey()));
      });
  replacer.recursivelyReplaceElementsIn(module, /*replaceAttrs=*/true,
                                        /*replaceLocs=*/false,
                                        /*replaceTypes=*/false);
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
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    // Peak resident memory so far; mapped weights count only once touched.
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    llvm::errs() << llvm::formatv("{0} ({1:f1} s, {2} MiB peak) {3}\n", tag,
                                  seconds, usage.ru_maxrss / 1024, name);
  }

  unsigned total;
  unsigned current = 0;
  std::chrono::steady_clock::time_point start =
      std::chrono::steady_clock::now();
};

/// What -o PATH asks for when --emit is not given: .cubin, .ptx, .ll; .mlir,
/// no extension or stdout give the ffn dialect; other extensions nothing.
std::optional<Emit> emitFor(llvm::StringRef path) {
  llvm::StringRef ext = llvm::sys::path::extension(path);
  if (path == "-" || ext.empty() || ext == ".mlir")
    return Emit::FFN;
  return llvm::StringSwitch<std::optional<Emit>>(ext)
      .Case(".cubin", Emit::Cubin)
      .Case(".ptx", Emit::PTX)
      .Case(".ll", Emit::LLVM)
      .Default(std::nullopt);
}

/// ffnc's exit code for every error, usage or input (as ffn-run's): ffnc
/// has no checks that fail with 1.
constexpr int kErrorExit = 2;

int fail(const llvm::Twine &message) {
  llvm::errs() << "ffnc: error: " << message << "\n";
  return kErrorExit;
}

/// Reads an .npy of token ids, or reports why not.
FailureOr<ffn::ref::Tensor> readIds(llvm::StringRef what,
                                    llvm::StringRef path) {
  auto t = ffn::ref::readNpy(path);
  if (!t) {
    fail(what + ": " + llvm::toString(t.takeError()));
    return failure();
  }
  return std::move(*t);
}

/// Reads a dependency report and checks that it describes `module`'s runs.
FailureOr<ffn::DependencyReport> readReport(ModuleOp module) {
  llvm::StringRef path = dependencyReportPath;
  auto fail = [&](const llvm::Twine &why) {
    ::fail("--dependency-report " + path + ": " + why);
    return failure();
  };
  if (!llvm::sys::fs::is_regular_file(path))
    return fail("not a regular file");
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return fail(buffer.getError().message());
  auto json = llvm::json::parse((*buffer)->getBuffer());
  if (!json)
    return fail(llvm::toString(json.takeError()));
  auto report = ffn::DependencyReport::fromJSON(*json);
  if (!report)
    return fail(llvm::toString(report.takeError()));
  ffn::FFNChainAnalysis chains(module);
  std::vector<std::pair<unsigned, unsigned>> runs;
  for (const ffn::FFNChain &chain : chains.getChains())
    runs.push_back({chain.firstIndex, chain.lastIndex()});
  if (report->numBlocks != chains.getBlocks().size() || report->runs != runs)
    return fail(llvm::formatv("measured on {0} blocks with other runs; this "
                              "model has {1} blocks (was the report made for "
                              "another model?)",
                              report->numBlocks, chains.getBlocks().size()));
  return std::move(*report);
}

/// Writes `bytes` to `path` (or stdout for "-"), whole or not at all.
int writeOutput(llvm::StringRef path, llvm::StringRef bytes) {
  if (path == "-") {
    llvm::outs() << bytes;
    llvm::outs().flush();
    return 0;
  }
  if (std::string error = ffnsupport::writeFile(path.str(), bytes.str());
      !error.empty())
    return fail(error);
  return 0;
}

/// Prints `module` to the output, weights by name only with --elide-weights.
int writeModule(ModuleOp module, uint64_t weightBytes) {
  if (elideWeights)
    elideLargeWeights(module);
  else if (weightBytes > (uint64_t(1) << 30))
    llvm::errs() << "ffnc: note: printing " << (weightBytes >> 20)
                 << " MiB of weights as hex; --elide-weights prints their "
                    "names only\n";
  std::string text;
  llvm::raw_string_ostream os(text);
  module.print(os);
  os << "\n";
  return writeOutput(outputPath, text);
}

/// The sidecar written beside a cubin.
std::string weightsPathFor(llvm::StringRef output) {
  llvm::SmallString<256> path(output == "-" ? "model.cubin" : output);
  llvm::sys::path::replace_extension(path, "weights");
  return path.str().str();
}

/// From the plan in IR to the artifact: the plan serialized and the weights
/// written, the kernels through NVVM and LLVM to PTX, and with ptxas to a
/// cubin.
int writeArtifact(ModuleOp module, ffnc::StageRunner &stages, Phases &phases) {
  std::string weightsPath = weightsPathFor(outputPath);
  stages.getOptions().weightsFile = weightsPath;
  stages.getOptions().writeWeights = emit == Emit::Cubin;
  if (failed(stages.run(module, ffn::PipelineStage::Serialize)))
    return kErrorExit;
  auto plan = ffn::serializedPlan(module);
  if (!plan)
    return fail(llvm::toString(plan.takeError()));
  FailureOr<std::string> chip = ffn::kernelChip(module);
  if (failed(chip))
    return kErrorExit;

  phases.begin("generating " +
               std::string(emit == Emit::LLVM ? "LLVM IR" : "PTX") +
               " with LLVM's NVPTX back end");
  ffn::CubinOptions cubinOptions;
  cubinOptions.chip = *chip;
  cubinOptions.cudaPath = cudaPath;
  cubinOptions.verbose = ptxasVerbose;
  if (llvm::Error e = ffn::lowerKernelsToNVVM(module, cubinOptions))
    return fail(llvm::toString(std::move(e)));
  if (emit == Emit::LLVM) {
    auto ir = ffn::translateKernelsToLLVMIR(module, cubinOptions);
    if (!ir)
      return fail(llvm::toString(ir.takeError()));
    phases.done();
    return writeOutput(outputPath, *ir);
  }
  auto ptx = ffn::translateKernelsToPTX(module, cubinOptions);
  if (!ptx)
    return fail(llvm::toString(ptx.takeError()));
  *ptx += ffn::ptxGlobalBytes(ffnrt::kPlanSymbol, *plan);
  if (emit == Emit::PTX) {
    phases.done();
    return writeOutput(outputPath, *ptx);
  }

  phases.begin("assembling with ptxas and writing " + outputPath);
  std::string report;
  auto cubin = ffn::assembleCubin(*ptx, cubinOptions, &report);
  if (!cubin)
    return fail(llvm::toString(cubin.takeError()));
  if (ptxasVerbose)
    llvm::errs() << report;
  if (int rc = writeOutput(outputPath,
                           llvm::StringRef(cubin->data(), cubin->size())))
    return rc;
  if (!quiet) {
    ffnrt::Plan info;
    std::string error;
    if (ffnrt::deserializePlan(plan->data(), plan->size(), info, error))
      llvm::errs() << llvm::formatv(
          "  {0} kernels, {1} launches, activation arena {2:F1} MiB for {3} "
          "tokens, weights {4:F1} MiB ({5}) in {6}\n",
          info.kernels.size(), info.launches.size(),
          info.arenaBytes / 1048576.0, info.maxTokens,
          info.weightsBytes / 1048576.0, info.precision, weightsPath);
  }
  phases.done();
  return 0;
}

constexpr int64_t kMostTokens = int64_t(1) << 24;

/// Checks the options against each other before any work; returns the exit
/// code of a failure, or 0.
int checkOptions(bool analyze) {
  llvm::StringRef fusionMode = fusion;
  bool fusing = fusionMode != "none", autoFusion = fusionMode == "auto";
  if (!ffn::isSupportedChip(target))
    return fail("--target must be " + ffn::kSupportedChips + ", got '" +
                target + "'");
  // Token counts reach the kernels as 32-bit integers, and every
  // activation buffer is sized by them.
  if (maxTokens < 1 || maxTokens > kMostTokens)
    return fail(llvm::formatv("--max-tokens must be between 1 and {0}, got "
                              "{1}",
                              kMostTokens, maxTokens.getValue()));
  if (maxMemory.getNumOccurrences() && !(maxMemory > 0))
    return fail(llvm::formatv("--max-memory must be a positive number of GiB, "
                              "got {0}",
                              maxMemory.getValue()));
  if (maxContext < 0 || maxContext > kMostTokens)
    return fail(llvm::formatv("--max-context must be between 0 and {0}, got "
                              "{1}",
                              kMostTokens, maxContext.getValue()));
  if (maxBatch < 1 || maxBatch > kMostTokens)
    return fail(llvm::formatv("--max-batch must be between 1 and {0}, got {1}",
                              kMostTokens, maxBatch.getValue()));
  if (maxBatch.getNumOccurrences() && maxContext == 0)
    return fail("--max-batch goes with --max-context");
  if (maxMemory > 0)
    ffn::ref::setMemoryBudget(static_cast<uint64_t>(maxMemory * (1 << 30)));
  if (fusionMode.starts_with("ranges:"))
    return fail("--ffn-fusion=" + fusionMode + " is spelled ranges=" +
                fusionMode.drop_front(strlen("ranges:")) +
                " (as in ffn-opt --ffn-fusion=ranges=...)");
  if (fusing && !autoFusion && !fusionMode.starts_with("ranges="))
    return fail(
        "--ffn-fusion must be none, auto or ranges=A-B[,C-D...], got '" +
        fusionMode + "'");
  if (fusionMode.starts_with("ranges="))
    if (auto ranges =
            ffn::parseBlockRanges(fusionMode.drop_front(strlen("ranges=")));
        !ranges)
      return fail("--ffn-fusion: " + llvm::toString(ranges.takeError()));
  if (!dependencyReportPath.empty() && (analyze || !autoFusion))
    return fail("--dependency-report goes with --ffn-fusion=auto");
  // Options that would otherwise be ignored.
  if (calibrationPath.getNumOccurrences() && !analyze && !fusing)
    return fail("--calibration goes with --ffn-fusion or analyze");
  llvm::cl::Option *autoOnly[] = {&maxDependency, &includeLast};
  for (llvm::cl::Option *option : autoOnly)
    if (option->getNumOccurrences() && !autoFusion)
      return fail("--" + option->ArgStr.str() + " goes with --ffn-fusion=auto");
  if (!(maxDependency >= 0) || std::isinf(maxDependency))
    return fail(llvm::formatv("--max-dependency must be a finite number >= 0, "
                              "got {0}",
                              maxDependency.getValue()));
  if ((analyze || autoFusion) && calibrationPath.empty() &&
      dependencyReportPath.empty())
    return fail(analyze ? "analyze needs --calibration=ids.npy"
                        : "--ffn-fusion=auto needs --calibration=ids.npy or "
                          "--dependency-report=deps.json");
  if (fusing && emit == Emit::ONNX)
    return fail("--ffn-fusion works on the ffn dialect; it cannot be combined "
                "with --emit=onnx");
  if (maxContext > 0 && (emit == Emit::ONNX || emit == Emit::FFN))
    return fail("--max-context compiles the generation step for the GPU; "
                "with --emit=onnx or ffn it would be ignored (ffn-opt "
                "--ffn-kv-cache shows the step in the ffn dialect)");
  if (emit == Emit::Cubin && outputPath == "-")
    return fail("a cubin cannot go to stdout; name it with -o model.cubin");
  return 0;
}

/// The files ffnc writes.
std::vector<std::string> outputPaths() {
  std::vector<std::string> outputs;
  if (outputPath != "-")
    outputs.push_back(outputPath);
  if (emit == Emit::Cubin && outputPath != "-")
    outputs.push_back(weightsPathFor(outputPath));
  for (const std::string &path :
       {reportPath.getValue(), heatmapPath.getValue()})
    if (!path.empty())
      outputs.push_back(path);
  return outputs;
}

/// Refuses outputs that are one of `inputs` or cannot be written.
int checkOutputs(const std::vector<std::string> &inputs) {
  for (const std::string &out : outputPaths())
    if (std::string why = ffnsupport::outputProblem(out, inputs); !why.empty())
      return fail(why);
  return 0;
}

/// The calibration ids and next-token targets, where given.
LogicalResult readCalibration(std::optional<ffn::ref::Tensor> &calibration,
                              std::optional<ffn::ref::Tensor> &targets) {
  if (!calibrationPath.empty()) {
    FailureOr<ffn::ref::Tensor> ids = readIds("--calibration", calibrationPath);
    if (failed(ids))
      return failure();
    calibration = std::move(*ids);
    if (calibration->rank() != 2 || calibration->numElements() == 0)
      return failure(fail("--calibration: expected [rows, sequence] ids with "
                          "at least one row and token, got " +
                          calibration->shapeString()));
  }
  if (!targetsPath.empty()) {
    FailureOr<ffn::ref::Tensor> ids = readIds("--calibration-targets", targetsPath);
    if (failed(ids))
      return failure();
    targets = std::move(*ids);
    if (!calibration || targets->shape() != calibration->shape())
      return failure(fail("--calibration-targets must match the shape of "
                          "--calibration"));
  }
  return success();
}

/// Prints the dependency report and writes it and its heatmap where asked.
int writeAnalysis(const ffn::DependencyReport &report) {
  ffnc::printReport(report, llvm::outs());
  if (!reportPath.empty())
    if (int rc = writeOutput(reportPath,
                             llvm::formatv("{0:2}\n", report.toJSON()).str()))
      return rc;
  if (!heatmapPath.empty())
    if (llvm::Error error = ffn::writeHeatmap(report, heatmapPath))
      return fail(llvm::toString(std::move(error)));
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  ffnsupport::exitOnOutOfMemory("ffnc", ffn::ref::evaluationContext);
  llvm::install_bad_alloc_error_handler(
      [](void *, const char *, bool) { ffnsupport::reportOutOfMemory(); });
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  registerPassManagerCLOptions();
  registerDefaultTimingManagerCLOptions();
  // --help shows ffnc's options and the pass manager's that ffnc honours,
  // not the back ends' hundreds.
  for (auto &[name, option] : llvm::cl::getRegisteredOptions())
    if (name.starts_with("mlir-print-ir") || name == "mlir-timing" ||
        name == "mlir-timing-display" || name == "mlir-pass-statistics")
      option->addCategory(mlirCategory);
  for (llvm::cl::SubCommand *sub :
       {&llvm::cl::SubCommand::getTopLevel(), &analyzeCommand})
    llvm::cl::HideUnrelatedOptions({&ffncCategory, &mlirCategory}, *sub);
  llvm::cl::SetVersionPrinter([](llvm::raw_ostream &os) {
    os << ffnsupport::versionLine("ffnc") << "\n";
  });
  std::string parseErrors;
  llvm::raw_string_ostream parseErrs(parseErrors);
  if (!llvm::cl::ParseCommandLineOptions(
          argc, argv,
          "ffnc: compile transformer models in ONNX for NVIDIA GPUs\n",
          &parseErrs)) {
    // On one line, as every other error. (Bad option values are reported
    // by the option itself, on one line, straight to stderr.)
    if (parseErrors.empty())
      return kErrorExit;
    llvm::SmallVector<llvm::StringRef> lines;
    llvm::StringRef(parseErrors).split(lines, '\n', -1, /*KeepEmpty=*/false);
    std::string message;
    for (llvm::StringRef line : lines) {
      line.consume_front("ffnc: ");
      message += (message.empty() ? "" : " ") + line.trim().str();
    }
    return fail(message);
  }
  bool analyze = static_cast<bool>(analyzeCommand);
  llvm::StringRef fusionMode = fusion;
  bool fusing = fusionMode != "none", autoFusion = fusionMode == "auto";
  if (emit.getNumOccurrences() == 0) {
    std::optional<Emit> byName = emitFor(outputPath);
    if (!byName)
      return fail("cannot tell what to write to '" + outputPath +
                  "' from its extension: name it .cubin, .ptx, .ll or .mlir, "
                  "or pass --emit");
    emit = *byName;
  }
  if (int rc = checkOptions(analyze))
    return rc;
  // Before any work, as far as the command line tells.
  if (int rc = checkOutputs(
          {inputPath, calibrationPath, targetsPath, dependencyReportPath}))
    return rc;
  if (std::string why = ffnsupport::whyNotReadable(inputPath); !why.empty())
    return fail("model '" + inputPath + "' " + why);
  std::optional<ffn::ref::Tensor> calibration, targets;
  if (failed(readCalibration(calibration, targets)))
    return kErrorExit;

  DialectRegistry registry;
  ffn::registerFFNDialects(registry);
  ffn::registerGPUTargetDialects(registry);
  MLIRContext context(registry);
  // Diagnostics name the model file and, for nodes, the node; remarks are
  // what passes report (fused ranges, say) and read as progress lines.
  ScopedDiagnosticHandler handler(&context, [](Diagnostic &diag) {
    if (diag.getSeverity() == DiagnosticSeverity::Remark) {
      llvm::errs() << "  " << diag << "\n";
      return success();
    }
    llvm::errs() << "ffnc: ";
    if (diag.getSeverity() == DiagnosticSeverity::Error)
      llvm::errs() << "error: ";
    else if (diag.getSeverity() == DiagnosticSeverity::Warning)
      llvm::errs() << "warning: ";
    llvm::errs() << diag << "\n";
    return success();
  });

  bool gpu = emit > Emit::FFN;
  unsigned total = analyze              ? 4
                   : emit == Emit::ONNX ? 2
                                        : 2 + fusing + autoFusion +
                                              (emit == Emit::Cubin    ? 3
                                               : emit > Emit::MLIRGPU ? 2
                                                                      : 1);
  Phases phases(total);
  phases.begin("importing " + inputPath);
  ffn::ModelSummary summary;
  FailureOr<OwningOpRef<ModuleOp>> loaded =
      ffn::loadModel(&context, inputPath, &summary);
  if (failed(loaded))
    return kErrorExit;
  ModuleOp module = **loaded;
  // The external-data files are known once the model is read.
  if (int rc = checkOutputs(summary.externalFiles))
    return rc;
  if (printSummary)
    summary.print(llvm::errs());
  // A plan from --emit=mlir-gpu goes straight to the artifact.
  bool planned = bool(module.lookupSymbol(ffn::plan::kPlanFunction));
  if (planned && !gpu)
    return fail("the input is already lowered to the GPU; use "
                "--emit=mlir-gpu|llvm|ptx|cubin");

  ffnc::StageRunner stages(&context);
  stages.getOptions().progress = !quiet;
  stages.getOptions().precision = precision;
  stages.getOptions().chip = target;
  stages.getOptions().maxTokens = maxTokens;
  stages.getOptions().maxContext = maxContext;
  stages.getOptions().maxBatch = maxBatch;
  if (!planned && (emit != Emit::ONNX || analyze)) {
    phases.begin("raising into the ffn dialect");
    if (failed(stages.run(module, ffn::PipelineStage::Raise)))
      return kErrorExit;
  }

  std::optional<ffn::DependencyReport> report;
  if (!dependencyReportPath.empty()) {
    phases.begin("reading block dependencies from " + dependencyReportPath);
    FailureOr<ffn::DependencyReport> read = readReport(module);
    if (failed(read))
      return kErrorExit;
    report = std::move(*read);
  } else if (analyze || autoFusion) {
    phases.begin("measuring block dependencies on " + calibrationPath);
    auto measured = ffn::analyzeDependencies(
        module.lookupSymbol<func::FuncOp>("main"), *calibration,
        targets ? &*targets : nullptr, [](llvm::StringRef line) {
          if (!quiet)
            llvm::errs() << "  " << line << "\n";
        });
    if (!measured)
      return fail(llvm::toString(measured.takeError()));
    report = std::move(*measured);
  }

  if (analyze) {
    phases.begin("writing the report");
    if (int rc = writeAnalysis(*report))
      return rc;
    phases.done();
    return 0;
  }

  if (fusing) {
    phases.begin("fusing FFN blocks");
    ffnc::FusionChoice choice;
    if (report)
      choice.report = std::move(report);
    else
      choice.ranges = fusionMode.drop_front(strlen("ranges=")).str();
    choice.maxDependency = maxDependency;
    choice.includeLast = includeLast;
    choice.quiet = quiet;
    if (failed(ffnc::fuse(module, stages, choice,
                          calibration ? &*calibration : nullptr,
                          targets ? &*targets : nullptr)))
      return kErrorExit;
  }

  if (gpu && !planned) {
    phases.begin(llvm::formatv("lowering to GPU kernels ({0}, {1})",
                               ffn::precisionName(precision), target.getValue())
                     .str());
    if (failed(stages.run(module, ffn::PipelineStage::GPU)))
      return kErrorExit;
  }

  if (emit > Emit::MLIRGPU)
    return writeArtifact(module, stages, phases);
  phases.begin("writing " + (outputPath == "-" ? std::string("<stdout>")
                                               : outputPath.getValue()));
  if (int rc = writeModule(module, summary.weightBytes))
    return rc;
  phases.done();
  return 0;
}
