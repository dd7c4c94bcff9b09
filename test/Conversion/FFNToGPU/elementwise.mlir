// Activations, ONNX arithmetic, reshapes, slices, splits and MatMul nodes.
// RUN: ffn-opt %s --convert-ffn-to-gpu | FileCheck %s

// CHECK-LABEL: func.func @ffn_plan()
// CHECK: %[[X:.*]] = ffnrt.alloc {bytes = 524288 : i64}
// CHECK: gpu.launch_func  @ffn_kernels::@embed
// One thread per element, 256 per CTA.
// CHECK: %[[A:.*]] = ffnrt.alloc {bytes = 524288 : i64}
// CHECK: %[[N:.*]] = ffnrt.extent tokens * 64 : i32
// CHECK: %[[SILU:.*]] = ffnrt.flags #ffnrt.activation<silu>
// CHECK: %[[G:.*]] = ffnrt.extent tokens * 64 ceildiv 256 : index
// CHECK: gpu.launch_func  @ffn_kernels::@unary blocks in (%[[G]], {{.*}} args(%[[X]] : memref<?xbf16>, %[[A]] : memref<?xbf16>, %[[N]] : i32, %[[SILU]] : i32)
// Device + device: both have a row per token.
// CHECK: %[[ROWS:.*]] = ffnrt.extent tokens : i32
// CHECK: %[[ADD:.*]] = ffnrt.flags #ffnrt.binary<add>
// CHECK: gpu.launch_func  @ffn_kernels::@binary {{.*}} args(%[[X]] : memref<?xbf16>, %[[A]] : memref<?xbf16>, %{{.*}} : memref<?xbf16>, %{{.*}} : i32, %{{.*}} : i32, %[[ROWS]] : i32, %{{.*}} : i32, %{{.*}} : i32, %{{.*}} : i32, %[[ADD]] : i32)
// A constant [1, 64] broadcasts over rows: one row.
// CHECK: %[[C:.*]] = ffnrt.weight [dense<2.000000e+00> : tensor<1x64xf32>] : memref<?xbf16>
// CHECK: %[[ONE:.*]] = arith.constant 1 : i32
// CHECK: %[[MUL:.*]] = ffnrt.flags #ffnrt.binary<mul>
// CHECK: gpu.launch_func  @ffn_kernels::@binary {{.*}} %[[C]] : memref<?xbf16>, {{.*}} %[[ONE]] : i32, %{{.*}} : i32, %[[MUL]] : i32)
// A reshape that keeps [rows, features] is the same buffer: the slice reads
// the product directly. Columns 16..48 of 64.
// CHECK: %[[S:.*]] = ffnrt.alloc {bytes = 262144 : i64}
// CHECK: %[[W32:.*]] = arith.constant 32 : i32
// CHECK: %[[IN64:.*]] = arith.constant 64 : i32
// CHECK: %[[OFF:.*]] = arith.constant 16 : i32
// CHECK: gpu.launch_func  @ffn_kernels::@slice_cols {{.*}} args(%[[P:.*]] : memref<?xbf16>, %[[S]] : memref<?xbf16>, %{{.*}} : i32, %[[W32]] : i32, %[[IN64]] : i32, %[[OFF]] : i32)
// A split of the last axis: one column slice per result.
// CHECK: gpu.launch_func  @ffn_kernels::@slice_cols
// CHECK: gpu.launch_func  @ffn_kernels::@slice_cols
// An ONNX MatMul against a constant is a linear layer.
// CHECK: ffnrt.weight [dense<5.000000e-01> : tensor<32x64xf32>] transpose
// CHECK: gpu.launch_func  @ffn_kernels::@linear
func.func @main(%ids: tensor<?x?xi64>) -> (tensor<?x?x32xf32>, tensor<?x?x24xf32>, tensor<?x?x40xf32>, tensor<?x?x64xf32>) {
  %table = arith.constant dense<1.0> : tensor<100x64xf32>
  %two = arith.constant dense<2.0> : tensor<1x64xf32>
  %shape = arith.constant dense<[0, 0, 64]> : tensor<3xi64>
  %starts = arith.constant dense<[16]> : tensor<1xi64>
  %ends = arith.constant dense<[48]> : tensor<1xi64>
  %last = arith.constant dense<[-1]> : tensor<1xi64>
  %sizes = arith.constant dense<[24, 40]> : tensor<2xi64>
  %w = arith.constant dense<0.5> : tensor<32x64xf32>
  %x = ffn.embedding %table[%ids] : tensor<100x64xf32>, tensor<?x?xi64> -> tensor<?x?x64xf32>
  %a = ffn.activation <silu> %x : tensor<?x?x64xf32>
  %s = ffn.node "Add"(%x, %a) opset 18 {} : (tensor<?x?x64xf32>, tensor<?x?x64xf32>) -> tensor<?x?x64xf32>
  %p = ffn.node "Mul"(%s, %two) opset 18 {} : (tensor<?x?x64xf32>, tensor<1x64xf32>) -> tensor<?x?x64xf32>
  %r = ffn.node "Reshape"(%p, %shape) opset 18 {} : (tensor<?x?x64xf32>, tensor<3xi64>) -> tensor<?x?x64xf32>
  %c = ffn.node "Slice"(%r, %starts, %ends, %last) opset 18 {} : (tensor<?x?x64xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x?x32xf32>
  %h:2 = ffn.node "Split"(%p, %sizes) opset 18 {axis = -1 : i64} : (tensor<?x?x64xf32>, tensor<2xi64>) -> (tensor<?x?x24xf32>, tensor<?x?x40xf32>)
  %m = ffn.node "MatMul"(%c, %w) opset 18 {} : (tensor<?x?x32xf32>, tensor<32x64xf32>) -> tensor<?x?x64xf32>
  return %c, %h#0, %h#1, %m : tensor<?x?x32xf32>, tensor<?x?x24xf32>, tensor<?x?x40xf32>, tensor<?x?x64xf32>
}
