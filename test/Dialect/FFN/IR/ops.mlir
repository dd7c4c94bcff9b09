// Round trip of every op in custom and generic form.
// RUN: ffn-opt %s | ffn-opt | FileCheck %s
// RUN: ffn-opt %s --mlir-print-op-generic | ffn-opt | FileCheck %s

// CHECK-LABEL: func @norms
func.func @norms(%x: tensor<?x?x64xf32>, %g: tensor<64xf32>, %b: tensor<64xf32>) -> (tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<?x?x64xf32>) {
  // CHECK: ffn.rms_norm %{{.*}}, %{{.*}} eps 9.99999974E-6 : tensor<?x?x64xf32>, tensor<64xf32>
  %0 = ffn.rms_norm %x, %g eps 1.0e-05 : tensor<?x?x64xf32>, tensor<64xf32>
  // CHECK: ffn.rms_norm %{{.*}}, %{{.*}} eps 9.99999997E-7 unit_offset : tensor<?x?x64xf32>, tensor<64xf32>
  %1 = ffn.rms_norm %x, %g eps 1.0e-06 unit_offset : tensor<?x?x64xf32>, tensor<64xf32>
  // CHECK: ffn.layer_norm %{{.*}}, %{{.*}}, %{{.*}} eps 9.99999974E-6 : tensor<?x?x64xf32>, tensor<64xf32>, tensor<64xf32>
  %2 = ffn.layer_norm %x, %g, %b eps 1.0e-05 : tensor<?x?x64xf32>, tensor<64xf32>, tensor<64xf32>
  // CHECK: ffn.layer_norm %{{.*}}, %{{.*}} eps 9.99999974E-6 : tensor<?x?x64xf32>, tensor<64xf32>{{$}}
  %3 = ffn.layer_norm %x, %g eps 1.0e-05 : tensor<?x?x64xf32>, tensor<64xf32>
  return %0, %1, %2, %3 : tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<?x?x64xf32>
}

// CHECK-LABEL: func @matmuls
func.func @matmuls(%x: tensor<?x?x64xbf16>, %w: tensor<64x128xbf16>, %wt: tensor<128x64xbf16>, %b: tensor<128xbf16>) -> (tensor<?x?x128xbf16>, tensor<?x?x128xbf16>) {
  // CHECK: ffn.matmul %{{.*}}, %{{.*}} : (tensor<?x?x64xbf16>, tensor<64x128xbf16>) -> tensor<?x?x128xbf16>
  %0 = ffn.matmul %x, %w : (tensor<?x?x64xbf16>, tensor<64x128xbf16>) -> tensor<?x?x128xbf16>
  // CHECK: ffn.matmul %{{.*}}, %{{.*}} bias(%{{.*}}) transpose_weight : (tensor<?x?x64xbf16>, tensor<128x64xbf16>, tensor<128xbf16>) -> tensor<?x?x128xbf16>
  %1 = ffn.matmul %x, %wt bias(%b) transpose_weight : (tensor<?x?x64xbf16>, tensor<128x64xbf16>, tensor<128xbf16>) -> tensor<?x?x128xbf16>
  return %0, %1 : tensor<?x?x128xbf16>, tensor<?x?x128xbf16>
}

// CHECK-LABEL: func @mlps
func.func @mlps(%x: tensor<1x16x64xf16>, %w1: tensor<64x256xf16>, %b1: tensor<256xf16>, %w2: tensor<256x64xf16>, %b2: tensor<64xf16>) -> (tensor<1x16x64xf16>, tensor<1x16x64xf16>) {
  // CHECK: ffn.mlp %{{.*}} up(%{{.*}}) up_bias(%{{.*}}) down(%{{.*}}) down_bias(%{{.*}}) act <gelu> :
  %0 = ffn.mlp %x up(%w1) up_bias(%b1) down(%w2) down_bias(%b2) act <gelu> : (tensor<1x16x64xf16>, tensor<64x256xf16>, tensor<256xf16>, tensor<256x64xf16>, tensor<64xf16>) -> tensor<1x16x64xf16>
  // CHECK: ffn.mlp %{{.*}} gate(%{{.*}}) gate_bias(%{{.*}}) up(%{{.*}}) down(%{{.*}}) act <gelu_tanh> :
  %1 = ffn.mlp %x gate(%w1) gate_bias(%b1) up(%w1) down(%w2) act <gelu_tanh> : (tensor<1x16x64xf16>, tensor<64x256xf16>, tensor<256xf16>, tensor<64x256xf16>, tensor<256x64xf16>) -> tensor<1x16x64xf16>
  return %0, %1 : tensor<1x16x64xf16>, tensor<1x16x64xf16>
}

// CHECK-LABEL: func @blocks
func.func @blocks(%x: tensor<?x?x64xf32>, %g: tensor<64xf32>, %b: tensor<64xf32>, %wg: tensor<64x256xf32>, %wu: tensor<64x256xf32>, %bu: tensor<256xf32>, %wd: tensor<256x64xf32>) -> (tensor<?x?x64xf32>, tensor<?x?x64xf32>) {
  // CHECK: ffn.ffn_block %{{.*}} norm <rms>(%{{.*}}) eps 9.99999974E-6 unit_offset gate(%{{.*}}) up(%{{.*}}) down(%{{.*}}) act <silu> :
  %0 = ffn.ffn_block %x norm <rms>(%g) eps 1.0e-05 unit_offset gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<?x?x64xf32>, tensor<64xf32>, tensor<64x256xf32>, tensor<64x256xf32>, tensor<256x64xf32>) -> tensor<?x?x64xf32>
  // CHECK: ffn.ffn_block %{{.*}} norm <layer>(%{{.*}}, %{{.*}}) eps 9.99999974E-6 up(%{{.*}}) up_bias(%{{.*}}) down(%{{.*}}) down_bias(%{{.*}}) act <relu> :
  %1 = ffn.ffn_block %x norm <layer>(%g, %b) eps 1.0e-05 up(%wu) up_bias(%bu) down(%wd) down_bias(%b) act <relu> : (tensor<?x?x64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64x256xf32>, tensor<256xf32>, tensor<256x64xf32>, tensor<64xf32>) -> tensor<?x?x64xf32>
  return %0, %1 : tensor<?x?x64xf32>, tensor<?x?x64xf32>
}

// CHECK-LABEL: func @activation
func.func @activation(%x: tensor<?x256xf32>) -> tensor<?x256xf32> {
  // CHECK: ffn.activation <gelu> %{{.*}} : tensor<?x256xf32>
  %0 = ffn.activation <gelu> %x : tensor<?x256xf32>
  return %0 : tensor<?x256xf32>
}

// CHECK-LABEL: func @attention
func.func @attention(%q: tensor<1x?x64xf32>, %k: tensor<1x?x32xf32>, %v: tensor<1x?x32xf32>, %cos: tensor<1x?x16xf32>, %sin: tensor<1x?x16xf32>) -> (tensor<1x?x64xf32>, tensor<1x?x64xf32>) {
  // CHECK: ffn.rope %{{.*}}, %{{.*}}, %{{.*}} : tensor<1x?x64xf32>, tensor<1x?x16xf32>
  %0 = ffn.rope %q, %cos, %sin : tensor<1x?x64xf32>, tensor<1x?x16xf32>
  // CHECK: ffn.attention %{{.*}}, %{{.*}}, %{{.*}} heads(4, 2) scale 2.500000e-01 causal : tensor<1x?x64xf32>, tensor<1x?x32xf32>, tensor<1x?x32xf32>
  %1 = ffn.attention %0, %k, %v heads(4, 2) scale 0.25 causal : tensor<1x?x64xf32>, tensor<1x?x32xf32>, tensor<1x?x32xf32>
  // CHECK: ffn.attention %{{.*}}, %{{.*}}, %{{.*}} heads(4, 2) scale 1.250000e-01 : tensor<1x?x64xf32>
  %2 = ffn.attention %0, %k, %v heads(4, 2) scale 0.125 : tensor<1x?x64xf32>, tensor<1x?x32xf32>, tensor<1x?x32xf32>
  return %1, %2 : tensor<1x?x64xf32>, tensor<1x?x64xf32>
}

// CHECK-LABEL: func @attention_key_mask
func.func @attention_key_mask(%q: tensor<?x?x64xf32>, %mask: tensor<?x?xi64>) -> tensor<?x?x64xf32> {
  // CHECK: ffn.attention %{{.*}}, %{{.*}}, %{{.*}} key_mask(%{{.*}} : tensor<?x?xi64>) heads(4, 4) scale 2.500000e-01 : tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<?x?x64xf32>
  %0 = ffn.attention %q, %q, %q key_mask(%mask : tensor<?x?xi64>) heads(4, 4) scale 0.25 : tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<?x?x64xf32>
  return %0 : tensor<?x?x64xf32>
}

// CHECK-LABEL: func @embedding
func.func @embedding(%table: tensor<512x64xf32>, %ids: tensor<?x?xi64>) -> tensor<?x?x64xf32> {
  // CHECK: ffn.embedding %{{.*}}[%{{.*}}] : tensor<512x64xf32>, tensor<?x?xi64> -> tensor<?x?x64xf32>
  %0 = ffn.embedding %table[%ids] : tensor<512x64xf32>, tensor<?x?xi64> -> tensor<?x?x64xf32>
  return %0 : tensor<?x?x64xf32>
}

// CHECK-LABEL: func @node
func.func @node(%x: tensor<1x4x?x?xf32>, %s: tensor<2xi64>) -> (tensor<1x4x?x?xf32>, tensor<?x?xf32>) {
  // CHECK: ffn.node "Softmax"(%{{.*}}) opset 18 {axis = -1 : i64} : (tensor<1x4x?x?xf32>) -> tensor<1x4x?x?xf32>
  %0 = ffn.node "Softmax"(%x) opset 18 {axis = -1 : i64} : (tensor<1x4x?x?xf32>) -> tensor<1x4x?x?xf32>
  // CHECK: ffn.node "Reshape"(%{{.*}}, %{{.*}}) opset 13 {} : (tensor<1x4x?x?xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  %1 = ffn.node "Reshape"(%x, %s) opset 13 {} : (tensor<1x4x?x?xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %0, %1 : tensor<1x4x?x?xf32>, tensor<?x?xf32>
}

// CHECK-LABEL: func @kv_cache
func.func @kv_cache(%q: tensor<1x?x64xf32>, %k: tensor<1x?x32xf32>, %cache: tensor<1x16x32xf32>, %pos: tensor<1x?xi64>, %table: tensor<16x16xf32>) -> tensor<1x?x64xf32> {
  // CHECK: ffn.cache_write %{{.*}} into %{{.*}} at %{{.*}} : tensor<1x?x32xf32> into tensor<1x16x32xf32>, tensor<1x?xi64>
  %0 = ffn.cache_write %k into %cache at %pos : tensor<1x?x32xf32> into tensor<1x16x32xf32>, tensor<1x?xi64>
  // CHECK: ffn.attention %{{.*}}, %{{.*}}, %{{.*}} positions(%{{.*}} : tensor<1x?xi64>) heads(4, 2) scale 2.500000e-01 causal : tensor<1x?x64xf32>, tensor<1x16x32xf32>, tensor<1x16x32xf32>
  %1 = ffn.attention %q, %0, %0 positions(%pos : tensor<1x?xi64>) heads(4, 2) scale 0.25 causal : tensor<1x?x64xf32>, tensor<1x16x32xf32>, tensor<1x16x32xf32>
  // CHECK: ffn.rope %{{.*}}, %{{.*}}, %{{.*}} positions(%{{.*}} : tensor<1x?xi64>) : tensor<1x?x64xf32>, tensor<16x16xf32>
  %2 = ffn.rope %q, %table, %table positions(%pos : tensor<1x?xi64>) : tensor<1x?x64xf32>, tensor<16x16xf32>
  return %1 : tensor<1x?x64xf32>
}
