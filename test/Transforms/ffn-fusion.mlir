// FFN Fusion on explicit ranges.
// RUN: ffn-opt %s --split-input-file --ffn-fusion="ranges=0-1" | FileCheck %s

// The fused block replaces blocks 0 and 1; block 2 stays.
// CHECK-LABEL: func @two_of_three
// CHECK: %[[F:.*]] = ffn.ffn_block %arg0 norm <rms>(%{{.*}}) eps 9.99999974E-6 gate(%{{.*}}) up(%{{.*}}) down(%{{.*}}) act <silu> : (tensor<2x8xf32>, tensor<8xf32>, tensor<8x32xf32>, tensor<8x32xf32>, tensor<32x8xf32>) -> tensor<2x8xf32>
// CHECK: %[[L:.*]] = ffn.ffn_block %[[F]] norm <rms>(%{{.*}}) eps 9.99999974E-6 gate(%{{.*}}) up(%{{.*}}) down(%{{.*}}) act <silu> : (tensor<2x8xf32>, tensor<8xf32>, tensor<8x16xf32>
// CHECK: return %[[L]]
func.func @two_of_three(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %g = arith.constant dense<1.5> : tensor<8xf32>
  %wg = arith.constant dense<0.25> : tensor<8x16xf32>
  %wu = arith.constant dense<0.5> : tensor<8x16xf32>
  %wd = arith.constant dense<0.125> : tensor<16x8xf32>
  %b0 = ffn.ffn_block %x norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<2x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  %b1 = ffn.ffn_block %b0 norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<2x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  %b2 = ffn.ffn_block %b1 norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<2x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  return %b2 : tensor<2x8xf32>
}

// -----

// LayerNorm blocks: the norm biases fold into the first projection's bias
// and the down biases add up.
// CHECK-LABEL: func @layer_norm_blocks
// CHECK: ffn.ffn_block %arg0 norm <layer>(%{{.*}}) eps {{.*}} up(%{{.*}}) up_bias(%{{.*}}) down(%{{.*}}) down_bias(%{{.*}}) act <gelu> : (tensor<2x8xf32>, tensor<8xf32>, tensor<8x32xf32>, tensor<32xf32>, tensor<32x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
func.func @layer_norm_blocks(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %g = arith.constant dense<1.5> : tensor<8xf32>
  %beta = arith.constant dense<0.1> : tensor<8xf32>
  %w1 = arith.constant dense<0.5> : tensor<8x16xf32>
  %w2 = arith.constant dense<0.125> : tensor<16x8xf32>
  %bd = arith.constant dense<0.01> : tensor<8xf32>
  %b0 = ffn.ffn_block %x norm <layer>(%g, %beta) eps 1.0e-05 up(%w1) down(%w2) down_bias(%bd) act <gelu> : (tensor<2x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<16x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  %b1 = ffn.ffn_block %b0 norm <layer>(%g, %beta) eps 1.0e-05 up(%w1) down(%w2) down_bias(%bd) act <gelu> : (tensor<2x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<16x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return %b1 : tensor<2x8xf32>
}
