// Attention: found structurally, then proven by evaluating the nodes and
// the candidate ops on random inputs of several lengths.
// RUN: ffn-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(ffn-raise))' | FileCheck %s

// No mask: bidirectional attention; the scale multiplies the scores.
// CHECK-LABEL: func @unmasked
// CHECK: %[[A:.*]] = ffn.attention %arg0, %arg1, %arg2 heads(2, 2) scale 5.000000e-01 : tensor<1x?x8xf32>, tensor<1x?x8xf32>, tensor<1x?x8xf32>
// CHECK-NOT: ffn.node
// CHECK: return %[[A]]
func.func @unmasked(%q: tensor<1x?x8xf32>, %k: tensor<1x?x8xf32>, %v: tensor<1x?x8xf32>) -> tensor<1x?x8xf32> {
  %split = arith.constant dense<[1, -1, 2, 4]> : tensor<4xi64>
  %merge = arith.constant dense<[1, -1, 8]> : tensor<3xi64>
  %scale = arith.constant dense<0.5> : tensor<f32>
  %q4 = ffn.node "Reshape"(%q, %split) opset 18 {} : (tensor<1x?x8xf32>, tensor<4xi64>) -> tensor<1x?x2x4xf32>
  %qt = ffn.node "Transpose"(%q4) opset 18 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x?x2x4xf32>) -> tensor<1x2x?x4xf32>
  %k4 = ffn.node "Reshape"(%k, %split) opset 18 {} : (tensor<1x?x8xf32>, tensor<4xi64>) -> tensor<1x?x2x4xf32>
  %kt = ffn.node "Transpose"(%k4) opset 18 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x?x2x4xf32>) -> tensor<1x2x?x4xf32>
  %kT = ffn.node "Transpose"(%kt) opset 18 {perm = array<i64: 0, 1, 3, 2>} : (tensor<1x2x?x4xf32>) -> tensor<1x2x4x?xf32>
  %v4 = ffn.node "Reshape"(%v, %split) opset 18 {} : (tensor<1x?x8xf32>, tensor<4xi64>) -> tensor<1x?x2x4xf32>
  %vt = ffn.node "Transpose"(%v4) opset 18 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x?x2x4xf32>) -> tensor<1x2x?x4xf32>
  %s = ffn.node "MatMul"(%qt, %kT) opset 18 {} : (tensor<1x2x?x4xf32>, tensor<1x2x4x?xf32>) -> tensor<1x2x?x?xf32>
  %ss = ffn.node "Mul"(%s, %scale) opset 18 {} : (tensor<1x2x?x?xf32>, tensor<f32>) -> tensor<1x2x?x?xf32>
  %p = ffn.node "Softmax"(%ss) opset 18 {axis = -1 : i64} : (tensor<1x2x?x?xf32>) -> tensor<1x2x?x?xf32>
  %o = ffn.node "MatMul"(%p, %vt) opset 18 {} : (tensor<1x2x?x?xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  %ot = ffn.node "Transpose"(%o) opset 18 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x2x?x4xf32>) -> tensor<1x?x2x4xf32>
  %out = ffn.node "Reshape"(%ot, %merge) opset 18 {} : (tensor<1x?x2x4xf32>, tensor<3xi64>) -> tensor<1x?x8xf32>
  return %out : tensor<1x?x8xf32>
}

// -----

// A mask built from the sequence length that hides later positions: the
// nodes of the mask go with the rest.
// CHECK-LABEL: func @causal
// CHECK: %[[A:.*]] = ffn.attention %arg0, %arg1, %arg2 heads(2, 2) scale 5.000000e-01 causal
// CHECK-NOT: ffn.node
// CHECK: return %[[A]]
func.func @causal(%q: tensor<1x?x8xf32>, %k: tensor<1x?x8xf32>, %v: tensor<1x?x8xf32>) -> tensor<1x?x8xf32> {
  %split = arith.constant dense<[1, -1, 2, 4]> : tensor<4xi64>
  %merge = arith.constant dense<[1, -1, 8]> : tensor<3xi64>
  %scale = arith.constant dense<0.5> : tensor<f32>
  %q4 = ffn.node "Reshape"(%q, %split) opset 18 {} : (tensor<1x?x8xf32>, tensor<4xi64>) -> tensor<1x?x2x4xf32>
  %qt = ffn.node "Transpose"(%q4) opset 18 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x?x2x4xf32>) -> tensor<1x2x?x4xf32>
  %k4 = ffn.node "Reshape"(%k, %split) opset 18 {} : (tensor<1x?x8xf32>, tensor<4xi64>) -> tensor<1x?x2x4xf32>
  %kt = ffn.node "Transpose"(%k4) opset 18 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x?x2x4xf32>) -> tensor<1x2x?x4xf32>
  %kT = ffn.node "Transpose"(%kt) opset 18 {perm = array<i64: 0, 1, 3, 2>} : (tensor<1x2x?x4xf32>) -> tensor<1x2x4x?xf32>
  %v4 = ffn.node "Reshape"(%v, %split) opset 18 {} : (tensor<1x?x8xf32>, tensor<4xi64>) -> tensor<1x?x2x4xf32>
  %vt = ffn.node "Transpose"(%v4) opset 18 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x?x2x4xf32>) -> tensor<1x2x?x4xf32>
  %s = ffn.node "MatMul"(%qt, %kT) opset 18 {} : (tensor<1x2x?x4xf32>, tensor<1x2x4x?xf32>) -> tensor<1x2x?x?xf32>
  %ss = ffn.node "Mul"(%s, %scale) opset 18 {} : (tensor<1x2x?x?xf32>, tensor<f32>) -> tensor<1x2x?x?xf32>
  %zero = arith.constant dense<0> : tensor<i64>
  %one = arith.constant dense<1> : tensor<i64>
  %ax0 = arith.constant dense<0> : tensor<1xi64>
  %ax1 = arith.constant dense<1> : tensor<1xi64>
  %fzero = arith.constant dense<0.0> : tensor<f32>
  %ninf = arith.constant dense<0xFF800000> : tensor<f32>
  %len = ffn.node "Shape"(%q) opset 18 {start = 1 : i64, end = 2 : i64} : (tensor<1x?x8xf32>) -> tensor<1xi64>
  %n = ffn.node "Squeeze"(%len) opset 18 {} : (tensor<1xi64>) -> tensor<i64>
  %r = ffn.node "Range"(%zero, %n, %one) opset 18 {} : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  %row = ffn.node "Unsqueeze"(%r, %ax0) opset 18 {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<1x?xi64>
  %col = ffn.node "Unsqueeze"(%r, %ax1) opset 18 {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<?x1xi64>
  %vis = ffn.node "LessOrEqual"(%row, %col) opset 18 {} : (tensor<1x?xi64>, tensor<?x1xi64>) -> tensor<?x?xi1>
  %m = ffn.node "Where"(%vis, %fzero, %ninf) opset 18 {} : (tensor<?x?xi1>, tensor<f32>, tensor<f32>) -> tensor<?x?xf32>
  %ls = ffn.node "Add"(%ss, %m) opset 18 {} : (tensor<1x2x?x?xf32>, tensor<?x?xf32>) -> tensor<1x2x?x?xf32>
  %p = ffn.node "Softmax"(%ls) opset 18 {axis = -1 : i64} : (tensor<1x2x?x?xf32>) -> tensor<1x2x?x?xf32>
  %o = ffn.node "MatMul"(%p, %vt) opset 18 {} : (tensor<1x2x?x?xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  %ot = ffn.node "Transpose"(%o) opset 18 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x2x?x4xf32>) -> tensor<1x?x2x4xf32>
  %out = ffn.node "Reshape"(%ot, %merge) opset 18 {} : (tensor<1x?x2x4xf32>, tensor<3xi64>) -> tensor<1x?x8xf32>
  return %out : tensor<1x?x8xf32>
}

// -----

// Near miss: a padding mask from the caller's data cannot be proven.
// CHECK-LABEL: func @padding_mask
// CHECK-NOT: ffn.attention
// CHECK: ffn.node "Softmax"
func.func @padding_mask(%q: tensor<1x?x8xf32>, %k: tensor<1x?x8xf32>, %v: tensor<1x?x8xf32>, %pad: tensor<1x1x1x?xf32>) -> tensor<1x?x8xf32> {
  %split = arith.constant dense<[1, -1, 2, 4]> : tensor<4xi64>
  %merge = arith.constant dense<[1, -1, 8]> : tensor<3xi64>
  %scale = arith.constant dense<0.5> : tensor<f32>
  %q4 = ffn.node "Reshape"(%q, %split) opset 18 {} : (tensor<1x?x8xf32>, tensor<4xi64>) -> tensor<1x?x2x4xf32>
  %qt = ffn.node "Transpose"(%q4) opset 18 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x?x2x4xf32>) -> tensor<1x2x?x4xf32>
  %k4 = ffn.node "Reshape"(%k, %split) opset 18 {} : (tensor<1x?x8xf32>, tensor<4xi64>) -> tensor<1x?x2x4xf32>
  %kt = ffn.node "Transpose"(%k4) opset 18 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x?x2x4xf32>) -> tensor<1x2x?x4xf32>
  %kT = ffn.node "Transpose"(%kt) opset 18 {perm = array<i64: 0, 1, 3, 2>} : (tensor<1x2x?x4xf32>) -> tensor<1x2x4x?xf32>
  %v4 = ffn.node "Reshape"(%v, %split) opset 18 {} : (tensor<1x?x8xf32>, tensor<4xi64>) -> tensor<1x?x2x4xf32>
  %vt = ffn.node "Transpose"(%v4) opset 18 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x?x2x4xf32>) -> tensor<1x2x?x4xf32>
  %s = ffn.node "MatMul"(%qt, %kT) opset 18 {} : (tensor<1x2x?x4xf32>, tensor<1x2x4x?xf32>) -> tensor<1x2x?x?xf32>
  %ss = ffn.node "Mul"(%s, %scale) opset 18 {} : (tensor<1x2x?x?xf32>, tensor<f32>) -> tensor<1x2x?x?xf32>
  %ls = ffn.node "Add"(%ss, %pad) opset 18 {} : (tensor<1x2x?x?xf32>, tensor<1x1x1x?xf32>) -> tensor<1x2x?x?xf32>
  %p = ffn.node "Softmax"(%ls) opset 18 {axis = -1 : i64} : (tensor<1x2x?x?xf32>) -> tensor<1x2x?x?xf32>
  %o = ffn.node "MatMul"(%p, %vt) opset 18 {} : (tensor<1x2x?x?xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  %ot = ffn.node "Transpose"(%o) opset 18 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x2x?x4xf32>) -> tensor<1x?x2x4xf32>
  %out = ffn.node "Reshape"(%ot, %merge) opset 18 {} : (tensor<1x?x2x4xf32>, tensor<3xi64>) -> tensor<1x?x8xf32>
  return %out : tensor<1x?x8xf32>
}

// -----

// A padding mask from an integer model input [batch, seq] (BERT's
// attention_mask): proven on random padding masks, it becomes the key mask.
// CHECK-LABEL: func @key_mask
// CHECK: %[[A:.*]] = ffn.attention %arg0, %arg1, %arg2 key_mask(%arg3 : tensor<1x?xi64>) heads(2, 2) scale 5.000000e-01 : tensor<1x?x8xf32>, tensor<1x?x8xf32>, tensor<1x?x8xf32>
// CHECK-NOT: ffn.node
// CHECK: return %[[A]]
func.func @key_mask(%q: tensor<1x?x8xf32>, %k: tensor<1x?x8xf32>, %v: tensor<1x?x8xf32>, %mask: tensor<1x?xi64>) -> tensor<1x?x8xf32> {
  %split = arith.constant dense<[1, -1, 2, 4]> : tensor<4xi64>
  %merge = arith.constant dense<[1, -1, 8]> : tensor<3xi64>
  %scale = arith.constant dense<0.5> : tensor<f32>
  %zero = arith.constant dense<0.0> : tensor<f32>
  %low = arith.constant dense<-3.40282347E+38> : tensor<f32>
  %q4 = ffn.node "Reshape"(%q, %split) opset 18 {} : (tensor<1x?x8xf32>, tensor<4xi64>) -> tensor<1x?x2x4xf32>
  %qt = ffn.node "Transpose"(%q4) opset 18 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x?x2x4xf32>) -> tensor<1x2x?x4xf32>
  %k4 = ffn.node "Reshape"(%k, %split) opset 18 {} : (tensor<1x?x8xf32>, tensor<4xi64>) -> tensor<1x?x2x4xf32>
  %kt = ffn.node "Transpose"(%k4) opset 18 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x?x2x4xf32>) -> tensor<1x2x?x4xf32>
  %kT = ffn.node "Transpose"(%kt) opset 18 {perm = array<i64: 0, 1, 3, 2>} : (tensor<1x2x?x4xf32>) -> tensor<1x2x4x?xf32>
  %v4 = ffn.node "Reshape"(%v, %split) opset 18 {} : (tensor<1x?x8xf32>, tensor<4xi64>) -> tensor<1x?x2x4xf32>
  %vt = ffn.node "Transpose"(%v4) opset 18 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x?x2x4xf32>) -> tensor<1x2x?x4xf32>
  %s = ffn.node "MatMul"(%qt, %kT) opset 18 {} : (tensor<1x2x?x4xf32>, tensor<1x2x4x?xf32>) -> tensor<1x2x?x?xf32>
  %ss = ffn.node "Mul"(%s, %scale) opset 18 {} : (tensor<1x2x?x?xf32>, tensor<f32>) -> tensor<1x2x?x?xf32>
  %keep = ffn.node "Cast"(%mask) opset 18 {to = 9 : i64} : (tensor<1x?xi64>) -> tensor<1x?xi1>
  %axes = arith.constant dense<[1, 2]> : tensor<2xi64>
  %keep4 = ffn.node "Unsqueeze"(%keep, %axes) opset 18 {} : (tensor<1x?xi1>, tensor<2xi64>) -> tensor<1x1x1x?xi1>
  %bias = ffn.node "Where"(%keep4, %zero, %low) opset 18 {} : (tensor<1x1x1x?xi1>, tensor<f32>, tensor<f32>) -> tensor<1x1x1x?xf32>
  %ls = ffn.node "Add"(%ss, %bias) opset 18 {} : (tensor<1x2x?x?xf32>, tensor<1x1x1x?xf32>) -> tensor<1x2x?x?xf32>
  %p = ffn.node "Softmax"(%ls) opset 18 {axis = -1 : i64} : (tensor<1x2x?x?xf32>) -> tensor<1x2x?x?xf32>
  %o = ffn.node "MatMul"(%p, %vt) opset 18 {} : (tensor<1x2x?x?xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  %ot = ffn.node "Transpose"(%o) opset 18 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x2x?x4xf32>) -> tensor<1x?x2x4xf32>
  %out = ffn.node "Reshape"(%ot, %merge) opset 18 {} : (tensor<1x?x2x4xf32>, tensor<3xi64>) -> tensor<1x?x8xf32>
  return %out : tensor<1x?x8xf32>
}

// -----

// Near miss: the same input masking queries, not keys, is no key mask.
// CHECK-LABEL: func @query_mask
// CHECK-NOT: ffn.attention
// CHECK: ffn.node "Softmax"
func.func @query_mask(%q: tensor<1x?x8xf32>, %k: tensor<1x?x8xf32>, %v: tensor<1x?x8xf32>, %mask: tensor<1x?xi64>) -> tensor<1x?x8xf32> {
  %split = arith.constant dense<[1, -1, 2, 4]> : tensor<4xi64>
  %merge = arith.constant dense<[1, -1, 8]> : tensor<3xi64>
  %scale = arith.constant dense<0.5> : tensor<f32>
  %zero = arith.constant dense<0.0> : tensor<f32>
  %low = arith.constant dense<-3.40282347E+38> : tensor<f32>
  %q4 = ffn.node "Reshape"(%q, %split) opset 18 {} : (tensor<1x?x8xf32>, tensor<4xi64>) -> tensor<1x?x2x4xf32>
  %qt = ffn.node "Transpose"(%q4) opset 18 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x?x2x4xf32>) -> tensor<1x2x?x4xf32>
  %k4 = ffn.node "Reshape"(%k, %split) opset 18 {} : (tensor<1x?x8xf32>, tensor<4xi64>) -> tensor<1x?x2x4xf32>
  %kt = ffn.node "Transpose"(%k4) opset 18 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x?x2x4xf32>) -> tensor<1x2x?x4xf32>
  %kT = ffn.node "Transpose"(%kt) opset 18 {perm = array<i64: 0, 1, 3, 2>} : (tensor<1x2x?x4xf32>) -> tensor<1x2x4x?xf32>
  %v4 = ffn.node "Reshape"(%v, %split) opset 18 {} : (tensor<1x?x8xf32>, tensor<4xi64>) -> tensor<1x?x2x4xf32>
  %vt = ffn.node "Transpose"(%v4) opset 18 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x?x2x4xf32>) -> tensor<1x2x?x4xf32>
  %s = ffn.node "MatMul"(%qt, %kT) opset 18 {} : (tensor<1x2x?x4xf32>, tensor<1x2x4x?xf32>) -> tensor<1x2x?x?xf32>
  %ss = ffn.node "Mul"(%s, %scale) opset 18 {} : (tensor<1x2x?x?xf32>, tensor<f32>) -> tensor<1x2x?x?xf32>
  %keep = ffn.node "Cast"(%mask) opset 18 {to = 9 : i64} : (tensor<1x?xi64>) -> tensor<1x?xi1>
  %axes = arith.constant dense<[1, 3]> : tensor<2xi64>
  %keep4 = ffn.node "Unsqueeze"(%keep, %axes) opset 18 {} : (tensor<1x?xi1>, tensor<2xi64>) -> tensor<1x1x?x1xi1>
  %bias = ffn.node "Where"(%keep4, %zero, %low) opset 18 {} : (tensor<1x1x?x1xi1>, tensor<f32>, tensor<f32>) -> tensor<1x1x?x1xf32>
  %ls = ffn.node "Add"(%ss, %bias) opset 18 {} : (tensor<1x2x?x?xf32>, tensor<1x1x?x1xf32>) -> tensor<1x2x?x?xf32>
  %p = ffn.node "Softmax"(%ls) opset 18 {axis = -1 : i64} : (tensor<1x2x?x?xf32>) -> tensor<1x2x?x?xf32>
  %o = ffn.node "MatMul"(%p, %vt) opset 18 {} : (tensor<1x2x?x?xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  %ot = ffn.node "Transpose"(%o) opset 18 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x2x?x4xf32>) -> tensor<1x?x2x4xf32>
  %out = ffn.node "Reshape"(%ot, %merge) opset 18 {} : (tensor<1x?x2x4xf32>, tensor<3xi64>) -> tensor<1x?x8xf32>
  return %out : tensor<1x?x8xf32>
}

// -----

// Near miss: a mask of the opposite sense (non-zero hides the key).
// CHECK-LABEL: func @inverted_key_mask
// CHECK-NOT: ffn.attention
// CHECK: ffn.node "Softmax"
func.func @inverted_key_mask(%q: tensor<1x?x8xf32>, %k: tensor<1x?x8xf32>, %v: tensor<1x?x8xf32>, %mask: tensor<1x?xi64>) -> tensor<1x?x8xf32> {
  %split = arith.constant dense<[1, -1, 2, 4]> : tensor<4xi64>
  %merge = arith.constant dense<[1, -1, 8]> : tensor<3xi64>
  %scale = arith.constant dense<0.5> : tensor<f32>
  %zero = arith.constant dense<0.0> : tensor<f32>
  %low = arith.constant dense<-3.40282347E+38> : tensor<f32>
  %q4 = ffn.node "Reshape"(%q, %split) opset 18 {} : (tensor<1x?x8xf32>, tensor<4xi64>) -> tensor<1x?x2x4xf32>
  %qt = ffn.node "Transpose"(%q4) opset 18 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x?x2x4xf32>) -> tensor<1x2x?x4xf32>
  %k4 = ffn.node "Reshape"(%k, %split) opset 18 {} : (tensor<1x?x8xf32>, tensor<4xi64>) -> tensor<1x?x2x4xf32>
  %kt = ffn.node "Transpose"(%k4) opset 18 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x?x2x4xf32>) -> tensor<1x2x?x4xf32>
  %kT = ffn.node "Transpose"(%kt) opset 18 {perm = array<i64: 0, 1, 3, 2>} : (tensor<1x2x?x4xf32>) -> tensor<1x2x4x?xf32>
  %v4 = ffn.node "Reshape"(%v, %split) opset 18 {} : (tensor<1x?x8xf32>, tensor<4xi64>) -> tensor<1x?x2x4xf32>
  %vt = ffn.node "Transpose"(%v4) opset 18 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x?x2x4xf32>) -> tensor<1x2x?x4xf32>
  %s = ffn.node "MatMul"(%qt, %kT) opset 18 {} : (tensor<1x2x?x4xf32>, tensor<1x2x4x?xf32>) -> tensor<1x2x?x?xf32>
  %ss = ffn.node "Mul"(%s, %scale) opset 18 {} : (tensor<1x2x?x?xf32>, tensor<f32>) -> tensor<1x2x?x?xf32>
  %keep = ffn.node "Cast"(%mask) opset 18 {to = 9 : i64} : (tensor<1x?xi64>) -> tensor<1x?xi1>
  %axes = arith.constant dense<[1, 2]> : tensor<2xi64>
  %keep4 = ffn.node "Unsqueeze"(%keep, %axes) opset 18 {} : (tensor<1x?xi1>, tensor<2xi64>) -> tensor<1x1x1x?xi1>
  %bias = ffn.node "Where"(%keep4, %low, %zero) opset 18 {} : (tensor<1x1x1x?xi1>, tensor<f32>, tensor<f32>) -> tensor<1x1x1x?xf32>
  %ls = ffn.node "Add"(%ss, %bias) opset 18 {} : (tensor<1x2x?x?xf32>, tensor<1x1x1x?xf32>) -> tensor<1x2x?x?xf32>
  %p = ffn.node "Softmax"(%ls) opset 18 {axis = -1 : i64} : (tensor<1x2x?x?xf32>) -> tensor<1x2x?x?xf32>
  %o = ffn.node "MatMul"(%p, %vt) opset 18 {} : (tensor<1x2x?x?xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  %ot = ffn.node "Transpose"(%o) opset 18 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x2x?x4xf32>) -> tensor<1x?x2x4xf32>
  %out = ffn.node "Reshape"(%ot, %merge) opset 18 {} : (tensor<1x?x2x4xf32>, tensor<3xi64>) -> tensor<1x?x8xf32>
  return %out : tensor<1x?x8xf32>
}

// -----

// Near miss: softmax over the query axis is not attention.
// CHECK-LABEL: func @softmax_wrong_axis
// CHECK-NOT: ffn.attention
// CHECK: ffn.node "Softmax"
func.func @softmax_wrong_axis(%q: tensor<1x?x8xf32>, %k: tensor<1x?x8xf32>, %v: tensor<1x?x8xf32>) -> tensor<1x?x8xf32> {
  %split = arith.constant dense<[1, -1, 2, 4]> : tensor<4xi64>
  %merge = arith.constant dense<[1, -1, 8]> : tensor<3xi64>
  %scale = arith.constant dense<0.5> : tensor<f32>
  %q4 = ffn.node "Reshape"(%q, %split) opset 18 {} : (tensor<1x?x8xf32>, tensor<4xi64>) -> tensor<1x?x2x4xf32>
  %qt = ffn.node "Transpose"(%q4) opset 18 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x?x2x4xf32>) -> tensor<1x2x?x4xf32>
  %k4 = ffn.node "Reshape"(%k, %split) opset 18 {} : (tensor<1x?x8xf32>, tensor<4xi64>) -> tensor<1x?x2x4xf32>
  %kt = ffn.node "Transpose"(%k4) opset 18 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x?x2x4xf32>) -> tensor<1x2x?x4xf32>
  %kT = ffn.node "Transpose"(%kt) opset 18 {perm = array<i64: 0, 1, 3, 2>} : (tensor<1x2x?x4xf32>) -> tensor<1x2x4x?xf32>
  %v4 = ffn.node "Reshape"(%v, %split) opset 18 {} : (tensor<1x?x8xf32>, tensor<4xi64>) -> tensor<1x?x2x4xf32>
  %vt = ffn.node "Transpose"(%v4) opset 18 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x?x2x4xf32>) -> tensor<1x2x?x4xf32>
  %s = ffn.node "MatMul"(%qt, %kT) opset 18 {} : (tensor<1x2x?x4xf32>, tensor<1x2x4x?xf32>) -> tensor<1x2x?x?xf32>
  %ss = ffn.node "Mul"(%s, %scale) opset 18 {} : (tensor<1x2x?x?xf32>, tensor<f32>) -> tensor<1x2x?x?xf32>
  %p = ffn.node "Softmax"(%ss) opset 18 {axis = 2 : i64} : (tensor<1x2x?x?xf32>) -> tensor<1x2x?x?xf32>
  %o = ffn.node "MatMul"(%p, %vt) opset 18 {} : (tensor<1x2x?x?xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  %ot = ffn.node "Transpose"(%o) opset 18 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x2x?x4xf32>) -> tensor<1x?x2x4xf32>
  %out = ffn.node "Reshape"(%ot, %merge) opset 18 {} : (tensor<1x?x2x4xf32>, tensor<3xi64>) -> tensor<1x?x8xf32>
  return %out : tensor<1x?x8xf32>
}

// -----

// A bf16 export rounds after every node and the candidate once: they agree
// within bf16's precision, and the attention is raised.
// CHECK-LABEL: func @unmasked_bf16
// CHECK: %[[A:.*]] = ffn.attention %arg0, %arg1, %arg2 heads(2, 2) scale 5.000000e-01 : tensor<1x?x8xbf16>, tensor<1x?x8xbf16>, tensor<1x?x8xbf16>
// CHECK-NOT: ffn.node
// CHECK: return %[[A]]
func.func @unmasked_bf16(%q: tensor<1x?x8xbf16>, %k: tensor<1x?x8xbf16>, %v: tensor<1x?x8xbf16>) -> tensor<1x?x8xbf16> {
  %split = arith.constant dense<[1, -1, 2, 4]> : tensor<4xi64>
  %merge = arith.constant dense<[1, -1, 8]> : tensor<3xi64>
  %scale = arith.constant dense<0.5> : tensor<bf16>
  %q4 = ffn.node "Reshape"(%q, %split) opset 18 {} : (tensor<1x?x8xbf16>, tensor<4xi64>) -> tensor<1x?x2x4xbf16>
  %qt = ffn.node "Transpose"(%q4) opset 18 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x?x2x4xbf16>) -> tensor<1x2x?x4xbf16>
  %k4 = ffn.node "Reshape"(%k, %split) opset 18 {} : (tensor<1x?x8xbf16>, tensor<4xi64>) -> tensor<1x?x2x4xbf16>
  %kt = ffn.node "Transpose"(%k4) opset 18 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x?x2x4xbf16>) -> tensor<1x2x?x4xbf16>
  %kT = ffn.node "Transpose"(%kt) opset 18 {perm = array<i64: 0, 1, 3, 2>} : (tensor<1x2x?x4xbf16>) -> tensor<1x2x4x?xbf16>
  %v4 = ffn.node "Reshape"(%v, %split) opset 18 {} : (tensor<1x?x8xbf16>, tensor<4xi64>) -> tensor<1x?x2x4xbf16>
  %vt = ffn.node "Transpose"(%v4) opset 18 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x?x2x4xbf16>) -> tensor<1x2x?x4xbf16>
  %s = ffn.node "MatMul"(%qt, %kT) opset 18 {} : (tensor<1x2x?x4xbf16>, tensor<1x2x4x?xbf16>) -> tensor<1x2x?x?xbf16>
  %ss = ffn.node "Mul"(%s, %scale) opset 18 {} : (tensor<1x2x?x?xbf16>, tensor<bf16>) -> tensor<1x2x?x?xbf16>
  %p = ffn.node "Softmax"(%ss) opset 18 {axis = -1 : i64} : (tensor<1x2x?x?xbf16>) -> tensor<1x2x?x?xbf16>
  %o = ffn.node "MatMul"(%p, %vt) opset 18 {} : (tensor<1x2x?x?xbf16>, tensor<1x2x?x4xbf16>) -> tensor<1x2x?x4xbf16>
  %ot = ffn.node "Transpose"(%o) opset 18 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x2x?x4xbf16>) -> tensor<1x?x2x4xbf16>
  %out = ffn.node "Reshape"(%ot, %merge) opset 18 {} : (tensor<1x?x2x4xbf16>, tensor<3xi64>) -> tensor<1x?x8xbf16>
  return %out : tensor<1x?x8xbf16>
}

// -----

// Near miss in bf16: the looser agreement still refuses a padding mask
// from the caller's data.
// CHECK-LABEL: func @padding_mask_bf16
// CHECK-NOT: ffn.attention
// CHECK: ffn.node "Softmax"
func.func @padding_mask_bf16(%q: tensor<1x?x8xbf16>, %k: tensor<1x?x8xbf16>, %v: tensor<1x?x8xbf16>, %pad: tensor<1x1x1x?xbf16>) -> tensor<1x?x8xbf16> {
  %split = arith.constant dense<[1, -1, 2, 4]> : tensor<4xi64>
  %merge = arith.constant dense<[1, -1, 8]> : tensor<3xi64>
  %scale = arith.constant dense<0.5> : tensor<bf16>
  %q4 = ffn.node "Reshape"(%q, %split) opset 18 {} : (tensor<1x?x8xbf16>, tensor<4xi64>) -> tensor<1x?x2x4xbf16>
  %qt = ffn.node "Transpose"(%q4) opset 18 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x?x2x4xbf16>) -> tensor<1x2x?x4xbf16>
  %k4 = ffn.node "Reshape"(%k, %split) opset 18 {} : (tensor<1x?x8xbf16>, tensor<4xi64>) -> tensor<1x?x2x4xbf16>
  %kt = ffn.node "Transpose"(%k4) opset 18 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x?x2x4xbf16>) -> tensor<1x2x?x4xbf16>
  %kT = ffn.node "Transpose"(%kt) opset 18 {perm = array<i64: 0, 1, 3, 2>} : (tensor<1x2x?x4xbf16>) -> tensor<1x2x4x?xbf16>
  %v4 = ffn.node "Reshape"(%v, %split) opset 18 {} : (tensor<1x?x8xbf16>, tensor<4xi64>) -> tensor<1x?x2x4xbf16>
  %vt = ffn.node "Transpose"(%v4) opset 18 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x?x2x4xbf16>) -> tensor<1x2x?x4xbf16>
  %s = ffn.node "MatMul"(%qt, %kT) opset 18 {} : (tensor<1x2x?x4xbf16>, tensor<1x2x4x?xbf16>) -> tensor<1x2x?x?xbf16>
  %ss = ffn.node "Mul"(%s, %scale) opset 18 {} : (tensor<1x2x?x?xbf16>, tensor<bf16>) -> tensor<1x2x?x?xbf16>
  %ls = ffn.node "Add"(%ss, %pad) opset 18 {} : (tensor<1x2x?x?xbf16>, tensor<1x1x1x?xbf16>) -> tensor<1x2x?x?xbf16>
  %p = ffn.node "Softmax"(%ls) opset 18 {axis = -1 : i64} : (tensor<1x2x?x?xbf16>) -> tensor<1x2x?x?xbf16>
  %o = ffn.node "MatMul"(%p, %vt) opset 18 {} : (tensor<1x2x?x?xbf16>, tensor<1x2x?x4xbf16>) -> tensor<1x2x?x4xbf16>
  %ot = ffn.node "Transpose"(%o) opset 18 {perm = array<i64: 0, 2, 1, 3>} : (tensor<1x2x?x4xbf16>) -> tensor<1x?x2x4xbf16>
  %out = ffn.node "Reshape"(%ot, %merge) opset 18 {} : (tensor<1x?x2x4xbf16>, tensor<3xi64>) -> tensor<1x?x8xbf16>
  return %out : tensor<1x?x8xbf16>
}
