//===- Fusion.cpp - ffnc's stages and its FFN Fusion reports --------------===//

#include "Fusion.h"

#include "ffn/Analysis/ChainAnalysis.h"
#include "ffn/Reference/Executor.h"
#include "ffn/Transforms/FFNFusion.h"

#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace mlir;
using namespace ffnc;

StageRunner::StageRunner(MLIRContext *ctx) : ctx(ctx) {
  applyDefaultTimingManagerCLOptions(timing);
  root = timing.getRootScope();
}

LogicalResult StageRunner::run(ModuleOp module, ffn::PipelineStage stage) {
  PassManager pm(ctx);
  if (failed(applyPassManagerCLOptions(pm)))
    return failure();
  pm.enableTiming(root);
  options.first = options.last = stage;
  ffn::buildFFNCPipeline(pm, options);
  return pm.run(module);
}

void ffnc::printReport(const ffn::DependencyReport &report,
                       llvm::raw_ostream &os) {
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
    os << llvm::formatv("bits per token: original {0:f4}",
                        *report.bitsOriginal);
    for (const auto &[range, bits] : report.bitsFused)
      os << llvm::formatv(", {0}-{1} fused {2:f4}", range.first, range.second,
                          bits);
    os << "\n";
  }
}

namespace {
/// Candidate ranges listed by --ffn-fusion=auto before the rest are counted.
constexpr size_t kMaxCandidateRows = 24;

/// --ffn-fusion=auto's candidates: every range of two or more blocks that
/// it may fuse (the last block of a run left out unless --include-last),
/// with the largest and summed dependency inside it, the bits per token
/// with it fused where measured, and the sequential steps it saves; then
/// what was chosen, or why nothing was.
void printCandidates(const mlir::ffn::FFNChainAnalysis &chains,
                     const FusionChoice &choice,
                     llvm::ArrayRef<mlir::ffn::BlockSpan> chosen,
                     llvm::raw_ostream &os) {
  const mlir::ffn::DependencyReport &report = *choice.report;
  struct Candidate {
    unsigned first, last;
    double max = 0, sum = 0;
  };
  std::vector<Candidate> candidates;
  for (const mlir::ffn::FFNChain &chain : chains.getChains()) {
    unsigned end = chain.lastIndex() - (choice.includeLast ? 0 : 1);
    for (unsigned first = chain.firstIndex; first < end; ++first)
      for (unsigned last = first + 1; last <= end; ++last) {
        Candidate c{first, last};
        for (unsigned i = first; i < last; ++i)
          for (unsigned j = i + 1; j <= last; ++j) {
            auto it = report.dependency.find({i, j});
            double m = it == report.dependency.end() ? INFINITY
                                                     : it->second.meanToken;
            c.max = std::max(c.max, m);
            c.sum += m;
          }
        candidates.push_back(c);
      }
  }
  os << llvm::formatv("  candidates (--max-dependency={0}{1}):\n",
                      choice.maxDependency,
                      choice.includeLast ? ", --include-last"
                                         : ", the last block of a run kept "
                                           "apart");
  if (candidates.empty()) {
    os << "  no range fused: every run has fewer than two blocks once its "
          "last block is kept apart (--include-last fuses it too)\n";
    return;
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate &a, const Candidate &b) {
                     return a.max < b.max;
                   });
  os << "    range    max M    sum M  bits/token  steps saved\n";
  for (const Candidate &c : llvm::ArrayRef(candidates).take_front(
           kMaxCandidateRows)) {
    auto bits = report.bitsFused.find({c.first, c.last});
    bool taken = llvm::is_contained(chosen, mlir::ffn::BlockSpan{c.first,
                                                                c.last});
    os << llvm::formatv("  {0} {1,-7} {2,7:f4}  {3,7:f4}  {4,10}  {5,11}\n",
                        taken ? "*" : " ",
                        llvm::formatv("{0}-{1}", c.first, c.last), c.max,
                        c.sum,
                        bits == report.bitsFused.end()
                            ? std::string("-")
                            : llvm::formatv("{0:f4}", bits->second).str(),
                        c.last - c.first);
  }
  if (candidates.size() > kMaxCandidateRows)
    os << llvm::formatv("    ... {0} more, with larger dependencies\n",
                        candidates.size() - kMaxCandidateRows);
  if (report.bitsOriginal)
    os << llvm::formatv("  bits per token unfused: {0:f4}\n",
                        *report.bitsOriginal);
  if (chosen.empty()) {
    const Candidate &best = candidates.front();
    os << llvm::formatv("  no range fused: the least dependent candidate, "
                        "{0}-{1}, has max M {2:f4} > --max-dependency={3}\n",
                        best.first, best.last, best.max, choice.maxDependency);
    return;
  }
  os << "  chose (*): from each block, the longest range whose every pair "
        "stays within --max-dependency\n";
}

/// Output 0 of `module` on every calibration row.
FailureOr<ffn::ref::Tensor> runAll(ModuleOp module,
                                   const ffn::ref::Tensor &calibration) {
  ffn::ref::Executor executor(module.lookupSymbol<func::FuncOp>("main"));
  auto outputs = executor.runPerRow({calibration});
  if (!outputs) {
    llvm::errs() << "ffnc: error: " << llvm::toString(outputs.takeError())
                 << "\n";
    return failure();
  }
  return std::move(outputs->front());
}

} // namespace

LogicalResult ffnc::fuse(ModuleOp module, StageRunner &stages,
                         const FusionChoice &choice,
                         const ffn::ref::Tensor *calibration,
                         const ffn::ref::Tensor *targets) {
  ffn::FFNChainAnalysis chains(module);
  llvm::raw_ostream &log = choice.quiet ? llvm::nulls() : llvm::errs();
  log << "ffn fusion: " << chains.getChains().size()
      << " run(s) of consecutive FFN blocks";
  for (const ffn::FFNChain &chain : chains.getChains())
    log << llvm::formatv(" {0}..{1}", chain.firstIndex, chain.lastIndex());
  log << "\n";
  std::string ranges = choice.ranges;
  if (choice.report) {
    ffn::DependencyMatrix matrix;
    for (const auto &[pair, distances] : choice.report->dependency)
      matrix[pair] = distances.meanToken;
    std::vector<ffn::BlockSpan> chosen = ffn::selectRanges(
        chains, matrix, choice.maxDependency, choice.includeLast);
    printCandidates(chains, choice, chosen, log);
    for (auto [first, last] : chosen)
      ranges +=
          llvm::formatv("{0}{1}-{2}", ranges.empty() ? "" : ",", first, last);
  }
  if (ranges.empty()) {
    if (!choice.report)
      log << "  no range fused\n";
    return success();
  }
  OwningOpRef<ModuleOp> original;
  if (calibration)
    original = module.clone();
  stages.getOptions().fusionRanges = ranges;
  if (failed(stages.run(module, ffn::PipelineStage::Fuse)))
    return failure();
  if (!calibration)
    return success();
  FailureOr<ffn::ref::Tensor> before = runAll(*original, *calibration);
  FailureOr<ffn::ref::Tensor> after = runAll(module, *calibration);
  if (failed(before) || failed(after))
    return failure();
  log << llvm::formatv(
      "  output error of the fused model over {0} calibration rows: relative "
      "L2 {1:e3}\n",
      calibration->dim(0), ffn::ref::errorStats(*after, *before).relativeL2());
  if (targets) {
    auto bitsBefore = ffn::ref::crossEntropyBits(*before, *targets);
    auto bitsAfter = ffn::ref::crossEntropyBits(*after, *targets);
    if (!bitsBefore || !bitsAfter) {
      llvm::consumeError(bitsBefore.takeError());
      llvm::consumeError(bitsAfter.takeError());
      llvm::errs() << "ffnc: error: --calibration-targets do not match the "
                      "model's output\n";
      return failure();
    }
    log << llvm::formatv("  bits per token: {0:f4} -> {1:f4}\n", *bitsBefore,
                         *bitsAfter);
  }
  return success();
}
