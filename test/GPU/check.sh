#!/usr/bin/env bash
# check.sh FFNC FFN_RUN WORKDIR NAME MODEL.onnx "FFNC ARGS" FFN-RUN ARGS...
# Compiles MODEL with FFNC ARGS into WORKDIR/NAME.cubin, runs it with
# ffn-run and passes when ffn-run's last line is PASSED. With
# With FFNC_SANITIZE=TOOL (memcheck, racecheck, ...) ffn-run runs under
# that compute-sanitizer tool, which must report no error.
set -uo pipefail
ffnc=$1 run=$2 work=$3 name=$4 model=$5 flags=$6
shift 6
mkdir -p "$work"
# shellcheck disable=SC2086
"$ffnc" "$model" $flags --quiet -o "$work/$name.cubin" || exit 1
launcher=()
if [ -n "${FFNC_SANITIZE:-}" ]; then
  launcher=(compute-sanitizer --tool "$FFNC_SANITIZE" --error-exitcode 3)
fi
log=$("${launcher[@]}" "$run" "$work/$name.cubin" "$@" 2>&1)
rc=$?
echo "$log"
[ $rc -eq 0 ] && [ "$(echo "$log" | grep -v '^=========' | tail -1)" = PASSED ]
