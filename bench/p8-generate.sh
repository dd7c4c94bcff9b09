#!/usr/bin/env bash
# P8 generation on the GPU, side by side in one run: prompt 128, 256 new
# tokens, batch 1 and 8, bf16; ffnc unfused and fused (blocks 2-5) against
# Hugging Face generate with a static cache under torch.compile
# (p8_generate.py, which also exports the model with a dynamic batch). ffnc
# compiles with --max-batch=8: batch 8 decodes its sequences in one step.
#
#   FFNC=/path/to/ffnc FFN_RUN=/path/to/ffn-run bench/p8-generate.sh [OUT_DIR] [STAGE]
#
# STAGE: all (default), peers (export and PyTorch only) or ffnc (compile
# and run only, on OUT_DIR from an earlier peers stage).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$(mktemp -d)}"
stage="${2:-all}"
mkdir -p "$out"
if [ "$stage" != ffnc ]; then
  python3 "$root/bench/p8_generate.py" "$out" >"$out/peers.log" 2>&1
fi
[ "$stage" = peers ] && exit 0
: "${FFNC:?set FFNC}" "${FFN_RUN:?set FFN_RUN}"
for fusion in none ranges=2-5; do
  name=p8-${fusion#ranges=}
  /usr/bin/time -f "%e s, %M KiB peak" "$FFNC" "$out/p8.onnx" --quiet \
    --precision=bf16 --max-context=384 --max-batch=8 --max-tokens=1024 \
    --ffn-fusion="$fusion" -o "$out/$name.cubin" 2>"$out/$name.compile.log"
  for batch in 1 8; do
    echo "== $name batch $batch"
    "$FFN_RUN" "$out/$name.cubin" --generate=256 \
      --input input_ids="$out/prompts$batch.npy" --output "$out/$name-$batch.npy" |
      tee "$out/$name-$batch.log"
  done
done
cat "$out/peers.json"
