// RUN: ffn-opt %s --split-input-file --ffn-horizontal-fusion --verify-diagnostics | FileCheck %s

// q, k and v read one input: one matmul of width 64 + 32 + 32, sliced back;
// only k has a bias, so the merged bias is zero elsewhere.
// CHECK-LABEL: func @qkv
// CHECK-SAME: (%[[X:.*]]: tensor<1x?x64xf32>)
// CHECK-DAG: %[[W:.*]] = arith.constant dense_resource<ffn_horizontal.weight> : tensor<64x128xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense_resource<ffn_horizontal.bias> : tensor<128xf32>
// CHECK: %[[M:.*]] = ffn.matmul %[[X]], %[[W]] bias(%[[B]]) : (tensor<1x?x64xf32>, tensor<64x128xf32>, tensor<128xf32>) -> tensor<1x?x128xf32>
// CHECK: %[[S:.*]] = tensor.dim %[[X]], %c1
// CHECK: %[[Q:.*]] = tensor.extract_slice %[[M]][0, 0, 0] [1, %[[S]], 64] [1, 1, 1] : tensor<1x?x128xf32> to tensor<1x?x64xf32>
// CHECK: %[[K:.*]] = tensor.extract_slice %[[M]][0, 0, 64] [1, %[[S]], 32] [1, 1, 1] : tensor<1x?x128xf32> to tensor<1x?x32xf32>
// CHECK: %[[V:.*]] = tensor.extract_slice %[[M]][0, 0, 96] [1, %[[S]], 32] [1, 1, 1] : tensor<1x?x128xf32> to tensor<1x?x32xf32>
// CHECK-NOT: ffn.matmul
// CHECK: return %[[Q]], %[[K]], %[[V]]
func.func @qkv(%x: tensor<1x?x64xf32>) -> (tensor<1x?x64xf32>, tensor<1x?x32xf32>, tensor<1x?x32xf32>) {
  %wq = arith.constant dense<0.5> : tensor<64x64xf32>
  %wk = arith.constant dense<0.25> : tensor<64x32xf32>
  %bk = arith.constant dense<1.0> : tensor<32xf32>
  %wv = arith.constant dense<0.125> : tensor<64x32xf32>
  // expected-remark @+1 {{merged 3 matmuls that read one input into one of width 128}}
  %q = ffn.matmul %x, %wq : (tensor<1x?x64xf32>, tensor<64x64xf32>) -> tensor<1x?x64xf32>
  %k = ffn.matmul %x, %wk bias(%bk) : (tensor<1x?x64xf32>, tensor<64x32xf32>, tensor<32xf32>) -> tensor<1x?x32xf32>
  %v = ffn.matmul %x, %wv : (tensor<1x?x64xf32>, tensor<64x32xf32>) -> tensor<1x?x32xf32>
  return %q, %k, %v : tensor<1x?x64xf32>, tensor<1x?x32xf32>, tensor<1x?x32xf32>
}

// -----

// Transposed weights concatenate along rows and group apart from the
// others; a lone matmul and one with a non-constant weight stay.
// CHECK-LABEL: func @layouts
// CHECK: ffn.matmul %arg0, %{{.*}} transpose_weight : (tensor<4x8xf32>, tensor<12x8xf32>) -> tensor<4x12xf32>
// CHECK: ffn.matmul %arg0, %{{.*}} : (tensor<4x8xf32>, tensor<8x2xf32>) -> tensor<4x2xf32>
// CHECK: ffn.matmul %arg0, %arg1 : (tensor<4x8xf32>, tensor<8x3xf32>) -> tensor<4x3xf32>
func.func @layouts(%x: tensor<4x8xf32>, %w: tensor<8x3xf32>) -> (tensor<4x5xf32>, tensor<4x7xf32>, tensor<4x2xf32>, tensor<4x3xf32>) {
  %a = arith.constant dense<0.5> : tensor<5x8xf32>
  %b = arith.constant dense<0.25> : tensor<7x8xf32>
  %c = arith.constant dense<0.125> : tensor<8x2xf32>
  // expected-remark @+1 {{merged 2 matmuls that read one input into one of width 12}}
  %0 = ffn.matmul %x, %a transpose_weight : (tensor<4x8xf32>, tensor<5x8xf32>) -> tensor<4x5xf32>
  %1 = ffn.matmul %x, %b transpose_weight : (tensor<4x8xf32>, tensor<7x8xf32>) -> tensor<4x7xf32>
  %2 = ffn.matmul %x, %c : (tensor<4x8xf32>, tensor<8x2xf32>) -> tensor<4x2xf32>
  %3 = ffn.matmul %x, %w : (tensor<4x8xf32>, tensor<8x3xf32>) -> tensor<4x3xf32>
  return %0, %1, %2, %3 : tensor<4x5xf32>, tensor<4x7xf32>, tensor<4x2xf32>, tensor<4x3xf32>
}
