#!/usr/bin/env bash
# First latency table: devlm and llama_noattn, fused vs unfused, bf16, from
# ffn-run --bench (CUDA events, CUDA graph replay, median of 500 runs).
#
#   FFNC=/path/to/ffnc FFN_RUN=/path/to/ffn-run bench/gpu-bench.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
: "${FFNC:?set FFNC}" "${FFN_RUN:?set FFN_RUN}"
out="${FFNC_BENCH_DIR:-$(mktemp -d)}"
mkdir -p "$out"
models="$root/test/models"
printf '| model | tokens | fusion | launches | median ms | p90 ms | min ms |\n|---|---|---|---|---|---|---|\n'
run() { # name model fusion input
  "$FFNC" "$models/$2.onnx" --quiet --precision=bf16 --ffn-fusion="$3" \
    -o "$out/$1.cubin"
  local log
  log=$("$FFN_RUN" "$out/$1.cubin" --input input_ids="$4" --first-rows 1 \
    --bench --warmup 50 --iterations 500)
  echo "$log" >"$out/$1.log"
  local launches median p90 min tokens
  launches=$(echo "$log" | sed -n 's/.*, \([0-9]*\) launches.*/\1/p')
  tokens=$(echo "$log" | sed -n 's/.* = \([0-9]*\) tokens;.*/\1/p')
  median=$(echo "$log" | sed -n 's/.*median = \([0-9.]*\) ms.*/\1/p')
  p90=$(echo "$log" | sed -n 's/.*p90 = \([0-9.]*\) ms.*/\1/p')
  min=$(echo "$log" | sed -n 's/.*min = \([0-9.]*\) ms.*/\1/p')
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$2" "$tokens" "$3" \
    "$launches" "$median" "$p90" "$min"
}
run devlm devlm none "$models/eval_input_ids.npy"
run devlm-fused devlm ranges=3-4,5-7 "$models/eval_input_ids.npy"
run llama_noattn llama_noattn none "$models/llama_noattn.input.npy"
run llama_noattn-fused llama_noattn ranges=1-2,3-4 "$models/llama_noattn.input.npy"
