#!/usr/bin/env bash
# Compiling an 8B model: Llama-3.1-8B dimensions, 32 layers, layers 20-29
# attention-free (l8b_export.py, PyTorch's exporter), from an fp32 or a
# bf16 ONNX file, unfused and with the attention-free run fused; wall time,
# peak RSS (/usr/bin/time) and sidecar size of each compile.
#
#   FFNC=/path/to/ffnc bench/compile-8b.sh OUT_DIR fp32|bf16 [none|ranges=20-29]...
#
# Exports OUT_DIR/l8b.onnx unless it is there, then compiles once per
# fusion given (default: both), each into OUT_DIR/l8b-FUSION.cubin (the
# sidecar of the previous one is removed first: the disk holds one).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$1" precision="$2"
shift 2
: "${FFNC:?set FFNC}"
mkdir -p "$out"
[ -f "$out/l8b.onnx" ] || python3 "$root/bench/l8b_export.py" "$out" "$precision"
du -sh "$out/l8b.onnx.data"
for fusion in "${@:-none ranges=20-29}"; do
  for f in $fusion; do
    name="l8b-$precision-${f#ranges=}"
    rm -f "$out"/*.weights
    echo "== $name"
    /usr/bin/time -f "wall %e s, peak RSS %M KiB" "$FFNC" "$out/l8b.onnx" \
      --precision=bf16 --ffn-fusion="$f" -o "$out/$name.cubin" 2>&1 |
      grep -v "^  weights: [0-9.]* of"
    ls -l "$out/$name.weights"
  done
done
