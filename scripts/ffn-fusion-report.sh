#!/usr/bin/env bash
# Regenerates the devlm results in docs/ffn-fusion.md (dependency matrix,
# block statistics, bits per byte with fused ranges) and its heatmap:
#   bash scripts/ffn-fusion-report.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${FFNC_BUILD_DIR:-$root/build}"
models="$root/test/models"
bash "$root/scripts/dev.sh" build >&2
work="$(mktemp -d)"
"$build/bin/ffnc" analyze "$models/devlm.onnx" \
  --calibration="$models/eval_input_ids.npy" \
  --calibration-targets="$models/eval_targets.npy" \
  --report="$root/docs/ffn-fusion-devlm.json" \
  --heatmap="$root/docs/ffn-fusion-devlm.png" > "$work/table.txt"
python3 "$root/test/Analysis/compare-report.py" \
  "$root/docs/ffn-fusion-devlm.json" "$models/devlm.truth.json" 1e-4 1e-3 \
  > "$work/compare.txt"
{
  sed -n '1,/^<!-- results -->$/p' "$root/docs/ffn-fusion.md"
  echo
  echo "Measured by \`bash scripts/ffn-fusion-report.sh\` ($(date -u +%Y-%m-%d)):"
  echo
  echo '```'
  cat "$work/table.txt"
  echo '```'
  echo
  echo "Against devlm.truth.json (PyTorch, fp32):"
  echo
  echo '```'
  cat "$work/compare.txt"
  echo '```'
  echo
  sed -n '/^<!-- end of results -->$/,$p' "$root/docs/ffn-fusion.md"
} > "$work/doc.md"
mv "$work/doc.md" "$root/docs/ffn-fusion.md"
rm -rf "$work"
echo "updated docs/ffn-fusion.md and docs/ffn-fusion-devlm.png" >&2
