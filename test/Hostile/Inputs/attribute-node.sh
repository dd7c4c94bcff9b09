#!/usr/bin/env bash
# Writes a text-format ONNX model whose node "n", of type $1, reads the
# inputs named in $2 (x: a [2, 4] float input; int64 constants i = [0, 1],
# two = [2], minus3 = [-3], ones = [1, 1], four = [4, 0]) with the
# attributes in $3, and feeds the output through an Identity.
#   attribute-node.sh OP_TYPE 'input: "x" ...' 'attribute { ... }' > m.onnxtxt
op="$1" inputs="$2" attrs="$3"
cat <<MODEL
ir_version: 8
opset_import { domain: "" version: 18 }
graph {
  name: "hostile"
  node { name: "n" op_type: "$op" $inputs output: "t" $attrs }
  node { name: "m" op_type: "Identity" input: "t" output: "y" }
  initializer { name: "i" data_type: 7 dims: 2 int64_data: 0 int64_data: 1 }
  initializer { name: "two" data_type: 7 dims: 1 int64_data: 2 }
  initializer { name: "minus3" data_type: 7 dims: 1 int64_data: -3 }
  initializer { name: "ones" data_type: 7 dims: 2 int64_data: 1 int64_data: 1 }
  initializer { name: "four" data_type: 7 dims: 2 int64_data: 4 int64_data: 0 }
  input { name: "x" type { tensor_type { elem_type: 1 shape { dim { dim_value: 2 } dim { dim_value: 4 } } } } }
  output { name: "y" type { tensor_type { elem_type: 1 shape { dim { dim_param: "a" } dim { dim_param: "b" } } } } }
}
MODEL
