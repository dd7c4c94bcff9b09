#!/usr/bin/env bash
# W1 latency on the GPU, side by side in one run: ffnc unfused and fused
# (blocks 0-3), bf16, CUDA graph replay, median of ffn-run --bench, against
# PyTorch eager, CUDA graphs and torch.compile of the sequential and the
# parallel form (w1_peers.py), at 1 to 4096 tokens; the table last.
#
#   FFNC=/path/to/ffnc FFN_RUN=/path/to/ffn-run bench/w1-bench.sh [OUT_DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
: "${FFNC:?set FFNC}" "${FFN_RUN:?set FFN_RUN}"
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
[ -f "$out/w1.onnx" ] || python3 "$root/bench/w1_export.py" "$out" >"$out/export.log" 2>&1
for fusion in none ranges=0-3; do
  "$FFNC" "$out/w1.onnx" --quiet --precision=bf16 --ffn-fusion="$fusion" \
    -o "$out/w1-${fusion#ranges=}.cubin"
done
# Correctness first: bf16 against PyTorch's fp32 logits on the one-token
# GEMV (1 token), GEMV (4), split-K GEMM (64) and GEMM (512) paths; the
# fused model differs from PyTorch's sequential one by the fusion itself,
# so only the unfused one is checked.
for t in 1 4 64 512; do
  "$FFN_RUN" "$out/w1-none.cubin" --input input_ids="$out/check_ids$t.npy" \
    --reference "$out/check_ref$t.npy" --rtol 2e-2 --atol 1e9 | tail -3
done
# ffnc's medians (CUDA graph replay), then the peers in the same run.
echo "{" >"$out/ffnc.json"
sep=""
for t in 1 16 128 1024 4096; do
  python3 -c "import numpy as np; np.save('$out/ids$t.npy', np.random.randint(0, 256, (1, $t)).astype(np.int64))"
  entry="\"$t\": {"
  for fusion in none 0-3; do
    log=$("$FFN_RUN" "$out/w1-$fusion.cubin" --input input_ids="$out/ids$t.npy" \
      --bench --warmup 20 --iterations 200)
    echo "$log" >"$out/w1-$fusion-$t.log"
    ms=$(echo "$log" | sed -n 's/.*median = \([0-9.]*\) ms.*/\1/p')
    key=$([ "$fusion" = none ] && echo unfused || echo fused)
    entry="$entry\"$key\": $ms, "
  done
  echo "$sep${entry%, }}" >>"$out/ffnc.json"
  sep=","
done
echo "}" >>"$out/ffnc.json"
python3 "$root/bench/w1_peers.py" "$out" >"$out/peers.log" 2>&1
python3 "$root/bench/w1_table.py" "$out"
