/* Loads a model compiled for generation and continues a prompt of token
 * ids given on the command line greedily, printing the new ids:
 *
 *   ffnc model.onnx --max-context=256 -o model.cubin
 *   generate model.cubin 32 1 2 3 4      # 32 new tokens after 1 2 3 4 */
#include <ffnrt.h>

#include <stdio.h>
#include <stdlib.h>

static int fail(const char *what) {
  fprintf(stderr, "generate: %s: %s\n", what, ffnrt_error());
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s MODEL.cubin NEW_TOKENS ID [ID...]\n", argv[0]);
    return 2;
  }
  ffnrt_model *model = NULL;
  if (ffnrt_load(argv[1], /*device=*/0, &model) != FFNRT_OK)
    return fail("loading the model");
  if (ffnrt_max_context(model) == 0) {
    fprintf(stderr, "generate: compile the model with ffnc --max-context\n");
    return 2;
  }
  int new_tokens = atoi(argv[2]);
  int width = argc - 3;
  int64_t *prompt = malloc(width * sizeof(int64_t));
  int64_t *tokens = malloc((width + new_tokens) * sizeof(int64_t));
  float *step_ms =
      malloc((new_tokens > 1 ? new_tokens - 1 : 1) * sizeof(float));
  float first_ms = 0;
  for (int i = 0; i < width; ++i)
    prompt[i] = strtoll(argv[i + 3], NULL, 10);
  /* Decode steps replay as one CUDA graph each. */
  ffnrt_use_graphs(model, 1);
  if (ffnrt_generate(model, prompt, /*batch=*/1, width, new_tokens, tokens,
                     &first_ms, step_ms) != FFNRT_OK)
    return fail("generating");
  for (int i = width; i < width + new_tokens; ++i)
    printf("%lld%c", (long long)tokens[i],
           i + 1 < width + new_tokens ? ' ' : '\n');
  printf("first token after %.3f ms", first_ms);
  if (new_tokens > 1)
    printf(", then %.3f ms for the second", step_ms[0]);
  printf("\n");
  free(prompt);
  free(tokens);
  free(step_ms);
  ffnrt_destroy(model);
  return 0;
}
