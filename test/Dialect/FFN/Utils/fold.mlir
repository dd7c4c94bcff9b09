// ONNX nodes over constants fold into constants; anything else stays.
// RUN: ffn-opt %s --canonicalize --split-input-file | FileCheck %s

// CHECK-LABEL: func @arithmetic
// CHECK-DAG: %[[A:.*]] = arith.constant dense<[4.000000e+00, 6.000000e+00]> : tensor<2xf32>
// CHECK-DAG: %[[I:.*]] = arith.constant dense<[0, 1, 2, 3, 4]> : tensor<5xi64>
// CHECK: return %[[A]], %[[I]]
func.func @arithmetic() -> (tensor<2xf32>, tensor<5xi64>) {
  %a = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %b = arith.constant dense<[3.0, 4.0]> : tensor<2xf32>
  %s = ffn.node "Add"(%a, %b) opset 18 {} : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %c0 = arith.constant dense<0> : tensor<i64>
  %c5 = arith.constant dense<5> : tensor<i64>
  %c1 = arith.constant dense<1> : tensor<i64>
  %r = ffn.node "Range"(%c0, %c5, %c1) opset 18 {} : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<5xi64>
  return %s, %r : tensor<2xf32>, tensor<5xi64>
}

// -----

// A shape of a run-time value, a node over one, and a result above the
// folding limit stay.
// CHECK-LABEL: func @stays
// CHECK: ffn.node "Shape"
// CHECK: ffn.node "Mul"
// CHECK: ffn.node "Expand"
func.func @stays(%x: tensor<?x4xf32>) -> (tensor<2xi64>, tensor<?x4xf32>, tensor<512x512xf32>) {
  %s = ffn.node "Shape"(%x) opset 18 {} : (tensor<?x4xf32>) -> tensor<2xi64>
  %two = arith.constant dense<2.0> : tensor<4xf32>
  %m = ffn.node "Mul"(%x, %two) opset 18 {} : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %one = arith.constant dense<1.0> : tensor<1xf32>
  %shape = arith.constant dense<[512, 512]> : tensor<2xi64>
  %big = ffn.node "Expand"(%one, %shape) opset 18 {} : (tensor<1xf32>, tensor<2xi64>) -> tensor<512x512xf32>
  return %s, %m, %big : tensor<2xi64>, tensor<?x4xf32>, tensor<512x512xf32>
}

// -----

// A node the evaluator cannot run is left for the back ends to report.
// CHECK-LABEL: func @unknown
// CHECK: ffn.node "NoSuchOp"
func.func @unknown() -> tensor<2xf32> {
  %a = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %n = ffn.node "NoSuchOp"(%a) opset 18 {} : (tensor<2xf32>) -> tensor<2xf32>
  return %n : tensor<2xf32>
}
