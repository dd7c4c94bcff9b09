// Attention: a warp per (query, head, batch), grid (seq, heads, batch); GQA
// by the head counts, the mask as #ffnrt.mask.
// RUN: ffn-opt %s --convert-ffn-to-gpu | FileCheck %s

// CHECK-LABEL: func.func @ffn_plan()
// CHECK: %[[Q:.*]] = ffnrt.alloc {bytes = 524288 : i64}
// CHECK: %[[K:.*]] = ffnrt.alloc {bytes = 262144 : i64}
// CHECK: %[[O:.*]] = ffnrt.alloc {bytes = 524288 : i64}
// CHECK: %[[SEQ:.*]] = ffnrt.extent seq : i32
// CHECK: %[[HEADS:.*]] = arith.constant 4 : i32
// CHECK: %[[KV:.*]] = arith.constant 2 : i32
// CHECK: %[[D:.*]] = arith.constant 16 : i32
// CHECK: %[[SCALE:.*]] = arith.constant 2.500000e-01 : f32
// CHECK: %[[CAUSAL:.*]] = ffnrt.flags #ffnrt.mask<causal>
// CHECK: %[[GX:.*]] = ffnrt.extent seq : index
// CHECK: %[[GY:.*]] = arith.constant 4 : index
// CHECK: %[[GZ:.*]] = ffnrt.extent batch : index
// CHECK: %[[WARP:.*]] = arith.constant 32 : index
// CHECK: gpu.launch_func  @ffn_kernels::@attention blocks in (%[[GX]], %[[GY]], %[[GZ]]) threads in (%[[WARP]], %{{.*}}, %{{.*}})  args(%[[Q]] : memref<?xbf16>, %[[K]] : memref<?xbf16>, %[[K]] : memref<?xbf16>, %[[O]] : memref<?xbf16>, %[[SEQ]] : i32, %[[HEADS]] : i32, %[[KV]] : i32, %[[D]] : i32, %[[SCALE]] : f32, %[[CAUSAL]] : i32)
// CHECK: ffnrt.flags #ffnrt.mask<none>
// CHECK: gpu.launch_func  @ffn_kernels::@attention
func.func @main(%ids: tensor<?x?xi64>) -> (tensor<?x?x64xf32>, tensor<?x?x64xf32>) {
  %tq = arith.constant dense<1.0> : tensor<100x64xf32>
  %tk = arith.constant dense<0.5> : tensor<100x32xf32>
  %q = ffn.embedding %tq[%ids] : tensor<100x64xf32>, tensor<?x?xi64> -> tensor<?x?x64xf32>
  %k = ffn.embedding %tk[%ids] : tensor<100x32xf32>, tensor<?x?xi64> -> tensor<?x?x32xf32>
  %0 = ffn.attention %q, %k, %k heads(4, 2) scale 0.25 causal : tensor<?x?x64xf32>, tensor<?x?x32xf32>, tensor<?x?x32xf32>
  %1 = ffn.attention %q, %k, %k heads(4, 2) scale 0.25 : tensor<?x?x64xf32>, tensor<?x?x32xf32>, tensor<?x?x32xf32>
  return %0, %1 : tensor<?x?x64xf32>, tensor<?x?x64xf32>
}
