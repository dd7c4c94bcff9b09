#!/usr/bin/env bash
# profile.sh FFNC FFN_RUN WORKDIR MODELS
# ffn-run --profile on llama_noattn with two fused groups: the run still
# passes its reference check, the table names the fused groups, and the JSON
# export is consistent: one entry per launch that ran, positive times that
# add up to the total, and per-kernel and per-layer sums that match them.
set -euo pipefail
ffnc=$1 run=$2 work=$3 models=$4
mkdir -p "$work"
"$ffnc" "$models/llama_noattn.onnx" --ffn-fusion=ranges=1-2,3-4 --quiet \
  -o "$work/profile.cubin"
log=$("$run" "$work/profile.cubin" \
  --input "input_ids=$models/llama_noattn.input.npy" \
  --reference "$(dirname "$0")/Inputs/llama_noattn.fused.ref.npy" \
  --rtol 2e-2 --atol 1e9 \
  --profile-json="$work/profile.json" --warmup=3 --iterations=20)
echo "$log"
[ "$(echo "$log" | tail -1)" = PASSED ]
for layer in "ffn 1-2" "ffn 3-4" "ffn 5" "attention 0" "attention 1"; do
  echo "$log" | grep -q " $layer " || { echo "no row for '$layer'"; exit 1; }
done
python3 - "$work/profile.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
launches = p["launches"]
assert launches, "no launches"
assert all(l["ms"] > 0 for l in launches), "a launch took no time"
total = sum(l["ms"] for l in launches)
assert abs(total - p["total_ms"]) <= 1e-3 * total, (total, p["total_ms"])
for key in ("kernel", "layer"):
    groups = p["by_" + key]
    assert sum(g["launches"] for g in groups) == len(launches), key
    assert abs(sum(g["ms"] for g in groups) - total) <= 1e-3 * total, key
layers = {g["layer"] for g in p["by_layer"]}
assert {"ffn 1-2", "ffn 3-4", "attention 0"} <= layers, layers
print("profile.json: %d launches, %.4f ms" % (len(launches), total))
PY
