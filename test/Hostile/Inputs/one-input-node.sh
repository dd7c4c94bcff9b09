#!/usr/bin/env bash
# Writes a text-format ONNX model whose only node, of type $1, reads one
# input (and has $2 outputs, default 1).
#   one-input-node.sh OP_TYPE [OUTPUTS] > model.onnxtxt
op="$1" outputs="${2:-1}"
outs=""
for ((i = 0; i < outputs; ++i)); do outs="$outs output: \"y$i\""; done
cat <<MODEL
ir_version: 8
opset_import { domain: "" version: 18 }
graph {
  name: "hostile"
  node { name: "n" op_type: "$op" input: "x"$outs }
  input { name: "x" type { tensor_type { elem_type: 1 shape { dim { dim_value: 2 } dim { dim_value: 4 } } } } }
  output { name: "y0" type { tensor_type { elem_type: 1 shape { dim { dim_value: 2 } dim { dim_value: 4 } } } } }
}
MODEL
