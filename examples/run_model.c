/* Loads a model compiled by ffnc and runs it once on token ids given on
 * the command line, printing the first values of each output:
 *
 *   ffnc model.onnx -o model.cubin
 *   run_model model.cubin 1 2 3 4
 *
 * The model's first input must be int64 token ids of shape [1, seq]. */
#include <ffnrt.h>

#include <stdio.h>
#include <stdlib.h>

static int fail(const char *what) {
  fprintf(stderr, "run_model: %s: %s\n", what, ffnrt_error());
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s MODEL.cubin ID [ID...]\n", argv[0]);
    return 2;
  }
  ffnrt_model *model = NULL;
  if (ffnrt_load(argv[1], /*device=*/0, &model) != FFNRT_OK)
    return fail("loading the model");
  int64_t seq = argc - 2;
  int64_t *ids = malloc(seq * sizeof(int64_t));
  for (int64_t i = 0; i < seq; ++i)
    ids[i] = strtoll(argv[i + 2], NULL, 10);
  int64_t shape[2] = {1, seq};
  int status = 0;
  if (ffnrt_set_input(model, ffnrt_input_name(model, 0), FFNRT_I64, shape, 2,
                      ids) != FFNRT_OK ||
      ffnrt_run(model) != FFNRT_OK) {
    status = fail("running the model");
    goto done;
  }
  printf("%s, %s, %s\n", ffnrt_device_name(model), ffnrt_target(model),
         ffnrt_precision(model));
  for (int o = 0; o < ffnrt_num_outputs(model); ++o) {
    int64_t dims[8];
    int rank = 0;
    if (ffnrt_output_shape(model, o, dims, &rank) != FFNRT_OK) {
      status = fail("reading an output's shape");
      goto done;
    }
    size_t count = 1;
    for (int d = 0; d < rank; ++d)
      count *= (size_t)dims[d];
    float *data = malloc(count * sizeof(float));
    if (ffnrt_get_output(model, o, data, count * sizeof(float)) != FFNRT_OK) {
      free(data);
      status = fail("reading an output");
      goto done;
    }
    printf("%s:", ffnrt_output_name(model, o));
    for (size_t i = 0; i < count && i < 8; ++i)
      printf(" %g", data[i]);
    printf("%s\n", count > 8 ? " ..." : "");
    free(data);
  }
done:
  free(ids);
  ffnrt_destroy(model);
  return status;
}
