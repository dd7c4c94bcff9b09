/*===- ffnrt.h - The ffnc runtime: C API ------------------------*- C -*-===*\
|*                                                                          *|
|* Loads a model compiled by ffnc (model.cubin and its weights sidecar) and *|
|* runs it on an NVIDIA GPU through the CUDA driver API, which is loaded at *|
|* run time: the library links neither MLIR, LLVM nor libcuda.              *|
|*                                                                          *|
|* Every call returns FFNRT_OK or FFNRT_ERROR; ffnrt_error() then describes *|
|* the failure (the last one on this thread).                               *|
\*===----------------------------------------------------------------------===*/

#ifndef FFN_RUNTIME_FFNRT_H
#define FFN_RUNTIME_FFNRT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ffnrt_model ffnrt_model;

typedef enum { FFNRT_OK = 0, FFNRT_ERROR = 1 } ffnrt_status;

/* Element types of inputs and outputs. */
typedef enum {
  FFNRT_F32 = 0,
  FFNRT_F16 = 1,
  FFNRT_BF16 = 2,
  FFNRT_I64 = 3
} ffnrt_dtype;

/* The message of the last failed call on this thread. */
const char *ffnrt_error(void);

/* Loads `cubin_path` and the weights file named in its plan (looked up in
   the cubin's folder) onto GPU `device`, and checks that their fingerprints
   match. */
ffnrt_status ffnrt_load(const char *cubin_path, int device,
                        ffnrt_model **model);
void ffnrt_destroy(ffnrt_model *model);

/* Inputs and outputs, by index. */
int ffnrt_num_inputs(const ffnrt_model *model);
int ffnrt_num_outputs(const ffnrt_model *model);
const char *ffnrt_input_name(const ffnrt_model *model, int index);
const char *ffnrt_output_name(const ffnrt_model *model, int index);

/* Copies an input to the GPU after checking its name, dtype, shape (against
   the plan's dims and --max-tokens) and, for ids that index a table (token
   ids, token_type_ids), their range. */
ffnrt_status ffnrt_set_input(ffnrt_model *model, const char *name,
                             ffnrt_dtype dtype, const int64_t *shape, int rank,
                             const void *data);

/* Runs the plan on the inputs set last and waits for it. Every input must
   have been set, all with the same batch and sequence length (a BERT model's
   input_ids, attention_mask and token_type_ids, say). With graphs on, the
   launches are captured once per input shape and replayed as a CUDA graph. */
ffnrt_status ffnrt_run(ffnrt_model *model);
ffnrt_status ffnrt_use_graphs(ffnrt_model *model, int enable);

/* The shape of output `index` after the last run (up to 8 dims), and its
   data (float32) copied into `data`, which holds `bytes`. */
ffnrt_status ffnrt_output_shape(const ffnrt_model *model, int index,
                                int64_t *shape, int *rank);
ffnrt_status ffnrt_get_output(ffnrt_model *model, int index, void *data,
                              size_t bytes);

/* Runs `warmup` times, then times `iterations` runs with CUDA events and
   stores each run's milliseconds in `ms`. */
ffnrt_status ffnrt_benchmark(ffnrt_model *model, int warmup, int iterations,
                             float *ms);

/* Times each launch on its own: runs `warmup` times, then `iterations`
   times with a CUDA event between launches, and stores in ms[i] the median
   milliseconds of launch i (ffnrt_num_launches entries; -1 for launches that
   do not run at the token count of the inputs set last). With graphs on
   (ffnrt_use_graphs), the launches and events replay as one CUDA graph;
   otherwise they are stream launches, whose times include the host's launch
   gaps. Each time runs to the next launch's start, so the times add up to
   the whole run. */
ffnrt_status ffnrt_profile(ffnrt_model *model, int warmup, int iterations,
                           float *ms);

/* What launch `index` of the plan does, for the inputs set last. */
typedef struct {
  const char *kernel; /* the kernel's name in the cubin */
  /* the layer it computes: "ffn N" (FFN block N, numbered as ffnc's
     --ffn-fusion ranges count), "ffn A-B" (a fused group), "attention N",
     "embedding", the model's node name, or "" */
  const char *layer;
  uint32_t grid[3], block[3];
  uint32_t shared_bytes;
  int runs; /* 0: skipped at this token count (another kernel covers it) */
} ffnrt_launch_info;
ffnrt_status ffnrt_get_launch_info(const ffnrt_model *model, int index,
                                   ffnrt_launch_info *info);

/* Generation, for models compiled with ffnc --max-context: such a model
   takes token ids and position_ids [batch, seq] and keeps one key and one
   value cache per attention layer on the GPU between runs (see
   docs/generation.md). */

/* Positions each KV cache holds; 0 for a model compiled without
   --max-context. */
int64_t ffnrt_max_context(const ffnrt_model *model);
/* Bytes of all KV caches together, for ffnrt_max_batch sequences. */
uint64_t ffnrt_cache_bytes(const ffnrt_model *model);
/* Sequences one run may process: for generation, ffnc's --max-batch; 0 for
   any number that fits --max-tokens. */
int64_t ffnrt_max_batch(const ffnrt_model *model);
/* Zeroes the KV caches. */
ffnrt_status ffnrt_reset(ffnrt_model *model);

/* How ffnrt_generate picks each token: greedy while `temperature` is 0
   (the default), else drawn from softmax(logits / temperature) over the
   `top_k` most likely tokens (0: all) and the fewest of those whose
   probability reaches `top_p`, from a stream seeded with `seed` that
   continues across the sequences of a call. */
ffnrt_status ffnrt_set_sampling(ffnrt_model *model, double temperature,
                                int64_t top_k, double top_p, uint64_t seed);

/* Generation of `new_tokens` ids after each prompt (see ffnrt_set_sampling).
   `prompts` is int64 [batch, width], each row a prompt right-padded with -1.
   Sequences run in groups of up to ffnrt_max_batch (fewer where their
   padded prompts would exceed --max-tokens): one prefill of the group's
   prompts, right-padded to the longest, then one decode step per further
   token for the whole group (replayed as a CUDA graph when graphs are on).
   `tokens` receives int64 [batch, width + new_tokens]: each prompt followed by
   its new ids, right-padded with -1. When not null, `first_token_ms[b]` gets
   sequence b's time to its first new id (its group's prefill) and
   `step_ms[b * (new_tokens - 1) + t]` the time of its decode step t (its
   group's), host wall clock. */
ffnrt_status ffnrt_generate(ffnrt_model *model, const int64_t *prompts,
                            int batch, int width, int new_tokens,
                            int64_t *tokens, float *first_token_ms,
                            float *step_ms);

/* Device-to-device copy bandwidth (bytes read + written per second). */
ffnrt_status ffnrt_copy_bandwidth(ffnrt_model *model, double *bytes_per_s);

/* The GPU's name, the plan's target and precision, the weight bytes. */
const char *ffnrt_device_name(const ffnrt_model *model);
const char *ffnrt_target(const ffnrt_model *model);
const char *ffnrt_precision(const ffnrt_model *model);
uint64_t ffnrt_weight_bytes(const ffnrt_model *model);
int ffnrt_num_launches(const ffnrt_model *model);

#ifdef __cplusplus
}
#endif

#endif /* FFN_RUNTIME_FFNRT_H */
