// Round trip of the launch-plan ops in custom and generic form.
// RUN: ffn-opt %s | ffn-opt | FileCheck %s
// RUN: ffn-opt %s --mlir-print-op-generic | ffn-opt | FileCheck %s

// CHECK-LABEL: func.func @plan()
func.func @plan() {
  // CHECK: ffnrt.input 0 "input_ids" {dims = ["batch", "seq"], value_limit = 512 : i64} : memref<?xi64>
  %ids = ffnrt.input 0 "input_ids" {dims = ["batch", "seq"], value_limit = 512} : memref<?xi64>
  // CHECK: ffnrt.output 0 "logits" {dims = [1, "seq", 512]} : memref<?xf32>
  %out = ffnrt.output 0 "logits" {dims = [1, "seq", 512]} : memref<?xf32>
  // CHECK: ffnrt.alloc {bytes = 1024 : i64} : memref<?xbf16>
  %a = ffnrt.alloc {bytes = 1024} : memref<?xbf16>
  // CHECK: ffnrt.alloc {bytes = 1024 : i64, offset = 256 : i64} : memref<?xf16>
  %b = ffnrt.alloc {bytes = 1024, offset = 256} : memref<?xf16>
  // CHECK: ffnrt.weight [dense<1.000000e+00> : tensor<4x8xf32>, dense<2.000000e+00> : tensor<4x8xf32>] transpose : memref<?xbf16>
  %w = ffnrt.weight [dense<1.0> : tensor<4x8xf32>, dense<2.0> : tensor<4x8xf32>] transpose : memref<?xbf16>
  // CHECK: ffnrt.weight [dense<[0, 1, 2]> : tensor<3xi64>] : memref<?xi64>
  %p = ffnrt.weight [dense<[0, 1, 2]> : tensor<3xi64>] : memref<?xi64>
  // CHECK: ffnrt.table dense<5.000000e-01> : tensor<1x8x4xf32> -> tensor<1x?x4xf32>
  %t = ffnrt.table dense<0.5> : tensor<1x8x4xf32> -> tensor<1x?x4xf32>
  // CHECK: ffnrt.extent tokens : i32
  %e0 = ffnrt.extent tokens : i32
  // CHECK: ffnrt.extent seq * 4 + 3 ceildiv 4 : index
  %e1 = ffnrt.extent seq * 4 + 3 ceildiv 4 : index
  // CHECK: ffnrt.extent batch + 1 : i32
  %e2 = ffnrt.extent batch + 1 : i32
  // CHECK: ffnrt.flags #ffnrt.epilogue<bias|gated|residual>
  %f0 = ffnrt.flags #ffnrt.epilogue<bias|gated|residual>
  // CHECK: ffnrt.flags #ffnrt.norm<layer|bias>
  %f1 = ffnrt.flags #ffnrt.norm<layer|bias>
  // CHECK: ffnrt.flags #ffnrt.activation<gelu_tanh>
  %f2 = ffnrt.flags #ffnrt.activation<gelu_tanh>
  // CHECK: ffnrt.flags #ffnrt.binary<div>
  %f3 = ffnrt.flags #ffnrt.binary<div>
  // CHECK: ffnrt.flags #ffnrt.mask<causal>
  %f4 = ffnrt.flags #ffnrt.mask<causal>
  return
}
