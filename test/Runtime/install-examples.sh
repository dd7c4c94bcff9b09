#!/usr/bin/env bash
# cmake --install of a build tree, then examples/ built against the
# installed runtime twice: with find_package(ffnrt) and with pkg-config. On
# a machine without a GPU driver each build must load libffnrt and fail
# cleanly in ffnrt_load; with one, it must compile and run the example.
#   install-examples.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build="$1" source="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null
for f in bin/ffnc bin/ffn-opt bin/ffn-run include/ffnrt.h \
         lib/libffnrt.a lib/libffnrt.so lib/cmake/ffnrt/ffnrtConfig.cmake \
         lib/pkgconfig/ffnrt.pc; do
  [ -e "$prefix/$f" ] || { echo "not installed: $f"; exit 1; }
done

cmake -S "$source/examples" -B "$work/cmake" -DCMAKE_PREFIX_PATH="$prefix" \
  >/dev/null
cmake --build "$work/cmake" >/dev/null
PKG_CONFIG_PATH="$prefix/lib/pkgconfig" \
  cc "$source/examples/run_model.c" -o "$work/run_model_pc" \
  $(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs ffnrt)

for exe in "$work/cmake/run_model" "$work/run_model_pc"; do
  if [ -e /dev/nvidiactl ]; then
    "$prefix/bin/ffnc" "$source/test/models/llama_noattn.onnx" --quiet \
      -o "$work/m.cubin"
    LD_LIBRARY_PATH="$prefix/lib" "$exe" "$work/m.cubin" 1 2 3 | grep -q logits
  else
    out=$(LD_LIBRARY_PATH="$prefix/lib" "$exe" missing.cubin 1 2 2>&1 || true)
    echo "$out" | grep -q "run_model: loading the model: " ||
      { echo "unexpected: $out"; exit 1; }
  fi
done
# The generation example: it loads and generates, or says why it cannot.
gen="$work/cmake/generate"
if [ -e /dev/nvidiactl ]; then
  "$prefix/bin/ffnc" "$source/test/models/llama.onnx" --max-context=32 \
    --quiet -o "$work/g.cubin"
  LD_LIBRARY_PATH="$prefix/lib" "$gen" "$work/g.cubin" 4 1 2 3 |
    grep -q "first token after"
else
  out=$(LD_LIBRARY_PATH="$prefix/lib" "$gen" missing.cubin 4 1 2 2>&1 || true)
  echo "$out" | grep -q "generate: loading the model: " ||
    { echo "unexpected: $out"; exit 1; }
fi
echo "installed runtime: find_package and pkg-config builds ran"
