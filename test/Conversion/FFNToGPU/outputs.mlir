// RUN: ffn-opt %s --convert-ffn-to-gpu | FileCheck %s

// A bf16 model output (a bf16 ONNX export's logits) is widened, exactly,
// into its f32 output buffer, as an f32 one is.
// CHECK-LABEL: func.func @ffn_plan()
// CHECK: %[[ACT:.*]] = ffnrt.alloc {{.*}} : memref<?xbf16>
// CHECK: gpu.launch_func @ffn_kernels::@embed
// CHECK: %[[OUT:.*]] = ffnrt.output 0 "result0" {dims = ["batch", "seq", 64]} : memref<?xf32>
// CHECK: gpu.launch_func @ffn_kernels::@to_f32 {{.*}} args(%[[ACT]] : memref<?xbf16>, %[[OUT]] : memref<?xf32>
func.func @main(%ids: tensor<?x?xi64>) -> tensor<?x?x64xbf16> {
  %table = arith.constant dense<1.0> : tensor<100x64xbf16>
  %x = ffn.embedding %table[%ids] : tensor<100x64xbf16>, tensor<?x?xi64> -> tensor<?x?x64xbf16>
  return %x : tensor<?x?x64xbf16>
}
