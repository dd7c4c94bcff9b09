//===- ffnc.cpp - The ffnc compiler driver --------------------------------===//
//
// ffnc model.onnx -o model.cubin [--precision=bf16|fp16|fp32] [--target=sm_90]
// ffnc model.onnx --emit=onnx|ffn|mlir-gpu|llvm|ptx|cubin [-o out] [--summary]
//
//===----------------------------------------------------------------------===//

#include "ffn/Analysis/ChainAnalysis.h"
#include "ffn/Conversion/FFNToGPU.h"
#include "ffn/Target/Cubin.h"
#include "ffn/Analysis/DependencyAnalysis.h"
#include "ffn/Analysis/Heatmap.h"
#include "ffn/Frontend/ONNXImporter.h"
#include "ffn/Reference/Executor.h"
#include "ffn/Transforms/FFNFusion.h"
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
#include "llvm/Support/Path.h"
#include "llvm/Support/Timer.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>

#include <sys/resource.h>

using namespace mlir;

namespace {
enum class Emit { ONNX, FFN, MLIRGPU, LLVM, PTX, Cubin };

llvm::cl::SubCommand analyzeCommand(
    "analyze", "Measure the block-wise dependency matrix of the model's runs "
               "of FFN blocks on calibration data");

llvm::cl::opt<std::string> inputPath(
    llvm::cl::Positional, llvm::cl::desc("<model.onnx>"), llvm::cl::Required,
    llvm::cl::sub(llvm::cl::SubCommand::getTopLevel()),
    llvm::cl::sub(analyzeCommand));
llvm::cl::opt<std::string> calibrationPath(
    "calibration",
    llvm::cl::desc("Token ids (.npy, [rows, sequence]) to measure on"),
    llvm::cl::value_desc("ids.npy"),
    llvm::cl::sub(llvm::cl::SubCommand::getTopLevel()),
    llvm::cl::sub(analyzeCommand));
llvm::cl::opt<std::string> targetsPath(
    "targets",
    llvm::cl::desc("Next-token ids (.npy) for cross-entropy in bits per token"),
    llvm::cl::value_desc("next.npy"),
    llvm::cl::sub(llvm::cl::SubCommand::getTopLevel()),
    llvm::cl::sub(analyzeCommand));
llvm::cl::opt<bool> quiet("quiet",
                          llvm::cl::desc("Do not print the compile phases"),
                          llvm::cl::sub(llvm::cl::SubCommand::getTopLevel()),
                          llvm::cl::sub(analyzeCommand));
llvm::cl::opt<std::string> reportPath(
    "report", llvm::cl::desc("Write the dependency report (JSON) here"),
    llvm::cl::value_desc("deps.json"), llvm::cl::sub(analyzeCommand));
llvm::cl::opt<std::string> heatmapPath(
    "heatmap", llvm::cl::desc("Draw the dependency matrix (PNG) here"),
    llvm::cl::value_desc("deps.png"), llvm::cl::sub(analyzeCommand));
llvm::cl::opt<std::string> fusion(
    "ffn-fusion",
    llvm::cl::desc("FFN Fusion: none, auto (needs --calibration) or "
                   "ranges:3-4,5-7"),
    llvm::cl::init("none"));
llvm::cl::opt<double> maxDependency(
    "max-dependency",
    llvm::cl::desc("With --ffn-fusion=auto: the largest pairwise dependency "
                   "inside a fused range"),
    llvm::cl::init(0.08));
llvm::cl::opt<bool> includeLast(
    "include-last",
    llvm::cl::desc("With --ffn-fusion=auto: let ranges include the last "
                   "block of a run"));
llvm::cl::opt<std::string> outputPath("o", llvm::cl::desc("Output file"),
                                      llvm::cl::value_desc("path"),
                                      llvm::cl::init("-"));
llvm::cl::opt<Emit> emit(
    "emit", llvm::cl::desc("Stop after this stage and print its IR"),
    llvm::cl::values(
        clEnumValN(Emit::ONNX, "onnx", "the plain import, one op per node"),
        clEnumValN(Emit::FFN, "ffn", "after raising (and fusion)"),
        clEnumValN(Emit::MLIRGPU, "mlir-gpu",
                   "the kernels (gpu dialect) and the launch plan"),
        clEnumValN(Emit::LLVM, "llvm", "the kernels as LLVM IR"),
        clEnumValN(Emit::PTX, "ptx", "the kernels and plan as PTX"),
        clEnumValN(Emit::Cubin, "cubin",
                   "the cubin and its weights file (default with -o X.cubin)")));
llvm::cl::opt<ffn::Precision> precision(
    "precision", llvm::cl::desc("Weights and activations on the GPU"),
    llvm::cl::values(
        clEnumValN(ffn::Precision::BF16, "bf16",
                   "bfloat16 storage, f32 accumulation and norm statistics"),
        clEnumValN(ffn::Precision::FP16, "fp16",
                   "float16 storage, f32 accumulation and norm statistics"),
        clEnumValN(ffn::Precision::FP32, "fp32", "float32 throughout")),
    llvm::cl::init(ffn::Precision::BF16));
llvm::cl::opt<std::string> target("target",
                                  llvm::cl::desc("GPU architecture: sm_90 "
                                                 "(H100/H200) or sm_80 (A100)"),
                                  llvm::cl::init("sm_90"));
llvm::cl::opt<int64_t> maxTokens(
    "max-tokens",
    llvm::cl::desc("Most tokens (batch * seq) one run may process; sizes the "
                   "activation memory"),
    llvm::cl::init(4096));
llvm::cl::opt<std::string> cudaPath("cuda-path",
                                    llvm::cl::desc("The CUDA toolkit (ptxas, "
                                                   "libdevice)"),
                                    llvm::cl::init(FFNC_CUDA_PATH));
llvm::cl::opt<bool> ptxasVerbose(
    "ptxas-verbose",
    llvm::cl::desc("Print ptxas's per-kernel resource report (registers, "
                   "spills)"));
llvm::cl::opt<bool> printSummary(
    "summary", llvm::cl::desc("Print a one-screen summary of the model"));
llvm::cl::opt<bool> elideWeights(
    "elide-weights",
    llvm::cl::desc("Print large weights by name only, without their bytes "
                   "(the output then cannot be run)"));
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

int fail(const llvm::Twine &message) {
  llvm::errs() << "ffnc: error: " << message << "\n";
  return 1;
}

/// Reads an .npy of token ids, or reports why not.
FailureOr<ffn::ref::Tensor> readIds(llvm::StringRef what, llvm::StringRef path) {
  auto t = ffn::ref::readNpy(path);
  if (!t) {
    fail(what + ": " + llvm::toString(t.takeError()));
    return failure();
  }
  return std::move(*t);
}

void printReport(const ffn::DependencyReport &report, llvm::raw_ostream &os) {
  for (auto [first, last] : report.runs) {
    os << llvm::formatv("run: blocks {0}..{1}\n", first, last);
    os << "  M[i,j] = mean over tokens of 1 - cos(h_j, h_j without block i)"
          " (flattened in parentheses)\n";
    for (unsigned i = first; i < last; ++i) {
      os << llvm::formatv("  i={0,-3}", i);
      for (unsigned j = first + 1; j <= last; ++j) {
        auto it = report.dependency.find({i, j});
        if (it == report.dependency.end())
          os << llvm::formatv("  {0,-17}", "");
        else
          os << llvm::formatv("  j={0,-2} {1:f4} ({2:f4})", j,
                              it->second.meanToken, it->second.flat);
      }
      os << "\n";
    }
  }
  os << "  block  1-cos(x,x+h)  |h|/|x|\n";
  for (const auto &[block, s] : report.blocks)
    os << llvm::formatv("  {0,5}  {1,12:f4}  {2,7:f4}\n", block, s.saturation,
                        s.relativeNorm);
  if (report.bitsOriginal) {
    os << llvm::formatv("bits per token: original {0:f4}", *report.bitsOriginal);
    for (const auto &[range, bits] : report.bitsFused)
      os << llvm::formatv(", {0}-{1} fused {2:f4}", range.first, range.second,
                          bits);
    os << "\n";
  }
}

/// Output 0 of `module` on every calibration row.
FailureOr<ffn::ref::Tensor> runAll(ModuleOp module,
                                   const ffn::ref::Tensor &calibration) {
  ffn::ref::Executor executor(module.lookupSymbol<func::FuncOp>("main"));
  auto outputs = executor.runPerRow({calibration});
  if (!outputs) {
    fail(llvm::toString(outputs.takeError()));
    return failure();
  }
  return std::move(outputs->front());
}

/// Fuses the chosen ranges, reporting what happens, and with calibration
/// data measures the fused model against the original.
LogicalResult fuse(ModuleOp module, const ffn::ref::Tensor *calibration,
                   const ffn::ref::Tensor *targets,
                   std::optional<ffn::DependencyReport> report) {
  ffn::FFNChainAnalysis chains(module);
  llvm::errs() << "ffn fusion: " << chains.getChains().size()
               << " run(s) of attention-free layers";
  for (const ffn::FFNChain &chain : chains.getChains())
    llvm::errs() << llvm::formatv(" {0}..{1}", chain.firstIndex,
                                  chain.lastIndex());
  llvm::errs() << "\n";
  std::vector<ffn::BlockSpan> ranges;
  if (report) {
    ffn::DependencyMatrix matrix;
    for (const auto &[pair, distances] : report->dependency)
      matrix[pair] = distances.meanToken;
    ranges = ffn::selectRanges(chains, matrix, maxDependency, includeLast);
  } else {
    auto parsed = ffn::parseBlockRanges(
        llvm::StringRef(fusion).drop_front(strlen("ranges:")));
    if (!parsed)
      return failure(fail(llvm::toString(parsed.takeError())));
    ranges = std::move(*parsed);
  }
  OwningOpRef<ModuleOp> original;
  if (calibration)
    original = module.clone();
  if (failed(ffn::fuseRanges(
          module, chains, ranges,
          [](ffn::BlockSpan range, ArrayRef<int64_t> widths,
             ffn::FFNBlockOp fused) {
            llvm::errs() << llvm::formatv("  fused blocks {0}..{1}: width ",
                                          range.first, range.second);
            llvm::interleave(widths, llvm::errs(), "+");
            llvm::errs() << " -> " << fused.getWidth() << "\n";
          })))
    return failure();
  if (ranges.empty())
    llvm::errs() << "  no range fused\n";
  if (!calibration || ranges.empty())
    return success();
  FailureOr<ffn::ref::Tensor> before = runAll(*original, *calibration);
  FailureOr<ffn::ref::Tensor> after = runAll(module, *calibration);
  if (failed(before) || failed(after))
    return failure();
  double diff = 0, norm = 0;
  for (int64_t k = 0; k < before->numElements(); ++k) {
    double e = after->f()[k] - before->f()[k];
    diff += e * e;
    norm += static_cast<double>(before->f()[k]) * before->f()[k];
  }
  llvm::errs() << llvm::formatv("  output error of the fused model over {0} "
                                "calibration rows: relative L2 {1:e3}\n",
                                calibration->dim(0), std::sqrt(diff / norm));
  if (targets) {
    auto bitsBefore = ffn::ref::crossEntropyBits(*before, *targets);
    auto bitsAfter = ffn::ref::crossEntropyBits(*after, *targets);
    if (!bitsBefore || !bitsAfter)
      return failure(fail("targets do not match the model's output"));
    llvm::errs() << llvm::formatv("  bits per token: {0:f4} -> {1:f4}\n",
                                  *bitsBefore, *bitsAfter);
  }
  return success();
}

/// Writes `bytes` to `path` (or stdout for "-").
int writeOutput(llvm::StringRef path, llvm::StringRef bytes) {
  std::string errorMessage;
  std::unique_ptr<llvm::ToolOutputFile> output =
      openOutputFile(path, &errorMessage);
  if (!output)
    return fail(errorMessage);
  output->os() << bytes;
  output->keep();
  return 0;
}

/// Lowers to kernels and a launch plan, then stops at --emit or writes the
/// cubin and its weights file.
int compileForGPU(ModuleOp module, Phases &phases) {
  phases.begin(llvm::formatv("lowering to GPU kernels ({0}, {1})",
                             ffn::precisionName(precision), target.getValue())
                   .str());
  ffn::GPULoweringOptions options;
  options.precision = precision;
  options.maxTokens = maxTokens;
  options.target = target;
  auto program = ffn::lowerToGPU(module, options);
  if (!program)
    return fail(llvm::toString(program.takeError()));
  ffnrt::Plan &plan = program->plan;
  ModuleOp kernels = *program->kernels;

  if (emit == Emit::MLIRGPU) {
    phases.begin("writing " + outputPath);
    Builder b(kernels.getContext());
    std::vector<Attribute> launches;
    for (const ffnrt::Launch &l : plan.launches)
      launches.push_back(b.getStringAttr(ffn::describeLaunch(plan, l)));
    kernels->setAttr("ffn.launches", b.getArrayAttr(launches));
    kernels->setAttr("ffn.arena_bytes", b.getI64IntegerAttr(plan.arenaBytes));
    kernels->setAttr("ffn.weight_bytes",
                     b.getI64IntegerAttr(plan.weightsBytes));
    std::string text;
    llvm::raw_string_ostream os(text);
    kernels.print(os);
    os << "\n";
    phases.done();
    return writeOutput(outputPath, text);
  }

  phases.begin("generating " +
               std::string(emit == Emit::LLVM ? "LLVM IR" : "PTX") +
               " with LLVM's NVPTX back end");
  ffn::CubinOptions cubinOptions;
  cubinOptions.chip = target;
  cubinOptions.cudaPath = cudaPath;
  cubinOptions.verbose = ptxasVerbose;
  if (llvm::Error e = ffn::lowerKernelsToNVVM(kernels, cubinOptions))
    return fail(llvm::toString(std::move(e)));
  if (emit == Emit::LLVM) {
    auto ir = ffn::translateKernelsToLLVMIR(kernels, cubinOptions);
    if (!ir)
      return fail(llvm::toString(ir.takeError()));
    phases.done();
    return writeOutput(outputPath, *ir);
  }
  auto ptx = ffn::translateKernelsToPTX(kernels, cubinOptions);
  if (!ptx)
    return fail(llvm::toString(ptx.takeError()));
  llvm::SmallString<256> weightsPath(
      outputPath == "-" ? std::string("model.cubin") : outputPath.getValue());
  llvm::sys::path::replace_extension(weightsPath, "weights");
  plan.weightsFile = llvm::sys::path::filename(weightsPath).str();
  plan.fingerprint = ffnrt::fingerprintOf(plan, program->weights);
  *ptx += ffn::ptxGlobalBytes(ffnrt::kPlanSymbol,
                              ffnrt::serializePlan(plan));
  if (emit == Emit::PTX) {
    phases.done();
    return writeOutput(outputPath, *ptx);
  }

  if (outputPath == "-")
    return fail("a cubin cannot go to stdout; name it with -o model.cubin");
  phases.begin("assembling with ptxas and writing " + outputPath + " and " +
               weightsPath.str().str());
  std::string report;
  auto cubin = ffn::assembleCubin(*ptx, cubinOptions, &report);
  if (!cubin)
    return fail(llvm::toString(cubin.takeError()));
  if (ptxasVerbose)
    llvm::errs() << report;
  if (int rc = writeOutput(outputPath,
                           llvm::StringRef(cubin->data(), cubin->size())))
    return rc;
  std::string error;
  if (!ffnrt::writeSidecar(weightsPath.str().str(), plan.fingerprint,
                             program->weights, error))
    return fail(error);
  if (!quiet)
    llvm::errs() << llvm::formatv(
        "  {0} kernels, {1} launches, activation arena {2:F1} MiB for {3} "
        "tokens, weights {4:F1} MiB ({5})\n",
        plan.kernels.size(), plan.launches.size(), plan.arenaBytes / 1048576.0,
        plan.maxTokens, plan.weightsBytes / 1048576.0, plan.precision);
  phases.done();
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  llvm::cl::ParseCommandLineOptions(
      argc, argv, "ffnc: compile transformer models in ONNX for NVIDIA GPUs\n");
  bool analyze = static_cast<bool>(analyzeCommand);
  llvm::StringRef fusionMode = fusion;
  bool autoFusion = fusionMode == "auto";
  if (emit.getNumOccurrences() == 0)
    emit = llvm::StringRef(outputPath).ends_with(".cubin") ? Emit::Cubin
                                                           : Emit::FFN;
  if (!llvm::is_contained({"sm_80", "sm_86", "sm_89", "sm_90"},
                          target.getValue()))
    return fail("--target must be sm_80, sm_86, sm_89 or sm_90, got '" +
                target + "'");
  bool fusing = fusionMode != "none";
  if (fusing && !autoFusion && !fusionMode.starts_with("ranges:"))
    return fail("--ffn-fusion must be none, auto or ranges:A-B[,C-D...], got '" +
                fusionMode + "'");
  if ((analyze || autoFusion) && calibrationPath.empty())
    return fail(analyze ? "analyze needs --calibration=ids.npy"
                        : "--ffn-fusion=auto needs --calibration=ids.npy");
  if (fusing && emit == Emit::ONNX)
    return fail("--ffn-fusion works on the ffn dialect; it cannot be combined "
                "with --emit=onnx");

  std::optional<ffn::ref::Tensor> calibration, targets;
  if (!calibrationPath.empty()) {
    FailureOr<ffn::ref::Tensor> ids = readIds("--calibration", calibrationPath);
    if (failed(ids))
      return 1;
    calibration = std::move(*ids);
    if (calibration->rank() != 2)
      return fail("--calibration: expected [rows, sequence] ids, got " +
                  calibration->shapeString());
  }
  if (!targetsPath.empty()) {
    FailureOr<ffn::ref::Tensor> ids = readIds("--targets", targetsPath);
    if (failed(ids))
      return 1;
    targets = std::move(*ids);
    if (!calibration || targets->shape() != calibration->shape())
      return fail("--targets must match the shape of --calibration");
  }

  DialectRegistry registry;
  ffn::registerFFNDialects(registry);
  ffn::registerGPUTargetDialects(registry);
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

  unsigned total = analyze            ? 4
                   : emit == Emit::ONNX ? 2
                                        : 2 + fusing + autoFusion +
                                              (emit == Emit::Cubin   ? 3
                                               : emit > Emit::MLIRGPU ? 2
                                                                      : 1);
  Phases phases(total);
  phases.begin("importing " + inputPath);
  ffn::ModelSummary summary;
  FailureOr<OwningOpRef<ModuleOp>> module =
      ffn::importONNXModel(&context, inputPath, &summary);
  if (failed(module))
    return 1;
  if (printSummary)
    summary.print(llvm::errs());

  bool gpu = emit > Emit::FFN;
  if (emit != Emit::ONNX || analyze) {
    phases.begin("raising into the ffn dialect");
    PassManager pm(&context);
    pm.addNestedPass<func::FuncOp>(ffn::createFFNRaise());
    if (failed(pm.run(**module)))
      return 1;
  }

  std::optional<ffn::DependencyReport> report;
  if (analyze || autoFusion) {
    phases.begin("measuring block dependencies on " + calibrationPath);
    auto measured = ffn::analyzeDependencies(
        (*module)->lookupSymbol<func::FuncOp>("main"), *calibration,
        analyze && targets ? &*targets : nullptr, [](llvm::StringRef line) {
          if (!quiet)
            llvm::errs() << "  " << line << "\n";
        });
    if (!measured)
      return fail(llvm::toString(measured.takeError()));
    report = std::move(*measured);
  }

  if (analyze) {
    phases.begin("writing the report");
    printReport(*report, llvm::outs());
    if (!reportPath.empty()) {
      std::error_code ec;
      llvm::raw_fd_ostream os(reportPath, ec);
      if (ec)
        return fail("cannot write '" + reportPath + "': " + ec.message());
      os << llvm::formatv("{0:2}", report->toJSON()) << "\n";
    }
    if (!heatmapPath.empty())
      if (llvm::Error error = ffn::writeHeatmap(*report, heatmapPath))
        return fail(llvm::toString(std::move(error)));
    phases.done();
    return 0;
  }

  if (fusing) {
    phases.begin("fusing FFN blocks");
    if (failed(fuse(**module, calibration ? &*calibration : nullptr,
                    targets ? &*targets : nullptr, report)))
      return 1;
  }

  if (gpu)
    return compileForGPU(**module, phases);

  phases.begin("writing " + (outputPath == "-" ? std::string("<stdout>")
                                               : outputPath.getValue()));
  std::string errorMessage;
  std::unique_ptr<llvm::ToolOutputFile> output =
      openOutputFile(outputPath, &errorMessage);
  if (!output)
    return fail(errorMessage);
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
