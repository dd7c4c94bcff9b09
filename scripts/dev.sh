#!/usr/bin/env bash
# One entry point for setting up, building and checking ffnc.
#
#   scripts/dev.sh example   install what is missing, build, compile the bundled example with FFN Fusion and run it
#   scripts/dev.sh test      install what is missing, build, run every test suite
#   scripts/dev.sh build     install what is missing and build
#
# FFNC_BUILD_DIR chooses the build folder (default: build/ in the checkout).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${FFNC_BUILD_DIR:-$root/build}"
llvm_bin=/usr/lib/llvm-22/bin

packages=(cmake ninja-build g++ python3 llvm-22-dev libmlir-22-dev mlir-22-tools
          llvm-22-tools libprotobuf-dev protobuf-compiler libonnx-dev
          libonnx-testdata libgtest-dev libzstd-dev libopenblas-dev libpng-dev
          pkg-config clang-22 libclang-rt-22-dev)

step() { printf '\n== %s\n' "$*" >&2; }

install_missing() {
  local missing=() p
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
      missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  step "installing ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq \
    --no-install-recommends "${missing[@]}"
}

build() {
  install_missing
  if [ ! -f "$build/build.ninja" ]; then
    step "configuring in $build"
    cmake -G Ninja -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
      ${FFNC_CMAKE_ARGS:-}
  fi
  step "building"
  ninja -C "$build"
}

example() {
  build
  local models="$root/test/models" bin="$build/bin" out="$build/example"
  mkdir -p "$out"
  step "ffnc: compile llama_noattn.onnx (a Llama whose layers 1-4 kept only their FFN) to a cubin, fusing the FFN blocks its dependency matrix allows"
  "$bin/ffnc" "$models/llama_noattn.onnx" --ffn-fusion=auto \
    --calibration="$models/llama_noattn.input.npy" -o "$out/llama_noattn.cubin"
  # Fusion changes the function: the fused model is compared with PyTorch's
  # unfused output under a 10% relative L2 limit.
  if [ -e /dev/nvidiactl ]; then
    step "ffn-run: run the cubin on the GPU and compare with PyTorch"
    "$bin/ffn-run" "$out/llama_noattn.cubin" \
      --input input_ids="$models/llama_noattn.input.npy" \
      --reference "$models/llama_noattn.ref.npy" --rtol 0.1 --atol 1e9
  else
    step "no NVIDIA GPU here: the same fused model on the CPU reference executor instead"
    "$bin/ffnc" "$models/llama_noattn.onnx" --ffn-fusion=auto --quiet \
      --calibration="$models/llama_noattn.input.npy" -o "$out/llama_noattn.mlir"
    "$bin/ffn-run" --device=cpu "$out/llama_noattn.mlir" \
      --input input_ids="$models/llama_noattn.input.npy" \
      --reference "$models/llama_noattn.ref.npy" --rtol 0.1 --atol 1e9
  fi
}

run_tests() {
  build
  local failed=0 lit_out ctest_out
  step "lit suite"
  lit_out="$(mktemp)"
  "$llvm_bin/lit" -sv "$build/test" | tee "$lit_out" || failed=1
  step "unit tests"
  ctest_out="$(mktemp)"
  ctest --test-dir "$build" --output-on-failure | tee "$ctest_out" || failed=1

  local lit_pass lit_fail unit_pass unit_fail unsupported
  lit_pass=$(sed -n 's/^ *Passed *: *\([0-9]*\).*/\1/p' "$lit_out")
  lit_fail=$(sed -n 's/^ *\(Failed\|Unresolved\|Timed Out\|Unexpectedly Passed\) *: *\([0-9]*\).*/\2/p' "$lit_out" |
             awk '{s+=$1} END {print s+0}')
  unsupported=$(sed -n 's/^ *Unsupported *: *\([0-9]*\).*/\1/p' "$lit_out")
  unit_fail=$(sed -n 's/.* \([0-9]*\) tests failed out of \([0-9]*\).*/\1/p' "$ctest_out")
  unit_pass=$(sed -n 's/.* \([0-9]*\) tests failed out of \([0-9]*\).*/\2/p' "$ctest_out")
  unit_pass=$(( ${unit_pass:-0} - ${unit_fail:-0} ))
  rm -f "$lit_out" "$ctest_out"

  # A short fuzzing run in a sanitized Clang build of the fuzzers alone.
  step "fuzz smoke"
  local fuzz_build="$root/build-fuzz" fuzz_pass=0 fuzz_fail=0 fuzz=passed
  if { [ -f "$fuzz_build/build.ninja" ] ||
       cmake -G Ninja -S "$root" -B "$fuzz_build" \
         -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
         -DFFNC_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo; } &&
     ninja -C "$fuzz_build" ffn-fuzz-import ffn-fuzz-npy &&
     "$root/test/Fuzz/smoke.sh" "$fuzz_build" 60; then
    fuzz_pass=1
  else
    fuzz_fail=1 fuzz=failed failed=1
  fi

  local passed=$(( ${lit_pass:-0} + unit_pass + fuzz_pass ))
  local fails=$(( lit_fail + ${unit_fail:-0} + fuzz_fail ))
  [ "$fails" -eq 0 ] || failed=1
  echo
  echo "ffnc tests: $passed passed, $fails failed (lit ${lit_pass:-0} passed, ${unsupported:-0} unsupported; unit $unit_pass passed; fuzz smoke $fuzz)"
  return $failed
}

case "${1:-}" in
  example) example ;;
  test) run_tests ;;
  build) build ;;
  *) echo "usage: $0 example|test|build" >&2; exit 2 ;;
esac
