// Token embedding and RoPE. Values computed from the sequence length alone
// (position ids, cos/sin) become tables evaluated on the host for the
// longest sequence; a table that ends early bounds the sequence.
// RUN: ffn-opt %s --convert-ffn-to-gpu=max-tokens=8 --split-input-file | FileCheck %s

// The ids' limit is the table's vocabulary.
// CHECK-LABEL: func.func @ffn_plan()
// CHECK-SAME: ffnrt.max_seq = 0 : i64, ffnrt.max_tokens = 8 : i64
// CHECK: %[[IDS:.*]] = ffnrt.input 0 "arg0" {dims = ["batch", "seq"], value_limit = 100 : i64} : memref<?xi64>
// CHECK: %[[T:.*]] = ffnrt.weight [dense<1.000000e+00> : tensor<100x64xf32>] : memref<?xbf16>
// CHECK: %[[X:.*]] = ffnrt.alloc {bytes = 1024 : i64} : memref<?xbf16>
// CHECK: %[[ROWS:.*]] = ffnrt.extent tokens : i32
// CHECK: gpu.launch_func  @ffn_kernels::@embed {{.*}} args(%[[T]] : memref<?xbf16>, %[[IDS]] : memref<?xi64>, %[[X]] : memref<?xbf16>, %{{.*}} : i32, %[[ROWS]] : i32)
// cos and sin of position * frequency, stored in f32.
// CHECK: %[[COS:.*]] = ffnrt.weight [dense_resource<ffn_host_{{[0-9]+}}> : tensor<1x8x16xf32>] : memref<?xf32>
// CHECK: %[[SIN:.*]] = ffnrt.weight [dense_resource<ffn_host_{{[0-9]+}}> : tensor<1x8x16xf32>] : memref<?xf32>
// CHECK: %[[HALF:.*]] = arith.constant 16 : i32
// One tensor: grid y 1, the second tensor's arguments repeat the first's.
// CHECK: gpu.launch_func  @ffn_kernels::@rope blocks in (%{{.*}}, %c1{{.*}}, %c1{{.*}}) {{.*}} args(%[[X]] : memref<?xbf16>, %[[R:.*]] : memref<?xbf16>, %[[F:.*]] : i32, %[[X]] : memref<?xbf16>, %[[R]] : memref<?xbf16>, %[[F]] : i32, %[[COS]] : memref<?xf32>, %[[SIN]] : memref<?xf32>, %{{.*}} : memref<?xi64>, %{{.*}} : i32, %[[HALF]] : i32, %{{.*}} : i32)
// CHECK: ffnrt.output 0 "result0" {dims = ["batch", "seq", 64]}
// Learned position embeddings of positions 0..seq-1 depend on the length
// alone: a table of the longest sequence, read by position.
// CHECK: %[[P:.*]] = ffnrt.weight [dense_resource<ffn_host_{{[0-9]+}}> : tensor<1x8x64xf32>] : memref<?xbf16>
// CHECK: %[[OUT:.*]] = ffnrt.output 1 "result1" {dims = [1, "seq", 64]} : memref<?xf32>
// CHECK: gpu.launch_func  @ffn_kernels::@to_f32 {{.*}} args(%[[P]] : memref<?xbf16>, %[[OUT]] : memref<?xf32>, %{{.*}} : i32)
// Nothing of the shape computation is left.
// CHECK-NOT: ffn.node
func.func @main(%ids: tensor<?x?xi64>) -> (tensor<?x?x64xf32>, tensor<1x?x64xf32>) {
  %table = arith.constant dense<1.0> : tensor<100x64xf32>
  %wpe = arith.constant dense<0.5> : tensor<12x64xf32>
  %c0 = arith.constant dense<0> : tensor<i64>
  %c1 = arith.constant dense<1> : tensor<i64>
  %axes = arith.constant dense<[0, 2]> : tensor<2xi64>
  %axis0 = arith.constant dense<[0]> : tensor<1xi64>
  %freq = arith.constant dense<0.5> : tensor<1x1x16xf32>
  %x = ffn.embedding %table[%ids] : tensor<100x64xf32>, tensor<?x?xi64> -> tensor<?x?x64xf32>
  %s = ffn.node "Shape"(%ids) opset 18 {end = 2 : i64, start = 1 : i64} : (tensor<?x?xi64>) -> tensor<1xi64>
  %n = ffn.node "Squeeze"(%s) opset 18 {} : (tensor<1xi64>) -> tensor<i64>
  %r = ffn.node "Range"(%c0, %n, %c1) opset 18 {} : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  %pos = ffn.node "Unsqueeze"(%r, %axis0) opset 18 {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<1x?xi64>
  %p = ffn.embedding %wpe[%pos] : tensor<12x64xf32>, tensor<1x?xi64> -> tensor<1x?x64xf32>
  %u = ffn.node "Unsqueeze"(%r, %axes) opset 18 {} : (tensor<?xi64>, tensor<2xi64>) -> tensor<1x?x1xi64>
  %f = ffn.node "Cast"(%u) opset 18 {to = 1 : i64} : (tensor<1x?x1xi64>) -> tensor<1x?x1xf32>
  %a = ffn.node "Mul"(%f, %freq) opset 18 {} : (tensor<1x?x1xf32>, tensor<1x1x16xf32>) -> tensor<1x?x16xf32>
  %cos = ffn.node "Cos"(%a) opset 18 {} : (tensor<1x?x16xf32>) -> tensor<1x?x16xf32>
  %sin = ffn.node "Sin"(%a) opset 18 {} : (tensor<1x?x16xf32>) -> tensor<1x?x16xf32>
  %y = ffn.rope %x, %cos, %sin : tensor<?x?x64xf32>, tensor<1x?x16xf32>
  return %y, %p : tensor<?x?x64xf32>, tensor<1x?x64xf32>
}

// -----

// A table sliced from a constant of 6 rows: longer sequences read past it,
// so the model serves at most 6 tokens per sequence.
// CHECK-LABEL: func.func @ffn_plan()
// CHECK-SAME: ffnrt.max_seq = 6 : i64
// CHECK: ffnrt.weight [dense_resource<ffn_host_{{[0-9]+}}> : tensor<1x6x16xf32>] : memref<?xf32>
func.func @main(%ids: tensor<?x?xi64>) -> tensor<?x?x64xf32> {
  %table = arith.constant dense<1.0> : tensor<100x64xf32>
  %cs = arith.constant dense<0.5> : tensor<1x6x16xf32>
  %zero = arith.constant dense<[0]> : tensor<1xi64>
  %axis1 = arith.constant dense<[1]> : tensor<1xi64>
  %x = ffn.embedding %table[%ids] : tensor<100x64xf32>, tensor<?x?xi64> -> tensor<?x?x64xf32>
  %s = ffn.node "Shape"(%ids) opset 18 {end = 2 : i64, start = 1 : i64} : (tensor<?x?xi64>) -> tensor<1xi64>
  %c = ffn.node "Slice"(%cs, %zero, %s, %axis1) opset 18 {} : (tensor<1x6x16xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<1x?x16xf32>
  %y = ffn.rope %x, %c, %c : tensor<?x?x64xf32>, tensor<1x?x16xf32>
  return %y : tensor<?x?x64xf32>
}
