// One case per raising pattern, each followed by near misses that must stay
// as nodes.
// RUN: ffn-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(ffn-raise))' | FileCheck %s

// CHECK-LABEL: func @rms_norm
// CHECK-SAME: (%[[X:.*]]: tensor<2x8xf32>)
// CHECK: %[[G:.*]] = arith.constant dense<1.500000e+00> : tensor<8xf32>
// CHECK: %[[N:.*]] = ffn.rms_norm %[[X]], %[[G]] eps 9.99999974E-6 : tensor<2x8xf32>, tensor<8xf32>
// CHECK-NOT: ffn.node
// CHECK: return %[[N]]
func.func @rms_norm(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %two = arith.constant dense<2.0> : tensor<f32>
  %axes = arith.constant dense<-1> : tensor<1xi64>
  %eps = arith.constant dense<1.0e-05> : tensor<f32>
  %g = arith.constant dense<1.5> : tensor<8xf32>
  %0 = ffn.node "Pow"(%x, %two) opset 18 {} : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %1 = ffn.node "ReduceMean"(%0, %axes) opset 18 {keepdims = 1 : i64} : (tensor<2x8xf32>, tensor<1xi64>) -> tensor<2x1xf32>
  %2 = ffn.node "Add"(%1, %eps) opset 18 {} : (tensor<2x1xf32>, tensor<f32>) -> tensor<2x1xf32>
  %3 = ffn.node "Sqrt"(%2) opset 18 {} : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %4 = ffn.node "Reciprocal"(%3) opset 18 {} : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %5 = ffn.node "Mul"(%x, %4) opset 18 {} : (tensor<2x8xf32>, tensor<2x1xf32>) -> tensor<2x8xf32>
  %6 = ffn.node "Mul"(%g, %5) opset 18 {} : (tensor<8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return %6 : tensor<2x8xf32>
}

// -----

// A bf16 export: the statistics in fp32 between Casts, rounded to bf16 before
// the gain. The norm reads the bf16 input; the Casts go with it.
// CHECK-LABEL: func @rms_norm_bf16
// CHECK-SAME: (%[[X:.*]]: tensor<2x8xbf16>)
// CHECK: %[[G:.*]] = arith.constant dense<1.500000e+00> : tensor<8xbf16>
// CHECK: %[[N:.*]] = ffn.rms_norm %[[X]], %[[G]] eps 9.99999974E-6 : tensor<2x8xbf16>, tensor<8xbf16>
// CHECK-NOT: ffn.node
// CHECK: return %[[N]]
func.func @rms_norm_bf16(%x: tensor<2x8xbf16>) -> tensor<2x8xbf16> {
  %two = arith.constant dense<2.0> : tensor<f32>
  %axes = arith.constant dense<-1> : tensor<1xi64>
  %eps = arith.constant dense<1.0e-05> : tensor<f32>
  %g = arith.constant dense<1.5> : tensor<8xbf16>
  %w = ffn.node "Cast"(%x) opset 18 {to = 1 : i64} : (tensor<2x8xbf16>) -> tensor<2x8xf32>
  %0 = ffn.node "Pow"(%w, %two) opset 18 {} : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %1 = ffn.node "ReduceMean"(%0, %axes) opset 18 {keepdims = 1 : i64} : (tensor<2x8xf32>, tensor<1xi64>) -> tensor<2x1xf32>
  %2 = ffn.node "Add"(%1, %eps) opset 18 {} : (tensor<2x1xf32>, tensor<f32>) -> tensor<2x1xf32>
  %3 = ffn.node "Sqrt"(%2) opset 18 {} : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %4 = ffn.node "Reciprocal"(%3) opset 18 {} : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %5 = ffn.node "Mul"(%w, %4) opset 18 {} : (tensor<2x8xf32>, tensor<2x1xf32>) -> tensor<2x8xf32>
  %n = ffn.node "Cast"(%5) opset 18 {to = 16 : i64} : (tensor<2x8xf32>) -> tensor<2x8xbf16>
  %6 = ffn.node "Mul"(%g, %n) opset 18 {} : (tensor<8xbf16>, tensor<2x8xbf16>) -> tensor<2x8xbf16>
  return %6 : tensor<2x8xbf16>
}

// -----

// Near miss: the statistics of a different tensor than the one normalised.
// CHECK-LABEL: func @rms_norm_bf16_other_input
// CHECK-NOT: ffn.rms_norm
func.func @rms_norm_bf16_other_input(%x: tensor<2x8xbf16>, %y: tensor<2x8xf32>) -> tensor<2x8xbf16> {
  %two = arith.constant dense<2.0> : tensor<f32>
  %axes = arith.constant dense<-1> : tensor<1xi64>
  %eps = arith.constant dense<1.0e-05> : tensor<f32>
  %g = arith.constant dense<1.5> : tensor<8xbf16>
  %w = ffn.node "Cast"(%x) opset 18 {to = 1 : i64} : (tensor<2x8xbf16>) -> tensor<2x8xf32>
  %0 = ffn.node "Pow"(%y, %two) opset 18 {} : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %1 = ffn.node "ReduceMean"(%0, %axes) opset 18 {keepdims = 1 : i64} : (tensor<2x8xf32>, tensor<1xi64>) -> tensor<2x1xf32>
  %2 = ffn.node "Add"(%1, %eps) opset 18 {} : (tensor<2x1xf32>, tensor<f32>) -> tensor<2x1xf32>
  %3 = ffn.node "Sqrt"(%2) opset 18 {} : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %4 = ffn.node "Reciprocal"(%3) opset 18 {} : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %5 = ffn.node "Mul"(%w, %4) opset 18 {} : (tensor<2x8xf32>, tensor<2x1xf32>) -> tensor<2x8xf32>
  %n = ffn.node "Cast"(%5) opset 18 {to = 16 : i64} : (tensor<2x8xf32>) -> tensor<2x8xbf16>
  %6 = ffn.node "Mul"(%g, %n) opset 18 {} : (tensor<8xbf16>, tensor<2x8xbf16>) -> tensor<2x8xbf16>
  return %6 : tensor<2x8xbf16>
}

// -----

// x / sqrt(...) with Gemma's (1 + w) gain and the axes as an attribute.
// CHECK-LABEL: func @rms_norm_div_unit_offset
// CHECK: ffn.rms_norm %{{.*}}, %{{.*}} eps 9.99999997E-7 unit_offset
// CHECK-NOT: ffn.node
func.func @rms_norm_div_unit_offset(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %two = arith.constant dense<2.0> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %eps = arith.constant dense<1.0e-06> : tensor<f32>
  %w = arith.constant dense<0.5> : tensor<8xf32>
  %0 = ffn.node "Pow"(%x, %two) opset 13 {} : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %1 = ffn.node "ReduceMean"(%0) opset 13 {axes = array<i64: 1>} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  %2 = ffn.node "Add"(%eps, %1) opset 13 {} : (tensor<f32>, tensor<2x1xf32>) -> tensor<2x1xf32>
  %3 = ffn.node "Sqrt"(%2) opset 13 {} : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %4 = ffn.node "Div"(%x, %3) opset 13 {} : (tensor<2x8xf32>, tensor<2x1xf32>) -> tensor<2x8xf32>
  %5 = ffn.node "Add"(%w, %one) opset 13 {} : (tensor<8xf32>, tensor<f32>) -> tensor<8xf32>
  %6 = ffn.node "Mul"(%4, %5) opset 13 {} : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return %6 : tensor<2x8xf32>
}

// -----

// Near miss: ε added after the square root is not RMSNorm.
// CHECK-LABEL: func @rms_norm_eps_after_sqrt
// CHECK-NOT: ffn.rms_norm
// CHECK: ffn.node "Sqrt"
func.func @rms_norm_eps_after_sqrt(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %two = arith.constant dense<2.0> : tensor<f32>
  %axes = arith.constant dense<-1> : tensor<1xi64>
  %eps = arith.constant dense<1.0e-05> : tensor<f32>
  %g = arith.constant dense<1.5> : tensor<8xf32>
  %0 = ffn.node "Pow"(%x, %two) opset 18 {} : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %1 = ffn.node "ReduceMean"(%0, %axes) opset 18 {keepdims = 1 : i64} : (tensor<2x8xf32>, tensor<1xi64>) -> tensor<2x1xf32>
  %2 = ffn.node "Sqrt"(%1) opset 18 {} : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %3 = ffn.node "Add"(%2, %eps) opset 18 {} : (tensor<2x1xf32>, tensor<f32>) -> tensor<2x1xf32>
  %4 = ffn.node "Reciprocal"(%3) opset 18 {} : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %5 = ffn.node "Mul"(%x, %4) opset 18 {} : (tensor<2x8xf32>, tensor<2x1xf32>) -> tensor<2x8xf32>
  %6 = ffn.node "Mul"(%g, %5) opset 18 {} : (tensor<8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return %6 : tensor<2x8xf32>
}

// -----

// Near miss: the mean over the wrong axis.
// CHECK-LABEL: func @rms_norm_wrong_axis
// CHECK-NOT: ffn.rms_norm
// CHECK: ffn.node "ReduceMean"
func.func @rms_norm_wrong_axis(%x: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %two = arith.constant dense<2.0> : tensor<f32>
  %axes = arith.constant dense<0> : tensor<1xi64>
  %eps = arith.constant dense<1.0e-05> : tensor<f32>
  %g = arith.constant dense<1.5> : tensor<8xf32>
  %0 = ffn.node "Pow"(%x, %two) opset 18 {} : (tensor<8x8xf32>, tensor<f32>) -> tensor<8x8xf32>
  %1 = ffn.node "ReduceMean"(%0, %axes) opset 18 {keepdims = 1 : i64} : (tensor<8x8xf32>, tensor<1xi64>) -> tensor<1x8xf32>
  %2 = ffn.node "Add"(%1, %eps) opset 18 {} : (tensor<1x8xf32>, tensor<f32>) -> tensor<1x8xf32>
  %3 = ffn.node "Sqrt"(%2) opset 18 {} : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %4 = ffn.node "Reciprocal"(%3) opset 18 {} : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %5 = ffn.node "Mul"(%x, %4) opset 18 {} : (tensor<8x8xf32>, tensor<1x8xf32>) -> tensor<8x8xf32>
  %6 = ffn.node "Mul"(%g, %5) opset 18 {} : (tensor<8xf32>, tensor<8x8xf32>) -> tensor<8x8xf32>
  return %6 : tensor<8x8xf32>
}

// -----

// Near miss: x² taken of another tensor than the one normalized.
// CHECK-LABEL: func @rms_norm_other_tensor
// CHECK-NOT: ffn.rms_norm
func.func @rms_norm_other_tensor(%x: tensor<2x8xf32>, %y: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %two = arith.constant dense<2.0> : tensor<f32>
  %axes = arith.constant dense<-1> : tensor<1xi64>
  %eps = arith.constant dense<1.0e-05> : tensor<f32>
  %g = arith.constant dense<1.5> : tensor<8xf32>
  %0 = ffn.node "Pow"(%y, %two) opset 18 {} : (tensor<2x8xf32>, tensor<f32>) -> tensor<2x8xf32>
  %1 = ffn.node "ReduceMean"(%0, %axes) opset 18 {keepdims = 1 : i64} : (tensor<2x8xf32>, tensor<1xi64>) -> tensor<2x1xf32>
  %2 = ffn.node "Add"(%1, %eps) opset 18 {} : (tensor<2x1xf32>, tensor<f32>) -> tensor<2x1xf32>
  %3 = ffn.node "Sqrt"(%2) opset 18 {} : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %4 = ffn.node "Reciprocal"(%3) opset 18 {} : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %5 = ffn.node "Mul"(%x, %4) opset 18 {} : (tensor<2x8xf32>, tensor<2x1xf32>) -> tensor<2x8xf32>
  %6 = ffn.node "Mul"(%g, %5) opset 18 {} : (tensor<8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return %6 : tensor<2x8xf32>
}

// -----

// CHECK-LABEL: func @layer_norm
// CHECK: ffn.layer_norm %{{.*}}, %{{.*}}, %{{.*}} eps 9.99999974E-6 : tensor<2x8xf32>, tensor<8xf32>, tensor<8xf32>
// CHECK-LABEL: func @layer_norm_axis0
// CHECK-NOT: ffn.layer_norm
// CHECK: ffn.node "LayerNormalization"
func.func @layer_norm(%x: tensor<2x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<2x8xf32> {
  %0 = ffn.node "LayerNormalization"(%x, %g, %b) opset 17 {axis = -1 : i64, epsilon = 1.0e-05 : f32} : (tensor<2x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}
func.func @layer_norm_axis0(%x: tensor<2x8xf32>, %g: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %0 = ffn.node "LayerNormalization"(%x, %g) opset 17 {axis = 0 : i64, epsilon = 1.0e-05 : f32} : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// CHECK-LABEL: func @silu
// CHECK: ffn.activation <silu> %arg0
// CHECK-LABEL: func @silu_other_operand
// CHECK-NOT: ffn.activation
func.func @silu(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = ffn.node "Sigmoid"(%x) opset 18 {} : (tensor<4xf32>) -> tensor<4xf32>
  %1 = ffn.node "Mul"(%0, %x) opset 18 {} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}
func.func @silu_other_operand(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  %0 = ffn.node "Sigmoid"(%y) opset 18 {} : (tensor<4xf32>) -> tensor<4xf32>
  %1 = ffn.node "Mul"(%x, %0) opset 18 {} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// BERT's erf GELU and GPT-2's tanh GELU, each in the exporter's order.
// CHECK-LABEL: func @gelu
// CHECK: ffn.activation <gelu> %arg0
// CHECK-NOT: ffn.node
// CHECK-LABEL: func @gelu_tanh
// CHECK: ffn.activation <gelu_tanh> %arg0
// CHECK-NOT: ffn.node
// CHECK-LABEL: func @gelu_wrong_half
// CHECK-NOT: ffn.activation
func.func @gelu(%x: tensor<4xf32>) -> tensor<4xf32> {
  %sqrt2 = arith.constant dense<1.41421354> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %half = arith.constant dense<0.5> : tensor<f32>
  %0 = ffn.node "Div"(%x, %sqrt2) opset 18 {} : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %1 = ffn.node "Erf"(%0) opset 18 {} : (tensor<4xf32>) -> tensor<4xf32>
  %2 = ffn.node "Add"(%1, %one) opset 18 {} : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %3 = ffn.node "Mul"(%half, %2) opset 18 {} : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %4 = ffn.node "Mul"(%x, %3) opset 18 {} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %4 : tensor<4xf32>
}
func.func @gelu_tanh(%x: tensor<4xf32>) -> tensor<4xf32> {
  %half = arith.constant dense<0.5> : tensor<f32>
  %three = arith.constant dense<3.0> : tensor<f32>
  %c = arith.constant dense<0.044715> : tensor<f32>
  %k = arith.constant dense<0.797884583> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %0 = ffn.node "Mul"(%x, %half) opset 18 {} : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %1 = ffn.node "Pow"(%x, %three) opset 18 {} : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %2 = ffn.node "Mul"(%1, %c) opset 18 {} : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %3 = ffn.node "Add"(%x, %2) opset 18 {} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %4 = ffn.node "Mul"(%3, %k) opset 18 {} : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %5 = ffn.node "Tanh"(%4) opset 18 {} : (tensor<4xf32>) -> tensor<4xf32>
  %6 = ffn.node "Add"(%5, %one) opset 18 {} : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %7 = ffn.node "Mul"(%0, %6) opset 18 {} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %7 : tensor<4xf32>
}
func.func @gelu_wrong_half(%x: tensor<4xf32>) -> tensor<4xf32> {
  %sqrt2 = arith.constant dense<1.41421354> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %half = arith.constant dense<0.4> : tensor<f32>
  %0 = ffn.node "Div"(%x, %sqrt2) opset 18 {} : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %1 = ffn.node "Erf"(%0) opset 18 {} : (tensor<4xf32>) -> tensor<4xf32>
  %2 = ffn.node "Add"(%1, %one) opset 18 {} : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %3 = ffn.node "Mul"(%half, %2) opset 18 {} : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
  %4 = ffn.node "Mul"(%x, %3) opset 18 {} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %4 : tensor<4xf32>
}

// -----

// Weight matmuls: MatMul + bias, Gemm with transB, and the exporter's
// reshapes around a 2-D Gemm. A product of two activations stays a node.
// CHECK-LABEL: func @matmuls
// CHECK: %[[M0:.*]] = ffn.matmul %arg0, %{{.*}} bias(%{{.*}}) : (tensor<1x?x8xf32>, tensor<8x4xf32>, tensor<4xf32>) -> tensor<1x?x4xf32>
// CHECK: %[[M1:.*]] = ffn.matmul %arg0, %{{.*}} transpose_weight : (tensor<1x?x8xf32>, tensor<4x8xf32>) -> tensor<1x?x4xf32>
// CHECK: %[[M2:.*]] = ffn.node "MatMul"(%arg0, %arg1)
// CHECK: return %[[M0]], %[[M1]], %[[M2]]
func.func @matmuls(%x: tensor<1x?x8xf32>, %y: tensor<1x8x?xf32>) -> (tensor<1x?x4xf32>, tensor<1x?x4xf32>, tensor<1x?x?xf32>) {
  %w = arith.constant dense<0.25> : tensor<8x4xf32>
  %b = arith.constant dense<0.5> : tensor<4xf32>
  %wt = arith.constant dense<0.125> : tensor<4x8xf32>
  %flat = arith.constant dense<[-1, 8]> : tensor<2xi64>
  %back = arith.constant dense<[1, -1, 4]> : tensor<3xi64>
  %0 = ffn.node "MatMul"(%x, %w) opset 18 {} : (tensor<1x?x8xf32>, tensor<8x4xf32>) -> tensor<1x?x4xf32>
  %1 = ffn.node "Add"(%0, %b) opset 18 {} : (tensor<1x?x4xf32>, tensor<4xf32>) -> tensor<1x?x4xf32>
  %2 = ffn.node "Reshape"(%x, %flat) opset 18 {} : (tensor<1x?x8xf32>, tensor<2xi64>) -> tensor<?x8xf32>
  %3 = ffn.node "Gemm"(%2, %wt) opset 18 {transB = 1 : i64} : (tensor<?x8xf32>, tensor<4x8xf32>) -> tensor<?x4xf32>
  %4 = ffn.node "Reshape"(%3, %back) opset 18 {} : (tensor<?x4xf32>, tensor<3xi64>) -> tensor<1x?x4xf32>
  %5 = ffn.node "MatMul"(%x, %y) opset 18 {} : (tensor<1x?x8xf32>, tensor<1x8x?xf32>) -> tensor<1x?x?xf32>
  return %1, %4, %5 : tensor<1x?x4xf32>, tensor<1x?x4xf32>, tensor<1x?x?xf32>
}

// -----

// Near miss: the reshape after the Gemm does not restore the leading dims.
// CHECK-LABEL: func @gemm_other_reshape
// CHECK: ffn.matmul %{{.*}}, %{{.*}} transpose_weight : (tensor<?x8xf32>
// CHECK: ffn.node "Reshape"
func.func @gemm_other_reshape(%x: tensor<2x?x8xf32>) -> tensor<1x?x4xf32> {
  %wt = arith.constant dense<0.125> : tensor<4x8xf32>
  %flat = arith.constant dense<[-1, 8]> : tensor<2xi64>
  %back = arith.constant dense<[1, -1, 4]> : tensor<3xi64>
  %0 = ffn.node "Reshape"(%x, %flat) opset 18 {} : (tensor<2x?x8xf32>, tensor<2xi64>) -> tensor<?x8xf32>
  %1 = ffn.node "Gemm"(%0, %wt) opset 18 {transB = 1 : i64} : (tensor<?x8xf32>, tensor<4x8xf32>) -> tensor<?x4xf32>
  %2 = ffn.node "Reshape"(%1, %back) opset 18 {} : (tensor<?x4xf32>, tensor<3xi64>) -> tensor<1x?x4xf32>
  return %2 : tensor<1x?x4xf32>
}

// -----

// CHECK-LABEL: func @embedding
// CHECK: ffn.embedding %{{.*}}[%arg0] : tensor<16x4xf32>, tensor<1x?xi64> -> tensor<1x?x4xf32>
// CHECK-LABEL: func @gather_axis1
// CHECK-NOT: ffn.embedding
// CHECK: ffn.node "Gather"
func.func @embedding(%ids: tensor<1x?xi64>) -> tensor<1x?x4xf32> {
  %table = arith.constant dense<0.5> : tensor<16x4xf32>
  %0 = ffn.node "Gather"(%table, %ids) opset 18 {axis = 0 : i64} : (tensor<16x4xf32>, tensor<1x?xi64>) -> tensor<1x?x4xf32>
  return %0 : tensor<1x?x4xf32>
}
func.func @gather_axis1(%ids: tensor<3xi64>) -> tensor<16x3xf32> {
  %table = arith.constant dense<0.5> : tensor<16x4xf32>
  %0 = ffn.node "Gather"(%table, %ids) opset 18 {axis = 1 : i64} : (tensor<16x4xf32>, tensor<3xi64>) -> tensor<16x3xf32>
  return %0 : tensor<16x3xf32>
}
