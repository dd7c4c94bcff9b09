#!/usr/bin/env bash
# Writes a text-format ONNX model of BLOCKS pre-norm SwiGLU blocks (RMSNorm,
# gate, up, down, residual) of width D and hidden width F after a token
# embedding of 256 rows, its weights (fp32) in the external file DATA, in
# the order the model lists them; prints the bytes DATA must hold on stderr.
#   swiglu-blocks.sh BLOCKS D F DATA > model.onnxtxt
blocks=$1 d=$2 f=$3 data=$4
offset=0
tensor() { # name dims...
  local name=$1 count=1 dims=""
  shift
  for n in "$@"; do dims="$dims dims: $n"; count=$((count * n)); done
  echo "  initializer { name: \"$name\" data_type: 1$dims data_location: EXTERNAL"
  echo "    external_data { key: \"location\" value: \"$data\" }"
  echo "    external_data { key: \"offset\" value: \"$offset\" } }"
  offset=$((offset + 4 * count))
}
node() { echo "  node { name: \"$1\" op_type: \"$2\" $3 }"; }
echo 'ir_version: 8'
echo 'opset_import { domain: "" version: 18 }'
echo 'graph {'
echo '  name: "swiglu_blocks"'
node embed Gather 'input: "table" input: "input_ids" output: "x0"'
for ((b = 0; b < blocks; ++b)); do
  x="x$b" next="x$((b + 1))"
  node "pow$b" Pow "input: \"$x\" input: \"two\" output: \"p$b\""
  node "mean$b" ReduceMean "input: \"p$b\" input: \"last\" output: \"m$b\""
  node "eps$b" Add "input: \"m$b\" input: \"eps\" output: \"e$b\""
  node "sqrt$b" Sqrt "input: \"e$b\" output: \"s$b\""
  node "recip$b" Reciprocal "input: \"s$b\" output: \"r$b\""
  node "scale$b" Mul "input: \"$x\" input: \"r$b\" output: \"xn$b\""
  node "gain$b" Mul "input: \"g$b\" input: \"xn$b\" output: \"n$b\""
  node "gate$b" MatMul "input: \"n$b\" input: \"wg$b\" output: \"hg$b\""
  node "sigmoid$b" Sigmoid "input: \"hg$b\" output: \"sg$b\""
  node "silu$b" Mul "input: \"hg$b\" input: \"sg$b\" output: \"a$b\""
  node "up$b" MatMul "input: \"n$b\" input: \"wu$b\" output: \"hu$b\""
  node "glu$b" Mul "input: \"a$b\" input: \"hu$b\" output: \"h$b\""
  node "down$b" MatMul "input: \"h$b\" input: \"wd$b\" output: \"dn$b\""
  node "residual$b" Add "input: \"$x\" input: \"dn$b\" output: \"$next\""
done
echo '  initializer { name: "two" data_type: 1 float_data: 2 }'
echo '  initializer { name: "eps" data_type: 1 float_data: 1e-05 }'
echo '  initializer { name: "last" data_type: 7 dims: 1 int64_data: -1 }'
tensor table 256 "$d"
for ((b = 0; b < blocks; ++b)); do
  tensor "g$b" "$d"
  tensor "wg$b" "$d" "$f"
  tensor "wu$b" "$d" "$f"
  tensor "wd$b" "$f" "$d"
done
echo '  input { name: "input_ids" type { tensor_type { elem_type: 7 shape { dim { dim_value: 1 } dim { dim_param: "seq" } } } } }'
echo "  output { name: \"x$blocks\" type { tensor_type { elem_type: 1 shape { dim { dim_value: 1 } dim { dim_param: \"seq\" } dim { dim_value: $d } } } } }"
echo '}'
echo "$offset" >&2
