// An ONNX Add of a projection (or an MLP) to a tensor computed before it
// becomes the residual epilogue of the projection's launch.
// RUN: ffn-opt %s --convert-ffn-to-gpu=chip=sm_80 --split-input-file | FileCheck %s

// A projection whose only use adds it to a tensor computed earlier (an
// attention's output projection and the residual stream): one launch with
// the residual in its epilogue, and no binary add.
// CHECK-LABEL: func.func @ffn_plan()
// CHECK: %[[X:.*]] = ffnrt.alloc {bytes = 524288 : i64}
// CHECK: %[[OUT:.*]] = ffnrt.alloc {bytes = 524288 : i64}
// CHECK: %[[W:.*]] = ffnrt.weight [dense<5.000000e-01> : tensor<64x64xf32>] transpose
// CHECK: %[[RES:.*]] = ffnrt.flags #ffnrt.epilogue<residual>
// CHECK: gpu.launch_func  @ffn_kernels::@linear {{.*}} args(%[[X]] : memref<?xbf16>, %[[W]] : memref<?xbf16>, %[[W]] : memref<?xbf16>, %[[X]] : memref<?xbf16>, %[[OUT]] : memref<?xbf16>, {{.*}}, %[[RES]] : i32, %{{.*}} : i32)
// CHECK-NOT: @ffn_kernels::@binary
// CHECK: ffnrt.output 0
// CHECK-NOT: @ffn_kernels::@binary
// CHECK: gpu.module @ffn_kernels
func.func @main(%ids: tensor<?x?xi64>) -> tensor<?x?x64xf32> {
  %table = arith.constant dense<1.0> : tensor<100x64xf32>
  %w = arith.constant dense<0.5> : tensor<64x64xf32>
  %x = ffn.embedding %table[%ids] : tensor<100x64xf32>, tensor<?x?xi64> -> tensor<?x?x64xf32>
  %y = ffn.matmul %x, %w : (tensor<?x?x64xf32>, tensor<64x64xf32>) -> tensor<?x?x64xf32>
  %z = ffn.node "Add"(%x, %y) opset 18 {} : (tensor<?x?x64xf32>, tensor<?x?x64xf32>) -> tensor<?x?x64xf32>
  return %z : tensor<?x?x64xf32>
}

// -----

// The same through the exporter's flattening: the projection of [tokens,
// 64] rows reshaped back to [batch, seq, 64] (an alias) before the add.
// CHECK-LABEL: func.func @ffn_plan()
// CHECK: %[[RES:.*]] = ffnrt.flags #ffnrt.epilogue<residual>
// CHECK: gpu.launch_func  @ffn_kernels::@linear {{.*}} %[[RES]] : i32, %{{.*}} : i32)
// CHECK-NOT: @ffn_kernels::@binary
// CHECK: gpu.module @ffn_kernels
func.func @main(%ids: tensor<?x?xi64>) -> tensor<?x?x64xf32> {
  %table = arith.constant dense<1.0> : tensor<100x64xf32>
  %w = arith.constant dense<0.5> : tensor<64x64xf32>
  %rows = arith.constant dense<[-1, 64]> : tensor<2xi64>
  %features = arith.constant dense<64> : tensor<1xi64>
  %x = ffn.embedding %table[%ids] : tensor<100x64xf32>, tensor<?x?xi64> -> tensor<?x?x64xf32>
  %flat = ffn.node "Reshape"(%x, %rows) opset 18 {} : (tensor<?x?x64xf32>, tensor<2xi64>) -> tensor<?x64xf32>
  %y = ffn.matmul %flat, %w : (tensor<?x64xf32>, tensor<64x64xf32>) -> tensor<?x64xf32>
  %lead = ffn.node "Shape"(%x) opset 18 {end = 2 : i64, start = 0 : i64} : (tensor<?x?x64xf32>) -> tensor<2xi64>
  %shape = ffn.node "Concat"(%lead, %features) opset 18 {axis = 0 : i64} : (tensor<2xi64>, tensor<1xi64>) -> tensor<3xi64>
  %y3 = ffn.node "Reshape"(%y, %shape) opset 18 {} : (tensor<?x64xf32>, tensor<3xi64>) -> tensor<?x?x64xf32>
  %z = ffn.node "Add"(%y3, %x) opset 18 {} : (tensor<?x?x64xf32>, tensor<?x?x64xf32>) -> tensor<?x?x64xf32>
  return %z : tensor<?x?x64xf32>
}

// -----

// Near misses, each left to a binary add: the other operand computed after
// the projection, the projection used twice, a residual broadcast over the
// batch.
// CHECK-LABEL: func.func @ffn_plan()
// CHECK-COUNT-3: @ffn_kernels::@binary
// CHECK-NOT: #ffnrt.epilogue<residual>
// CHECK: gpu.module @ffn_kernels
func.func @main(%ids: tensor<?x?xi64>) -> (tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<?x?x64xf32>) {
  %table = arith.constant dense<1.0> : tensor<100x64xf32>
  %w = arith.constant dense<0.5> : tensor<64x64xf32>
  %p = arith.constant dense<0.25> : tensor<64xf32>
  %x = ffn.embedding %table[%ids] : tensor<100x64xf32>, tensor<?x?xi64> -> tensor<?x?x64xf32>
  %y = ffn.matmul %x, %w : (tensor<?x?x64xf32>, tensor<64x64xf32>) -> tensor<?x?x64xf32>
  %later = ffn.activation <relu> %x : tensor<?x?x64xf32>
  %a = ffn.node "Add"(%y, %later) opset 18 {} : (tensor<?x?x64xf32>, tensor<?x?x64xf32>) -> tensor<?x?x64xf32>
  %twice = ffn.matmul %x, %w : (tensor<?x?x64xf32>, tensor<64x64xf32>) -> tensor<?x?x64xf32>
  %b = ffn.node "Add"(%twice, %x) opset 18 {} : (tensor<?x?x64xf32>, tensor<?x?x64xf32>) -> tensor<?x?x64xf32>
  %one = ffn.matmul %x, %w : (tensor<?x?x64xf32>, tensor<64x64xf32>) -> tensor<?x?x64xf32>
  %c = ffn.node "Add"(%one, %p) opset 18 {} : (tensor<?x?x64xf32>, tensor<64xf32>) -> tensor<?x?x64xf32>
  return %a, %b, %twice, %c : tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<?x?x64xf32>
}

// -----

// BERT's post-norm layer: the MLP's down projection takes the residual.
// CHECK-LABEL: func.func @ffn_plan()
// CHECK: %[[X:.*]] = ffnrt.alloc {bytes = 524288 : i64}
// CHECK: %[[OUT:.*]] = ffnrt.alloc {bytes = 524288 : i64}
// CHECK: %[[H:.*]] = ffnrt.alloc {bytes = 2097152 : i64}
// CHECK: gpu.launch_func  @ffn_kernels::@linear {{.*}} args(%[[X]] : memref<?xbf16>, {{.*}}, %[[H]] : memref<?xbf16>,
// CHECK: %[[RES:.*]] = ffnrt.flags #ffnrt.epilogue<residual>
// CHECK: gpu.launch_func  @ffn_kernels::@linear {{.*}} args(%[[H]] : memref<?xbf16>, {{.*}}, %[[X]] : memref<?xbf16>, %[[OUT]] : memref<?xbf16>, {{.*}}, %[[RES]] : i32, %{{.*}} : i32)
// CHECK-NOT: @ffn_kernels::@binary
// CHECK: gpu.module @ffn_kernels
func.func @main(%ids: tensor<?x?xi64>) -> tensor<?x?x64xf32> {
  %table = arith.constant dense<1.0> : tensor<100x64xf32>
  %up = arith.constant dense<0.5> : tensor<64x256xf32>
  %down = arith.constant dense<0.25> : tensor<256x64xf32>
  %x = ffn.embedding %table[%ids] : tensor<100x64xf32>, tensor<?x?xi64> -> tensor<?x?x64xf32>
  %y = ffn.mlp %x up(%up) down(%down) act <gelu> : (tensor<?x?x64xf32>, tensor<64x256xf32>, tensor<256x64xf32>) -> tensor<?x?x64xf32>
  %z = ffn.node "Add"(%y, %x) opset 18 {} : (tensor<?x?x64xf32>, tensor<?x?x64xf32>) -> tensor<?x?x64xf32>
  return %z : tensor<?x?x64xf32>
}
