#!/usr/bin/env bash
# Writes a text-format ONNX model with input x (float [2, 4]), output y
# (float, rank 2) and the nodes and initializers in $1; $2, when given,
# replaces the opset import and $3 the graph's inputs and outputs.
#   graph.sh 'node { ... } initializer { ... }' [OPSET_IMPORT] [IO] > m.onnxtxt
body=$1 opset=$2 io=$3
if [ -z "$opset" ]; then
  opset='opset_import { domain: "" version: 18 }'
fi
if [ -z "$io" ]; then
  dim() { echo "dim { $1 }"; }
  io="input { name: \"x\" type { tensor_type { elem_type: 1 shape { $(dim 'dim_value: 2') $(dim 'dim_value: 4') } } } }
  output { name: \"y\" type { tensor_type { elem_type: 1 shape { $(dim 'dim_param: "a"') $(dim 'dim_param: "b"') } } } }"
fi
cat <<MODEL
ir_version: 8
$opset
graph {
  name: "hostile"
  $body
  $io
}
MODEL
