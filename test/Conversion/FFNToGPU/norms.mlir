// RMSNorm and LayerNorm: one `norm` launch, a CTA of 256 threads per row,
// the kind given as #ffnrt.norm flags.
// RUN: ffn-opt %s --convert-ffn-to-gpu | FileCheck %s

// CHECK-LABEL: func.func @ffn_plan()
// CHECK: %[[X:.*]] = ffnrt.alloc {bytes = 524288 : i64}
// CHECK: gpu.launch_func  @ffn_kernels::@embed
// RMSNorm: the gain doubles as the unused bias operand.
// CHECK: %[[R:.*]] = ffnrt.alloc {bytes = 524288 : i64}
// CHECK: %[[G:.*]] = ffnrt.weight [dense<1.500000e+00> : tensor<64xf32>] : memref<?xbf16>
// CHECK: %[[F:.*]] = arith.constant 64 : i32
// CHECK: %[[EPS:.*]] = arith.constant 9.99999997E-7 : f32
// CHECK: %[[RMS:.*]] = ffnrt.flags #ffnrt.norm<rms>
// CHECK: %[[ROWS:.*]] = ffnrt.extent tokens : index
// CHECK: %[[T256:.*]] = arith.constant 256 : index
// CHECK: gpu.launch_func  @ffn_kernels::@norm blocks in (%[[ROWS]], %{{.*}}, %{{.*}}) threads in (%[[T256]], %{{.*}}, %{{.*}})  args(%[[X]] : memref<?xbf16>, %[[G]] : memref<?xbf16>, %[[G]] : memref<?xbf16>, %[[R]] : memref<?xbf16>, %[[F]] : i32, %[[EPS]] : f32, %[[RMS]] : i32)
// Gemma's 1 + w form.
// CHECK: ffnrt.flags #ffnrt.norm<unit_offset>
// CHECK: gpu.launch_func  @ffn_kernels::@norm
// LayerNorm with a bias, and without.
// CHECK: %[[B:.*]] = ffnrt.weight [dense<2.500000e-01> : tensor<64xf32>] : memref<?xbf16>
// CHECK: %[[LB:.*]] = ffnrt.flags #ffnrt.norm<layer|bias>
// CHECK: gpu.launch_func  @ffn_kernels::@norm {{.*}} args(%[[X]] : memref<?xbf16>, %{{.*}} : memref<?xbf16>, %[[B]] : memref<?xbf16>, {{.*}} %[[LB]] : i32)
// CHECK: ffnrt.flags #ffnrt.norm<layer>
// CHECK: gpu.launch_func  @ffn_kernels::@norm
func.func @main(%ids: tensor<?x?xi64>) -> (tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<?x?x64xf32>) {
  %table = arith.constant dense<1.0> : tensor<100x64xf32>
  %g = arith.constant dense<1.5> : tensor<64xf32>
  %b = arith.constant dense<0.25> : tensor<64xf32>
  %x = ffn.embedding %table[%ids] : tensor<100x64xf32>, tensor<?x?xi64> -> tensor<?x?x64xf32>
  %0 = ffn.rms_norm %x, %g eps 1.0e-06 : tensor<?x?x64xf32>, tensor<64xf32>
  %1 = ffn.rms_norm %x, %g eps 1.0e-06 unit_offset : tensor<?x?x64xf32>, tensor<64xf32>
  %2 = ffn.layer_norm %x, %g, %b eps 1.0e-05 : tensor<?x?x64xf32>, tensor<64xf32>, tensor<64xf32>
  %3 = ffn.layer_norm %x, %g eps 1.0e-05 : tensor<?x?x64xf32>, tensor<64xf32>
  return %0, %1, %2, %3 : tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<?x?x64xf32>
}
