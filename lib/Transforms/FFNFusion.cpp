//===- FFNFusion.cpp - Fuse consecutive FFN blocks into one ---------------===//

#include "ffn/Transforms/FFNFusion.h"
#include "ffn/Analysis/ChainAnalysis.h"
#include "ffn/Dialect/FFN/Utils/Evaluate.h"
#include "ffn/Dialect/FFN/Utils/TensorAttr.h"
#include "ffn/Support/Progress.h"
#include "ffn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Parallel.h"

#include <atomic>

namespace mlir::ffn {
#define GEN_PASS_DEF_FFNFUSION
#include "ffn/Transforms/Passes.h.inc"
} // namespace mlir::ffn

using namespace mlir;
using namespace mlir::ffn;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

llvm::Expected<std::vector<BlockSpan>>
mlir::ffn::parseBlockRanges(llvm::StringRef text) {
  std::vector<BlockSpan> ranges;
  llvm::SmallVector<llvm::StringRef> parts;
  text.split(parts, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef part : parts) {
    auto [first, last] = part.trim().split('-');
    unsigned a, b;
    if (first.trim().getAsInteger(10, a) || last.trim().getAsInteger(10, b) ||
        b <= a)
      return makeError("invalid block range '" + part.trim() +
                       "': expected FIRST-LAST with FIRST < LAST");
    for (const BlockSpan &other : ranges)
      if (a <= other.second && other.first <= b)
        return makeError(llvm::formatv("block ranges {0}-{1} and {2}-{3} "
                                       "overlap",
                                       other.first, other.second, a, b));
    ranges.push_back({a, b});
  }
  if (ranges.empty())
    return makeError("no block ranges in '" + text + "'");
  llvm::sort(ranges);
  return ranges;
}

std::vector<BlockSpan>
mlir::ffn::selectRanges(const FFNChainAnalysis &chains,
                        const DependencyMatrix &dependencies,
                        double maxDependency, bool includeLast) {
  auto fits = [&](unsigned first, unsigned next) {
    for (unsigned i = first; i < next; ++i) {
      auto it = dependencies.find({i, next});
      if (it == dependencies.end() || it->second > maxDependency)
        return false;
    }
    return true;
  };
  std::vector<BlockSpan> ranges;
  for (const FFNChain &chain : chains.getChains()) {
    unsigned end = chain.lastIndex() - (includeLast ? 0 : 1);
    for (unsigned start = chain.firstIndex; start < end;) {
      unsigned last = start;
      while (last < end && fits(start, last + 1))
        ++last;
      if (last > start)
        ranges.push_back({start, last});
      start = last + 1;
    }
  }
  return ranges;
}

namespace {

/// The constant data of one block: norm parameters and biases as fp32 host
/// tensors, the weight matrices as rows read in place.
struct BlockWeights {
  ref::Tensor gain, beta, gateBias, upBias, downBias;
  ref::ConstantRows gate, up, down;
  bool hasBeta = false, hasGateBias = false, hasUpBias = false,
       hasDownBias = false;
};

/// The rule that keeps `next` from being fused with `first`, or "".
std::string incompatibility(FFNBlockOp first, FFNBlockOp next) {
  if (next.getNormKind() != first.getNormKind())
    return "its norm kind differs";
  if (next.getEpsilon() != first.getEpsilon())
    return llvm::formatv("its epsilon {0:e} differs from {1:e}",
                         next.getEpsilon().convertToDouble(),
                         first.getEpsilon().convertToDouble());
  if (next.getActivation() != first.getActivation())
    return ("its activation " + stringifyActivation(next.getActivation()) +
            " differs from " + stringifyActivation(first.getActivation()))
        .str();
  if (next.isGated() != first.isGated())
    return "one MLP is gated and the other is not";
  if (next.getInput().getType() != first.getInput().getType())
    return "its input type differs";
  return "";
}

llvm::Expected<BlockWeights> readWeights(FFNBlockOp block) {
  BlockWeights w;
  auto read = [&](Value v, ref::Tensor &into, bool *present) -> llvm::Error {
    if (present)
      *present = static_cast<bool>(v);
    if (!v)
      return llvm::Error::success();
    auto t = ref::evaluateConstant(v);
    if (!t)
      return t.takeError();
    into = std::move(*t);
    return llvm::Error::success();
  };
  auto readRows = [&](Value v, ref::ConstantRows &into) -> llvm::Error {
    if (!v)
      return llvm::Error::success();
    auto constant = v.getDefiningOp<arith::ConstantOp>();
    if (auto attr = constant ? dyn_cast<ElementsAttr>(constant.getValue())
                             : ElementsAttr()) {
      auto rows = ref::ConstantRows::get(attr);
      if (!rows)
        return rows.takeError();
      into = std::move(*rows);
      return llvm::Error::success();
    }
    ref::Tensor t;
    if (auto e = read(v, t, nullptr))
      return e;
    into = ref::ConstantRows(std::move(t));
    return llvm::Error::success();
  };
  if (auto e = read(block.getNormWeight(), w.gain, nullptr))
    return std::move(e);
  if (block.getUnitOffset())
    for (float &g : w.gain.f())
      g += 1.0f;
  for (auto [value, into, present] :
       {std::tuple<Value, ref::Tensor *, bool *>{block.getNormBias(), &w.beta,
                                                 &w.hasBeta},
        {block.getGateBias(), &w.gateBias, &w.hasGateBias},
        {block.getUpBias(), &w.upBias, &w.hasUpBias},
        {block.getDownBias(), &w.downBias, &w.hasDownBias}})
    if (auto e = read(value, *into, present))
      return std::move(e);
  for (auto [value, into] :
       {std::pair<Value, ref::ConstantRows *>{block.getGateWeight(), &w.gate},
        {block.getUpWeight(), &w.up},
        {block.getDownWeight(), &w.down}})
    if (auto e = readRows(value, *into))
      return std::move(e);
  return w;
}

} // namespace

FailureOr<FFNBlockOp> mlir::ffn::fuseBlocks(ArrayRef<FFNBlockOp> blockList,
                                            ArrayRef<unsigned> numbers,
                                            bool progress) {
  SmallVector<FFNBlockOp> blocks(blockList);
  FFNBlockOp first = blocks.front();
  auto refuse = [&](unsigned k, const Twine &why) {
    InFlightDiagnostic diag = blocks[k].emitError()
                              << "cannot fuse blocks " << numbers.front()
                              << ".." << numbers.back() << ": block "
                              << numbers[k] << " " << why;
    return diag;
  };
  for (size_t k = 1; k < blocks.size(); ++k) {
    if (blocks[k].getInput() != blocks[k - 1].getOutput())
      return refuse(k, llvm::formatv("does not read block {0}'s output "
                                     "directly (an attention or another op "
                                     "sits between them)",
                                     numbers[k - 1]));
    if (!blocks[k - 1].getOutput().hasOneUse())
      return refuse(k - 1, "has an output used elsewhere too, which fusion "
                           "would drop");
    if (std::string why = incompatibility(first, blocks[k]); !why.empty())
      return refuse(k, "cannot join block " + llvm::Twine(numbers.front()) +
                           ": " + why);
  }

  // out = x + Σ_k MLP_k(N_k(x)). With x̂ the unit-gain norm of x,
  // N_k(x)·W = x̂·diag(g_k)W + β_k·W, so gains fold into rows and norm biases
  // into the first projections' biases. The fused weights are written into
  // scratch files one block at a time: memory holds one block's weights,
  // not the group's.
  auto extent = [](Value v, unsigned dim) {
    return cast<ShapedType>(v.getType()).getDimSize(dim);
  };
  int64_t d = extent(first.getNormWeight(), 0);
  int64_t total = 0;
  for (FFNBlockOp block : blocks)
    total += extent(block.getUpWeight(), 1);
  bool gated = first.isGated();
  auto anyOf = [&](auto present) { return llvm::any_of(blocks, present); };
  bool anyBeta = anyOf([](FFNBlockOp b) { return b.getNormBias() != nullptr; });
  bool upBias =
      anyBeta || anyOf([](FFNBlockOp b) { return b.getUpBias() != nullptr; });
  bool gateBias = gated && (anyBeta || anyOf([](FFNBlockOp b) {
                              return b.getGateBias() != nullptr;
                            }));
  bool downBias =
      anyOf([](FFNBlockOp b) { return b.getDownBias() != nullptr; });

  Type element =
      cast<RankedTensorType>(first.getInput().getType()).getElementType();
  auto scratch =
      [&](int64_t rows,
          int64_t cols) -> llvm::Expected<std::optional<ref::ScratchConstant>> {
    auto made = ref::ScratchConstant::create(
        RankedTensorType::get({rows, cols}, element));
    if (!made)
      return made.takeError();
    return std::optional<ref::ScratchConstant>(std::move(*made));
  };
  auto fusedGate = scratch(d, gated ? total : 0);
  auto fusedUp = scratch(d, total);
  auto fusedDown = scratch(total, d);
  for (auto *made : {&fusedGate, &fusedUp, &fusedDown})
    if (!*made)
      return refuse(0, "cannot hold the fused weights: " +
                           llvm::toString(made->takeError()));
  ref::Tensor fusedGateBias(ref::DType::F32, {total});
  ref::Tensor fusedUpBias(ref::DType::F32, {total});
  ref::Tensor fusedDownBias(ref::DType::F32, {d});
  int64_t offset = 0;
  unsigned width = element.getIntOrFloatBitWidth() / 8;
  // Rows are folded in tasks of this many on all cores; the biases sum
  // per task, then over tasks in order, whatever the thread count.
  constexpr int64_t kRowsPerTask = 64;
  auto tasks = [](int64_t rows) {
    return (rows + kRowsPerTask - 1) / kRowsPerTask;
  };
  ffnsupport::Progress report(
      llvm::formatv("fusing blocks {0}..{1}", numbers.front(), numbers.back()),
      "written", (gated ? 3 : 2) * d * total * width, progress);
  for (auto [k, block] : llvm::enumerate(blocks)) {
    auto read = readWeights(block);
    if (!read)
      return refuse(k, "has weights that are not constants: " +
                           llvm::toString(read.takeError()));
    const BlockWeights &w = *read;
    int64_t f = w.up.cols();
    // Row r of the fused [d, total] weight holds g[r]·W[r, :] at `offset`;
    // the biases sum over rows in row order.
    auto fold = [&](const ref::ConstantRows &in, bool inBias,
                    const ref::Tensor &b, ref::ScratchConstant &out,
                    ref::Tensor &outBias) {
      std::vector<std::vector<double>> partial(tasks(d));
      std::atomic<bool> written = true;
      llvm::parallelFor(0, partial.size(), [&](size_t t) {
        std::vector<float> piece(f);
        std::vector<double> &bias = partial[t];
        if (w.hasBeta)
          bias.assign(f, 0.0);
        for (int64_t r = t * kRowsPerTask,
                     end = std::min<int64_t>(d, r + kRowsPerTask);
             r < end && written; ++r) {
          in.read(r, piece.data());
          if (w.hasBeta)
            for (int64_t c = 0; c < f; ++c)
              bias[c] += static_cast<double>(w.beta.f()[r]) * piece[c];
          for (int64_t c = 0; c < f; ++c)
            piece[c] *= w.gain.f()[r];
          if (!out.write(r * total + offset, piece))
            written = false;
        }
      });
      std::vector<double> bias(f, 0.0);
      if (inBias)
        for (int64_t c = 0; c < f; ++c)
          bias[c] = b.f()[c];
      for (const std::vector<double> &sum : partial)
        for (size_t c = 0; c < sum.size(); ++c)
          bias[c] += sum[c];
      for (int64_t c = 0; c < f; ++c)
        outBias.f()[offset + c] = bias[c];
      return written.load();
    };
    bool written = fold(w.up, w.hasUpBias, w.upBias, **fusedUp, fusedUpBias);
    if (gated)
      written &=
          fold(w.gate, w.hasGateBias, w.gateBias, **fusedGate, fusedGateBias);
    // The down projection's rows stay contiguous: one write per task.
    if (written) {
      std::atomic<bool> downWritten = true;
      llvm::parallelFor(0, tasks(f), [&](size_t t) {
        int64_t first = t * kRowsPerTask;
        int64_t rows = std::min<int64_t>(f - first, kRowsPerTask);
        std::vector<float> piece(rows * d);
        for (int64_t r = 0; r < rows; ++r)
          w.down.read(first + r, piece.data() + r * d);
        if (!(*fusedDown)->write((offset + first) * d, piece))
          downWritten = false;
      });
      written = downWritten;
    }
    if (!written)
      return refuse(k, "cannot write the fused weights to a temporary file "
                       "(is its folder full?)");
    if (w.hasDownBias)
      for (int64_t c = 0; c < d; ++c)
        fusedDownBias.f()[c] += w.downBias.f()[c];
    offset += f;
    report.add((gated ? 3 : 2) * d * f * width);
    // The block's own weights are not read again.
    for (Value weight :
         {block.getGateWeight(), block.getUpWeight(), block.getDownWeight()})
      if (auto constant = weight ? weight.getDefiningOp<arith::ConstantOp>()
                                 : arith::ConstantOp())
        ref::unmapConstantPages(constant.getValue());
  }

  report.finish();
  std::string prefix =
      llvm::formatv("ffn_fusion.{0}_{1}.", numbers.front(), numbers.back());
  SmallVector<DenseResourceElementsAttr, 3> taken;
  ref::ScratchConstant *made[] = {&**fusedGate, &**fusedUp, &**fusedDown};
  StringRef names[] = {"gate", "up", "down"};
  for (auto [made, name] : llvm::zip(made, names)) {
    auto attr = made->take((prefix + name).str());
    if (!attr)
      return refuse(0, "cannot hold the fused weights: " +
                           llvm::toString(attr.takeError()));
    taken.push_back(*attr);
  }

  FFNBlockOp last = blocks.back();
  OpBuilder builder(last);
  auto constant = [&](const ref::Tensor &t, StringRef name) -> Value {
    auto type = RankedTensorType::get(t.shape(), element);
    return arith::ConstantOp::create(builder, last.getLoc(),
                                     ref::tensorToAttr(t, type,
                                                       (prefix + name).str()));
  };
  auto takenConstant = [&](int index) {
    return arith::ConstantOp::create(builder, last.getLoc(), taken[index]);
  };
  ref::Tensor ones(ref::DType::F32, {d});
  std::fill(ones.f().begin(), ones.f().end(), 1.0f);
  SmallVector<Location> locs;
  for (FFNBlockOp block : blocks)
    locs.push_back(block.getLoc());
  // Named like the blocks it replaces, for the plan's profile.
  auto fusedLoc =
      NameLoc::get(builder.getStringAttr(llvm::formatv(
                       "ffn {0}-{1}", numbers.front(), numbers.back())),
                   FusedLoc::get(builder.getContext(), locs));
  auto fused = FFNBlockOp::create(
      builder, fusedLoc, first.getInput().getType(), first.getInput(),
      first.getNormKindAttr(), constant(ones, "norm"), Value(),
      first.getEpsilonAttr(), UnitAttr(), gated ? takenConstant(0) : Value(),
      gateBias ? constant(fusedGateBias, "gate_bias") : Value(),
      takenConstant(1), upBias ? constant(fusedUpBias, "up_bias") : Value(),
      takenConstant(2),
      downBias ? constant(fusedDownBias, "down_bias") : Value(),
      first.getActivationAttr());
  last.getOutput().replaceAllUsesWith(fused.getOutput());

  // Drop the originals, and the weights only they used. A block's input is
  // the previous block, erased here too: not a producer to revisit.
  llvm::SmallPtrSet<Operation *, 8> originals;
  for (FFNBlockOp block : blocks)
    originals.insert(block);
  llvm::SetVector<Operation *> producers;
  for (FFNBlockOp block : llvm::reverse(blocks)) {
    for (Value operand : block->getOperands())
      if (Operation *def = operand.getDefiningOp();
          def && !originals.contains(def))
        producers.insert(def);
    block.erase();
  }
  for (Operation *def : producers)
    if (def->use_empty() && isMemoryEffectFree(def))
      def->erase();
  return fused;
}

LogicalResult mlir::ffn::fuseRanges(
    Operation *root, const FFNChainAnalysis &chains, ArrayRef<BlockSpan> ranges,
    llvm::function_ref<void(BlockSpan, ArrayRef<int64_t>, FFNBlockOp)> onFused,
    bool progress) {
  ArrayRef<FFNBlockOp> blocks = chains.getBlocks();
  for (auto [first, last] : ranges) {
    if (last >= blocks.size())
      return root->emitError()
             << "cannot fuse blocks " << first << ".." << last << ": block "
             << last << " does not exist (the module has " << blocks.size()
             << " ffn_block ops)";
    SmallVector<unsigned> numbers;
    SmallVector<int64_t> widths;
    for (unsigned n = first; n <= last; ++n) {
      numbers.push_back(n);
      widths.push_back(FFNBlockOp(blocks[n]).getWidth());
    }
    FailureOr<FFNBlockOp> fused =
        fuseBlocks(blocks.slice(first, numbers.size()), numbers, progress);
    if (failed(fused))
      return failure();
    if (onFused)
      onFused({first, last}, widths, *fused);
  }
  return success();
}

namespace {

/// Reads M[i, j] (the per-token mean cosine distance) from a report.
FailureOr<DependencyMatrix> readReport(Operation *op, StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer) {
    op->emitError() << "cannot read dependency report '" << path
                    << "': " << buffer.getError().message();
    return failure();
  }
  auto json = llvm::json::parse((*buffer)->getBuffer());
  if (!json) {
    op->emitError() << "dependency report '" << path
                    << "' is not valid JSON: " << llvm::toString(json.takeError());
    return failure();
  }
  const llvm::json::Object *root = json->getAsObject();
  const llvm::json::Object *pairs =
      root ? root->getObject("dependency") : nullptr;
  if (!pairs) {
    op->emitError() << "dependency report '" << path
                    << "' has no \"dependency\" object";
    return failure();
  }
  DependencyMatrix matrix;
  for (const auto &[key, value] : *pairs) {
    auto [first, second] = llvm::StringRef(key).split(',');
    unsigned i, j;
    const llvm::json::Object *entry = value.getAsObject();
    std::optional<double> m =
        entry ? entry->getNumber("mean_token_cos_dist") : std::nullopt;
    if (first.getAsInteger(10, i) || second.getAsInteger(10, j) || !m) {
      op->emitError() << "dependency report '" << path << "': bad entry '"
                      << key.str() << "'";
      return failure();
    }
    matrix[{i, j}] = *m;
  }
  return matrix;
}

struct FFNFusionPass : public ffn::impl::FFNFusionBase<FFNFusionPass> {
  using FFNFusionBase::FFNFusionBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (ranges.empty() == report.empty()) {
      module.emitError("ffn-fusion needs exactly one of 'ranges' and 'report'");
      return signalPassFailure();
    }
    FFNChainAnalysis chains(module);
    std::vector<BlockSpan> chosen;
    if (!ranges.empty()) {
      auto parsed = parseBlockRanges(ranges);
      if (!parsed) {
        module.emitError() << llvm::toString(parsed.takeError());
        return signalPassFailure();
      }
      chosen = std::move(*parsed);
    } else {
      FailureOr<DependencyMatrix> matrix = readReport(module, report);
      if (failed(matrix))
        return signalPassFailure();
      chosen = selectRanges(chains, *matrix, maxDependency, includeLast);
    }

    auto remark = [](BlockSpan range, ArrayRef<int64_t> widths,
                     FFNBlockOp fused) {
      InFlightDiagnostic diag = fused.emitRemark();
      diag << llvm::formatv("fused blocks {0}..{1}: width ", range.first,
                            range.second);
      llvm::interleave(widths, diag, "+");
      diag << " -> " << fused.getWidth();
    };
    if (failed(fuseRanges(module, chains, chosen, remark, progress)))
      signalPassFailure();
  }
};

} // namespace
