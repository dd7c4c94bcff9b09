// RUN: ffn-opt %s --convert-ffn-to-gpu --split-input-file | FileCheck %s

// A dynamic-batch export (GPT-2): rows flattened to [batch * seq, 64] for a
// projection and back to [batch, seq, 64] through a shape computed from the
// input's, and learned positions added to every sequence of the batch (a
// host table of seq rows, which the binary kernel repeats per sequence).
// The reshapes are aliases, their shape arithmetic is gone, and the batch
// stays unbounded.
// CHECK-LABEL: func.func @ffn_plan()
// CHECK-SAME: ffnrt.max_batch = 0
// CHECK-NOT: ffn.node
// CHECK: gpu.launch_func @ffn_kernels::@embed
// CHECK: %[[POS:.*]] = ffnrt.weight [dense_resource<{{.*}}> : tensor<1x32x64xf32>]
// CHECK: %[[SEQ:.*]] = ffnrt.extent seq : i32
// CHECK: gpu.launch_func @ffn_kernels::@binary {{.*}} args(%{{.*}}, %[[POS]] : memref<?xbf16>, {{.*}}, %[[SEQ]] : i32, %{{.*}} : i32, %{{.*}} : i32)
// CHECK: gpu.launch_func @ffn_kernels::@linear
// CHECK: ffnrt.output 0 "result0" {dims = ["batch", "seq", 64]}
func.func @main(%ids: tensor<?x?xi64>) -> tensor<?x?x64xf32> {
  %table = arith.constant dense<0.5> : tensor<100x64xf32>
  %positions = arith.constant dense<0.25> : tensor<32x64xf32>
  %w = arith.constant dense<0.125> : tensor<64x64xf32>
  %zero = arith.constant dense<0> : tensor<i64>
  %one = arith.constant dense<1> : tensor<i64>
  %axis = arith.constant dense<0> : tensor<1xi64>
  %flat = arith.constant dense<[-1, 64]> : tensor<2xi64>
  %features = arith.constant dense<64> : tensor<1xi64>
  %b = ffn.node "Shape"(%ids) opset 18 {end = 1 : i64, start = 0 : i64} : (tensor<?x?xi64>) -> tensor<1xi64>
  %s = ffn.node "Shape"(%ids) opset 18 {end = 2 : i64, start = 1 : i64} : (tensor<?x?xi64>) -> tensor<1xi64>
  %n = ffn.node "Squeeze"(%s) opset 18 {} : (tensor<1xi64>) -> tensor<i64>
  %range = ffn.node "Range"(%zero, %n, %one) opset 18 {} : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  %pos = ffn.node "Unsqueeze"(%range, %axis) opset 18 {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<1x?xi64>
  %x = ffn.embedding %table[%ids] : tensor<100x64xf32>, tensor<?x?xi64> -> tensor<?x?x64xf32>
  %p = ffn.embedding %positions[%pos] : tensor<32x64xf32>, tensor<1x?xi64> -> tensor<1x?x64xf32>
  %h = ffn.node "Add"(%x, %p) opset 18 {} : (tensor<?x?x64xf32>, tensor<1x?x64xf32>) -> tensor<?x?x64xf32>
  %rows = ffn.node "Reshape"(%h, %flat) opset 18 {} : (tensor<?x?x64xf32>, tensor<2xi64>) -> tensor<?x64xf32>
  %y = ffn.matmul %rows, %w : (tensor<?x64xf32>, tensor<64x64xf32>) -> tensor<?x64xf32>
  %shape = ffn.node "Concat"(%b, %s, %features) opset 18 {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<3xi64>
  %out = ffn.node "Reshape"(%y, %shape) opset 18 {allowzero = 1 : i64} : (tensor<?x64xf32>, tensor<3xi64>) -> tensor<?x?x64xf32>
  return %out : tensor<?x?x64xf32>
}

// -----

// Gemma scales its embedding by a scalar: a row of one feature, broadcast.
// CHECK-LABEL: func.func @ffn_plan()
// CHECK: gpu.launch_func @ffn_kernels::@embed
// CHECK: %[[SCALE:.*]] = ffnrt.weight [dense<8.000000e+00> : tensor<f32>]
// CHECK: gpu.launch_func @ffn_kernels::@binary {{.*}} args(%{{.*}}, %[[SCALE]] : memref<?xbf16>, {{.*}}, %{{.*}} : i32, %{{.*}} : i32, %c1_i32{{.*}} : i32, %c1_i32{{.*}} : i32, %{{.*}} : i32)
func.func @main(%ids: tensor<?x?xi64>) -> tensor<?x?x64xf32> {
  %table = arith.constant dense<0.5> : tensor<100x64xf32>
  %scale = arith.constant dense<8.0> : tensor<f32>
  %x = ffn.embedding %table[%ids] : tensor<100x64xf32>, tensor<?x?xi64> -> tensor<?x?x64xf32>
  %y = ffn.node "Mul"(%x, %scale) opset 18 {} : (tensor<?x?x64xf32>, tensor<f32>) -> tensor<?x?x64xf32>
  return %y : tensor<?x?x64xf32>
}
