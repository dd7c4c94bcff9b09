//===- Generate.cpp - Greedy generation with the model's KV caches --------===//
//
// Plain C++ on the runtime's own API: each step sets token ids and
// positions, runs the plan and reads back the last row of logits.
//
//===----------------------------------------------------------------------===//

#include "Model.h"

#include "ffn/Runtime/Prompts.h"

#include <chrono>
#include <string>

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

/// Runs `ids` at positions first, first + 1, ... and picks the next token
/// from the logits of the last row.
ffnrt_status step(ffnrt_model *m, const std::vector<int64_t> &ids,
                  int64_t first, Sampler &sampler, int64_t &next) {
  const Plan &plan = m->plan;
  std::vector<int64_t> positions(ids.size());
  for (size_t k = 0; k < ids.size(); ++k)
    positions[k] = first + k;
  int64_t shape[2] = {1, static_cast<int64_t>(ids.size())};
  for (auto [index, data] : {std::pair{0, ids.data()}, {1, positions.data()}})
    if (ffnrt_status s = ffnrt_set_input(m, plan.inputs[index].name.c_str(),
                                         FFNRT_I64, shape, 2, data);
        s != FFNRT_OK)
      return s;
  if (ffnrt_status s = ffnrt_run(m); s != FFNRT_OK)
    return s;
  int64_t vocab = plan.outputs[0].dims.back().value;
  std::vector<float> logits(vocab);
  CUdeviceptr last = m->outputs[0].ptr + (ids.size() - 1) * vocab * 4;
  FFNRT_CHECK(driver().cuMemcpyDtoH(logits.data(), last, vocab * 4),
              "reading the logits");
  next = sampler.next(logits.data(), vocab);
  return FFNRT_OK;
}

} // namespace

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
  using Clock = std::chrono::steady_clock;
  Sampler sampler(m->sampling);
  for (int b = 0; b < batch; ++b) {
    const int64_t *row = prompts + int64_t(b) * width;
    if (std::string why = promptProblem(row, width, b); !why.empty())
      return fail(why);
    int64_t length = promptLength(row, width);
    if (length + newTokens - 1 > plan.maxContext)
      return fail("prompt " + std::to_string(b) + " (" +
                  std::to_string(length) + " tokens) and " +
                  std::to_string(newTokens) + " new tokens need a context of " +
                  std::to_string(length + newTokens - 1) +
                  "; the model was compiled with --max-context=" +
                  std::to_string(plan.maxContext));
    std::vector<int64_t> sequence(row, row + length);
    auto start = Clock::now();
    int64_t fed = 0;
    for (int t = 0; t < newTokens; ++t) {
      std::vector<int64_t> ids(sequence.begin() + fed, sequence.end());
      int64_t next;
      if (ffnrt_status s = step(m, ids, fed, sampler, next); s != FFNRT_OK)
        return s;
      fed = sequence.size();
      sequence.push_back(next);
      auto now = Clock::now();
      float ms = std::chrono::duration<float, std::milli>(now - start).count();
      if (t == 0 && firstTokenMs)
        firstTokenMs[b] = ms;
      if (t > 0 && stepMs)
        stepMs[int64_t(b) * (newTokens - 1) + t - 1] = ms;
      start = now;
    }
    std::copy(sequence.begin(), sequence.end(), tokens + int64_t(b) * outWidth);
  }
  return FFNRT_OK;
}
