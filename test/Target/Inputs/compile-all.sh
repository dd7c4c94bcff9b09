# compile-all.sh FFNC MODELS OUT: compiles each model, precision and fusion and
# counts the artifacts that have a cubin and a non-empty weights file.
ffnc=$1 models=$2 out=$3
total=0 ok=0
for m in llama llama_noattn gpt2 bert phi3 devlm; do
  fusions=none
  [ $m = llama_noattn ] && fusions="none ranges=1-2,3-4"
  [ $m = devlm ] && fusions="none ranges=3-4,5-7 ranges=3-7"
  for f in $fusions; do
    for p in bf16 fp16 fp32; do
      name=$m-$p-${f//[:,]/_}
      total=$((total + 1))
      if "$ffnc" "$models/$m.onnx" --quiet --precision=$p --ffn-fusion=$f \
          -o "$out/$name.cubin" > "$out/$name.log" 2>&1 &&
          [ -s "$out/$name.cubin" ] && [ -s "$out/$name.weights" ]; then
        ok=$((ok + 1))
      else
        echo "FAILED: $name"; cat "$out/$name.log"
      fi
    done
  done
done
echo "compiled $ok of $total"
