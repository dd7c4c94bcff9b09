#!/usr/bin/env bash
# The GPU test suite, on a machine with an NVIDIA GPU, CMake and the CUDA
# toolkit (no MLIR or LLVM needed):
#
#   FFNC=/path/to/ffnc scripts/gpu-tests.sh
#
# builds the runtime and ffn-run from source (FFNC_RUNTIME_ONLY), compiles
# every fixture and devlm with $FFNC (a self-contained ffnc, see README),
# and runs ctest -L gpu. FFNC_GPU_BUILD_DIR picks the build folder.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${FFNC_GPU_BUILD_DIR:-$root/build-gpu}"
: "${FFNC:?set FFNC to an ffnc executable}"
cuda="${CUDA_PATH:-/usr/local/cuda}"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
  -DFFNC_RUNTIME_ONLY=ON -DFFNC_GPU_TESTS=ON -DFFNC_COMPILER="$FFNC" \
  -DFFNC_CUDA_PATH="$cuda" >/dev/null
cmake --build "$build" -j "$(nproc)" >/dev/null
ctest --test-dir "$build" -L gpu -j "${FFNC_GPU_JOBS:-4}" --output-on-failure "$@"
