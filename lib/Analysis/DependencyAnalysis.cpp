//===- DependencyAnalysis.cpp - Block-wise dependency matrix --------------===//

#include "ffn/Analysis/DependencyAnalysis.h"
#include "ffn/Reference/Executor.h"

#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace mlir;
using namespace mlir::ffn;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

namespace {

/// 1 − cos of two vectors; 0 when both vanish.
double cosineDistance(const float *a, const float *b, int64_t n) {
  double dot = 0, na = 0, nb = 0;
  for (int64_t k = 0; k < n; ++k) {
    dot += static_cast<double>(a[k]) * b[k];
    na += static_cast<double>(a[k]) * a[k];
    nb += static_cast<double>(b[k]) * b[k];
  }
  if (na == 0 && nb == 0)
    return 0;
  return 1 - dot / std::sqrt(na * nb);
}

/// Sums of a flattened cosine: Σ a·b, Σ a², Σ b².
struct FlatCosine {
  double dot = 0, na = 0, nb = 0;
  void add(const float *a, const float *b, int64_t n) {
    for (int64_t k = 0; k < n; ++k) {
      dot += static_cast<double>(a[k]) * b[k];
      na += static_cast<double>(a[k]) * a[k];
      nb += static_cast<double>(b[k]) * b[k];
    }
  }
  double distance() const { return 1 - dot / std::sqrt(na * nb); }
};

/// out − in: a block's contribution to the residual stream.
ref::Tensor contribution(const ref::Tensor &in, const ref::Tensor &out) {
  ref::Tensor h = out;
  for (int64_t k = 0; k < h.numElements(); ++k)
    h.f()[k] -= in.f()[k];
  return h;
}

class Analysis {
public:
  Analysis(func::FuncOp func, const FFNChainAnalysis &chains)
      : func(func), chains(chains) {
    for (auto [index, block] : llvm::enumerate(chains.getBlocks()))
      indexOf[block] = index;
  }

  llvm::Expected<DependencyReport>
  run(const ref::Tensor &calibration, const ref::Tensor *targets,
      llvm::function_ref<void(llvm::StringRef)> progress);

private:
  /// Runs every calibration row with `hook`; returns the summed bits when
  /// `targets` is given.
  llvm::Expected<double> forward(const ref::Tensor &calibration,
                                 const ref::Tensor *targets,
                                 const std::function<void(
                                     int64_t row, unsigned block,
                                     const ref::Tensor &in, ref::Tensor &out)>
                                     &onBlock);

  /// The weights of block `index`, evaluated once.
  llvm::Expected<const std::vector<ref::Tensor> *> weights(unsigned index);

  func::FuncOp func;
  const FFNChainAnalysis &chains;
  llvm::DenseMap<Operation *, unsigned> indexOf;
  std::map<unsigned, std::vector<ref::Tensor>> weightCache;
};

llvm::Expected<double> Analysis::forward(
    const ref::Tensor &calibration, const ref::Tensor *targets,
    const std::function<void(int64_t, unsigned, const ref::Tensor &,
                             ref::Tensor &)> &onBlock) {
  ref::Executor executor(func);
  int64_t row = 0;
  executor.setHook([&](Operation *op, llvm::ArrayRef<const ref::Tensor *> in,
                       llvm::MutableArrayRef<ref::Tensor> out) {
    auto it = indexOf.find(op);
    if (it != indexOf.end())
      onBlock(row, it->second, *in[0], out[0]);
  });
  double bits = 0;
  for (row = 0; row < calibration.dim(0); ++row) {
    auto results = executor.run({ref::rowOf(calibration, row)});
    if (!results)
      return results.takeError();
    if (targets) {
      auto rowBits = ref::crossEntropyBits(results->front(),
                                           ref::rowOf(*targets, row));
      if (!rowBits)
        return rowBits.takeError();
      bits += *rowBits;
    }
  }
  return bits / calibration.dim(0);
}

llvm::Expected<const std::vector<ref::Tensor> *>
Analysis::weights(unsigned index) {
  auto [it, inserted] = weightCache.try_emplace(index);
  if (inserted)
    for (Value operand : chains.getBlocks()[index]->getOperands().drop_front()) {
      auto t = ref::evaluateConstant(operand);
      if (!t)
        return t.takeError();
      it->second.push_back(std::move(*t));
    }
  return &it->second;
}

llvm::Expected<DependencyReport>
Analysis::run(const ref::Tensor &calibration, const ref::Tensor *targets,
              llvm::function_ref<void(llvm::StringRef)> progress) {
  DependencyReport report;
  report.numBlocks = chains.getBlocks().size();
  std::map<unsigned, unsigned> lastOfRun;
  for (const FFNChain &chain : chains.getChains()) {
    report.runs.push_back({chain.firstIndex, chain.lastIndex()});
    for (unsigned b = chain.firstIndex; b <= chain.lastIndex(); ++b)
      lastOfRun[b] = chain.lastIndex();
  }
  if (report.runs.empty())
    return makeError("the model has no run of two or more attention-free "
                     "ffn_blocks to analyze");
  if (calibration.rank() != 2)
    return makeError("calibration ids must be [rows, sequence], got " +
                     calibration.shapeString());
  int64_t rows = calibration.dim(0);
  report.tokens = calibration.numElements();

  unsigned droppable = 0, candidates = 0;
  for (auto [first, last] : report.runs) {
    droppable += last - first;
    candidates += (last - first) * (last - first + 1) / 2;
  }
  unsigned passes = 1 + droppable + (targets ? candidates : 0), pass = 0;
  auto announce = [&](const llvm::Twine &what) {
    progress(llvm::formatv("[forward {0}/{1}] {2} ({3} rows)", ++pass, passes,
                           what.str(), rows)
                 .str());
  };

  // The unmodified forward: every run block's contribution per row, and the
  // saturation statistics of every block.
  std::vector<std::map<unsigned, ref::Tensor>> h(rows);
  std::map<unsigned, std::pair<double, double>> stats;
  announce("unmodified model");
  auto original = forward(
      calibration, targets,
      [&](int64_t row, unsigned block, const ref::Tensor &in,
          ref::Tensor &out) {
        ref::Tensor hj = contribution(in, out);
        int64_t d = in.dim(-1), n = in.numElements() / d;
        for (int64_t t = 0; t < n; ++t) {
          const float *x = in.f().data() + t * d;
          const float *y = out.f().data() + t * d;
          const float *c = hj.f().data() + t * d;
          double nh = 0, nx = 0;
          for (int64_t k = 0; k < d; ++k) {
            nh += static_cast<double>(c[k]) * c[k];
            nx += static_cast<double>(x[k]) * x[k];
          }
          stats[block].first += cosineDistance(x, y, d);
          stats[block].second += std::sqrt(nh / nx);
        }
        if (lastOfRun.count(block))
          h[row][block] = std::move(hj);
      });
  if (!original)
    return original.takeError();
  if (targets)
    report.bitsOriginal = *original;
  for (auto &[block, sums] : stats)
    report.blocks[block] = {sums.first / report.tokens,
                            sums.second / report.tokens};

  // One forward per dropped block i fills row i of M.
  for (auto [first, last] : report.runs) {
    for (unsigned i = first; i < last; ++i) {
      announce(llvm::formatv("block {0} dropped", i));
      std::map<unsigned, double> tokenSums;
      std::map<unsigned, FlatCosine> flat;
      auto dropped = forward(
          calibration, nullptr,
          [&](int64_t row, unsigned block, const ref::Tensor &in,
              ref::Tensor &out) {
            if (block == i) {
              out = in;
              return;
            }
            if (block <= i || block > last)
              return;
            ref::Tensor tilde = contribution(in, out);
            const ref::Tensor &hj = h[row][block];
            int64_t d = in.dim(-1), n = in.numElements() / d;
            for (int64_t t = 0; t < n; ++t)
              tokenSums[block] += cosineDistance(
                  hj.f().data() + t * d, tilde.f().data() + t * d, d);
            flat[block].add(hj.f().data(), tilde.f().data(), hj.numElements());
          });
      if (!dropped)
        return dropped.takeError();
      for (unsigned j = i + 1; j <= last; ++j)
        report.dependency[{i, j}] = {tokenSums[j] / report.tokens,
                                     flat[j].distance()};
    }
  }

  // Each sub-range of a run in parallel form: block a adds every block's
  // contribution at its own input, the others pass their input through.
  if (targets) {
    for (auto [first, last] : report.runs) {
      for (unsigned a = first; a < last; ++a) {
        for (unsigned b = a + 1; b <= last; ++b) {
          announce(llvm::formatv("blocks {0}-{1} in parallel form", a, b));
          llvm::Error failure = llvm::Error::success();
          auto bits = forward(
              calibration, targets,
              [&](int64_t, unsigned block, const ref::Tensor &in,
                  ref::Tensor &out) {
                if (block <= a || block > b) {
                  if (block != a)
                    return;
                  for (unsigned k = a + 1; k <= b; ++k) {
                    auto w = weights(k);
                    if (!w) {
                      failure = w.takeError();
                      return;
                    }
                    std::vector<const ref::Tensor *> operands{&in};
                    for (const ref::Tensor &t : **w)
                      operands.push_back(&t);
                    auto other = ref::evaluateOp(chains.getBlocks()[k],
                                                 operands, ref::blasGemm);
                    if (!other) {
                      failure = other.takeError();
                      return;
                    }
                    for (int64_t e = 0; e < out.numElements(); ++e)
                      out.f()[e] += (*other)[0].f()[e] - in.f()[e];
                  }
                  return;
                }
                out = in;
              });
          if (failure)
            return std::move(failure);
          if (!bits)
            return bits.takeError();
          report.bitsFused[{a, b}] = *bits;
        }
      }
    }
  }
  return report;
}

} // namespace

llvm::json::Value DependencyReport::toJSON() const {
  llvm::json::Object dependencyObject, blockObject, fusedObject;
  for (const auto &[pair, distances] : dependency)
    dependencyObject[llvm::formatv("{0},{1}", pair.first, pair.second).str()] =
        llvm::json::Object{{"mean_token_cos_dist", distances.meanToken},
                           {"flat_cos_dist", distances.flat}};
  for (const auto &[block, s] : blocks)
    blockObject[std::to_string(block)] = llvm::json::Object{
        {"saturation", s.saturation}, {"relative_norm", s.relativeNorm}};
  for (const auto &[range, bits] : bitsFused)
    fusedObject[llvm::formatv("{0}-{1}", range.first, range.second).str()] =
        bits;
  llvm::json::Array runArray;
  for (auto [first, last] : runs)
    runArray.push_back(llvm::json::Array{first, last});
  llvm::json::Object root{{"blocks", numBlocks},
                          {"tokens", tokens},
                          {"runs", std::move(runArray)},
                          {"dependency", std::move(dependencyObject)},
                          {"block_stats", std::move(blockObject)}};
  if (bitsOriginal) {
    root["bpb_original"] = *bitsOriginal;
    root["fused"] = std::move(fusedObject);
  }
  return root;
}

llvm::Expected<DependencyReport>
DependencyReport::fromJSON(const llvm::json::Value &value) {
  auto error = [](const llvm::Twine &what) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "dependency report: " + what);
  };
  // "a<sep>b" with a < b, both unsigned.
  auto pairOf = [](llvm::StringRef key, char sep)
      -> std::optional<std::pair<unsigned, unsigned>> {
    auto [a, b] = key.split(sep);
    unsigned i, j;
    if (a.getAsInteger(10, i) || b.getAsInteger(10, j) || i >= j)
      return std::nullopt;
    return std::pair{i, j};
  };
  const llvm::json::Object *root = value.getAsObject();
  if (!root)
    return error("not a JSON object");
  DependencyReport report;
  std::optional<int64_t> blocks = root->getInteger("blocks");
  if (!blocks || *blocks < 0)
    return error("'blocks' must be a count of blocks");
  report.numBlocks = *blocks;
  report.tokens = root->getInteger("tokens").value_or(0);
  const llvm::json::Array *runs = root->getArray("runs");
  if (!runs)
    return error("'runs' must be an array of [first, last]");
  for (const llvm::json::Value &run : *runs) {
    const llvm::json::Array *span = run.getAsArray();
    std::optional<int64_t> first = span && span->size() == 2
                                       ? (*span)[0].getAsInteger()
                                       : std::nullopt;
    std::optional<int64_t> last =
        first ? (*span)[1].getAsInteger() : std::nullopt;
    if (!last || *first < 0 || *last <= *first || *last >= *blocks)
      return error("a run must be [first, last] with first < last < blocks");
    report.runs.push_back({unsigned(*first), unsigned(*last)});
  }
  const llvm::json::Object *dependency = root->getObject("dependency");
  if (!dependency)
    return error("'dependency' must be an object of \"i,j\" entries");
  for (const auto &[key, entry] : *dependency) {
    auto pair = pairOf(key, ',');
    const llvm::json::Object *d = entry.getAsObject();
    std::optional<double> mean = d ? d->getNumber("mean_token_cos_dist")
                                   : std::nullopt;
    std::optional<double> flat = d ? d->getNumber("flat_cos_dist")
                                   : std::nullopt;
    if (!pair || !mean || !flat)
      return error("dependency entry '" + key.str() +
                   "' needs \"i,j\" with i < j, mean_token_cos_dist and "
                   "flat_cos_dist");
    report.dependency[*pair] = {*mean, *flat};
  }
  if (const llvm::json::Object *stats = root->getObject("block_stats"))
    for (const auto &[key, entry] : *stats) {
      unsigned block;
      const llvm::json::Object *s = entry.getAsObject();
      if (llvm::StringRef(key).getAsInteger(10, block) || !s)
        return error("block_stats entry '" + key.str() + "' is malformed");
      report.blocks[block] = {s->getNumber("saturation").value_or(0),
                              s->getNumber("relative_norm").value_or(0)};
    }
  report.bitsOriginal = root->getNumber("bpb_original");
  if (const llvm::json::Object *fused = root->getObject("fused"))
    for (const auto &[key, entry] : *fused) {
      auto range = pairOf(key, '-');
      std::optional<double> bits = entry.getAsNumber();
      if (!range || !bits)
        return error("fused entry '" + key.str() +
                     "' needs \"a-b\" with a < b and a number");
      report.bitsFused[*range] = *bits;
    }
  return report;
}

llvm::Expected<DependencyReport>
mlir::ffn::analyzeDependencies(func::FuncOp func,
                               const ref::Tensor &calibration,
                               const ref::Tensor *targets,
                               llvm::function_ref<void(llvm::StringRef)> progress) {
  FFNChainAnalysis chains(func);
  return Analysis(func, chains).run(calibration, targets, progress);
}
