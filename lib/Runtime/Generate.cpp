//===- Generate.cpp - Greedy generation with the model's KV caches --------===//
//
// Plain C++ on the runtime's own API: each step sets token ids and
// positions of up to --max-batch sequences, runs the plan and reads back
// each sequence's next id (greedy: the plan's argmax) or row of logits.
//
//===----------------------------------------------------------------------===//

#include "Model.h"

#include "ffn/Runtime/Prompts.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

using namespace ffnrt;
using namespace ffnrt::detail;

int64_t ffnrt_max_context(const ffnrt_model *m) { return m->plan.maxContext; }

uint64_t ffnrt_cache_bytes(const ffnrt_model *m) {
  uint64_t bytes = 0;
  for (const DeviceBuffer &b : m->states)
    bytes += b.bytes;
  return bytes;
}

ffnrt_status ffnrt_set_sampling(ffnrt_model *m, double temperature,
                                int64_t topK, double topP, uint64_t seed) {
  SamplingOptions options{temperature, topK, topP, seed};
  if (std::string why = samplingProblem(options); !why.empty())
    return fail(why);
  m->sampling = options;
  return FFNRT_OK;
}

ffnrt_status ffnrt_reset(ffnrt_model *m) {
  const Driver &d = driver();
  FFNRT_CHECK(d.cuCtxSetCurrent(m->context), "selecting the context");
  for (const DeviceBuffer &b : m->states)
    FFNRT_CHECK(d.cuMemsetD8(b.ptr, 0, b.bytes), "zeroing a KV cache");
  return FFNRT_OK;
}

namespace {

/// Runs one step of `rows` sequences of `width` tokens each (ids and
/// positions row-major) and picks each row's next token after its token
/// `last[r]`.
ffnrt_status step(ffnrt_model *m, int64_t rows, int64_t width,
                  const std::vector<int64_t> &ids,
                  const std::vector<int64_t> &positions,
                  const std::vector<int64_t> &last, Sampler &sampler,
                  std::vector<int64_t> &next) {
  const Plan &plan = m->plan;
  int64_t shape[2] = {rows, width};
  for (auto [index, data] : {std::pair{0, ids.data()}, {1, positions.data()}})
    if (ffnrt_status s = ffnrt_set_input(m, plan.inputs[index].name.c_str(),
                                         FFNRT_I64, shape, 2, data);
        s != FFNRT_OK)
      return s;
  if (ffnrt_status s = ffnrt_run(m); s != FFNRT_OK)
    return s;
  // Output `index` at each row's token last[r], `bytes` a row, into `dst`:
  // one copy where the rows are contiguous (a decode step).
  auto readRows = [&](int index, size_t bytes, void *dst,
                      const char *what) -> ffnrt_status {
    CUdeviceptr out = m->outputs[index].ptr;
    auto *to = static_cast<char *>(dst);
    if (width == 1) {
      FFNRT_CHECK(driver().cuMemcpyDtoH(to, out, rows * bytes), what);
      return FFNRT_OK;
    }
    for (int64_t r = 0; r < rows; ++r)
      FFNRT_CHECK(driver().cuMemcpyDtoH(to + r * bytes,
                                        out + (r * width + last[r]) * bytes,
                                        bytes),
                  what);
    return FFNRT_OK;
  };
  next.resize(rows);
  // Greedy decoding reads the plan's argmax of each row (next_ids), one id
  // per sequence, where the plan has it.
  if (m->sampling.temperature == 0 && plan.outputs.size() > 1 &&
      plan.outputs[1].dtype == DType::I64)
    return readRows(1, sizeof(int64_t), next.data(), "reading the next ids");
  int64_t vocab = plan.outputs[0].dims.back().value;
  std::vector<float> logits(rows * vocab);
  if (ffnrt_status s = readRows(0, vocab * sizeof(float), logits.data(),
                                "reading the logits");
      s != FFNRT_OK)
    return s;
  for (int64_t r = 0; r < rows; ++r)
    next[r] = sampler.next(logits.data() + r * vocab, vocab);
  return FFNRT_OK;
}

} // namespace

int64_t ffnrt_max_batch(const ffnrt_model *m) { return m->plan.maxBatch; }

ffnrt_status ffnrt_generate(ffnrt_model *m, const int64_t *prompts, int batch,
                            int width, int newTokens, int64_t *tokens,
                            float *firstTokenMs, float *stepMs) {
  const Plan &plan = m->plan;
  if (!plan.maxContext || plan.inputs.size() != 2)
    return fail("the model was not compiled for generation (ffnc "
                "--max-context)");
  if (plan.outputs.empty() || plan.outputs[0].dims.size() != 3 ||
      plan.outputs[0].dims.back().sym != Sym::One)
    return fail("generation needs logits [batch, seq, vocab] as output 0");
  if (batch < 1 || width < 1 || newTokens < 1)
    return fail("generation needs batch, width and new_tokens >= 1");
  int outWidth = width + newTokens;
  std::fill(tokens, tokens + int64_t(batch) * outWidth, -1);
  std::vector<int64_t> lengths(batch);
  int64_t longest = 0;
  for (int b = 0; b < batch; ++b) {
    const int64_t *row = prompts + int64_t(b) * width;
    if (std::string why = promptProblem(row, width, b); !why.empty())
      return fail(why);
    lengths[b] = promptLength(row, width);
    longest = std::max(longest, lengths[b]);
    if (lengths[b] + newTokens - 1 > plan.maxContext)
      return fail("prompt " + std::to_string(b) + " (" +
                  std::to_string(lengths[b]) + " tokens) and " +
                  std::to_string(newTokens) + " new tokens need a context of " +
                  std::to_string(lengths[b] + newTokens - 1) +
                  "; the model was compiled with --max-context=" +
                  std::to_string(plan.maxContext));
  }
  if (longest > plan.maxTokens)
    return fail("a prompt of " + std::to_string(longest) +
                " tokens exceeds --max-tokens=" +
                std::to_string(plan.maxTokens));
  // Sequences go in groups that share every step: a prefill of the prompts
  // right-padded to the longest (the padding's cache rows are overwritten
  // by later steps before any query reads them), then one decode step per
  // further token.
  int64_t group = std::max<int64_t>(
      1, std::min<int64_t>(plan.maxBatch ? plan.maxBatch : batch,
                           plan.maxTokens / longest));
  using Clock = std::chrono::steady_clock;
  Sampler sampler(m->sampling);
  for (int64_t first = 0; first < batch; first += group) {
    int64_t rows = std::min<int64_t>(group, batch - first);
    int64_t span = 0;
    for (int64_t r = 0; r < rows; ++r)
      span = std::max(span, lengths[first + r]);
    std::vector<std::vector<int64_t>> sequences(rows);
    std::vector<int64_t> ids(rows * span), positions(rows * span), last(rows);
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t *row = prompts + (first + r) * width;
      int64_t length = lengths[first + r];
      sequences[r].assign(row, row + length);
      for (int64_t j = 0; j < span; ++j) {
        ids[r * span + j] = row[std::min(j, length - 1)];
        positions[r * span + j] = j;
      }
      last[r] = length - 1;
    }
    std::vector<int64_t> next;
    auto start = Clock::now();
    for (int t = 0; t < newTokens; ++t) {
      if (ffnrt_status s =
              step(m, rows, t == 0 ? span : 1, ids, positions, last, sampler,
                   next);
          s != FFNRT_OK)
        return s;
      ids.resize(rows), positions.resize(rows);
      for (int64_t r = 0; r < rows; ++r) {
        sequences[r].push_back(next[r]);
        ids[r] = next[r];
        positions[r] = sequences[r].size() - 1;
        last[r] = 0;
      }
      auto now = Clock::now();
      float ms = std::chrono::duration<float, std::milli>(now - start).count();
      for (int64_t r = 0; r < rows; ++r) {
        if (t == 0 && firstTokenMs)
          firstTokenMs[first + r] = ms;
        if (t > 0 && stepMs)
          stepMs[(first + r) * (newTokens - 1) + t - 1] = ms;
      }
      start = now;
    }
    for (int64_t r = 0; r < rows; ++r)
      std::copy(sequences[r].begin(), sequences[r].end(),
                tokens + (first + r) * outWidth);
  }
  return FFNRT_OK;
}
