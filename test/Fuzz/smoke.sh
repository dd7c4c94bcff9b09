#!/usr/bin/env bash
# Runs each fuzzer for SECONDS on a scratch copy of its seed corpus; fails
# when any of them reports a crash, leak, timeout or out-of-memory. The
# random seed is fixed (FFNC_FUZZ_SEED, default 1), so every run tries the
# same inputs in the same order and a finding repeats.
#   test/Fuzz/smoke.sh BUILD_DIR SECONDS
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 BUILD_DIR SECONDS" >&2; exit 2; }
build="$(cd "$1" && pwd)" seconds="$2"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

failed=0
# Each run: fuzzer, corpus folder, largest input in bytes.
for run in "ffn-fuzz-import import 65536" "ffn-fuzz-npy npy 4096"; do
  read -r fuzzer corpus max_len <<<"$run"
  mkdir -p "$work/$corpus" "$work/$fuzzer.out"
  cp "$here/corpus/$corpus/"* "$work/$corpus/"
  echo "== $fuzzer: $seconds s"
  # Findings are written to $work, so the checkout stays clean; run from a
  # copy of the failing input to reproduce (docs/fuzzing.md).
  if (cd "$work/$fuzzer.out" &&
      "$build/bin/$fuzzer" -max_total_time="$seconds" \
        -seed="${FFNC_FUZZ_SEED:-1}" -rss_limit_mb=2048 \
        -max_len="$max_len" -timeout=10 -print_final_stats=1 \
        "$work/$corpus" >"$work/$fuzzer.log" 2>&1); then
    grep -E '^#[0-9]+[[:space:]]+DONE|^stat::(number_of_executed_units|average_exec_per_sec)' \
      "$work/$fuzzer.log"
  else
    failed=1
    tail -n 60 "$work/$fuzzer.log"
    for finding in "$work/$fuzzer.out"/*; do
      [ -f "$finding" ] || continue
      echo "finding: $(basename "$finding") (base64: $(base64 -w0 "$finding"))"
    done
    echo "$fuzzer FAILED"
  fi
done
exit $failed
