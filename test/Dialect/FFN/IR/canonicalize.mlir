// RUN: ffn-opt %s --split-input-file --canonicalize | FileCheck %s

// A block of zero width adds nothing to the residual stream.
// CHECK-LABEL: func @zero_width_block
// CHECK-SAME: (%[[X:.*]]: tensor<?x?x8xf32>
// CHECK-NOT: ffn.ffn_block
// CHECK: return %[[X]]
func.func @zero_width_block(%x: tensor<?x?x8xf32>, %g: tensor<8xf32>, %wg: tensor<8x0xf32>, %wu: tensor<8x0xf32>, %wd: tensor<0x8xf32>) -> tensor<?x?x8xf32> {
  %0 = ffn.ffn_block %x norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<?x?x8xf32>, tensor<8xf32>, tensor<8x0xf32>, tensor<8x0xf32>, tensor<0x8xf32>) -> tensor<?x?x8xf32>
  return %0 : tensor<?x?x8xf32>
}

// -----

// With a down bias the block still adds the bias: keep it.
// CHECK-LABEL: func @zero_width_block_with_bias
// CHECK: ffn.ffn_block
func.func @zero_width_block_with_bias(%x: tensor<2x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>, %wu: tensor<8x0xf32>, %wd: tensor<0x8xf32>) -> tensor<2x8xf32> {
  %0 = ffn.ffn_block %x norm <layer>(%g, %b) eps 1.0e-05 up(%wu) down(%wd) down_bias(%b) act <gelu> : (tensor<2x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8x0xf32>, tensor<0x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// A block whose width is only known at run time stays.
// CHECK-LABEL: func @dynamic_width_block
// CHECK: ffn.ffn_block
func.func @dynamic_width_block(%x: tensor<2x8xf32>, %g: tensor<8xf32>, %wu: tensor<8x?xf32>, %wd: tensor<?x8xf32>) -> tensor<2x8xf32> {
  %0 = ffn.ffn_block %x norm <rms>(%g) eps 1.0e-05 up(%wu) down(%wd) act <relu> : (tensor<2x8xf32>, tensor<8xf32>, tensor<8x?xf32>, tensor<?x8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// relu is idempotent.
// CHECK-LABEL: func @relu_relu
// CHECK: %[[R:.*]] = ffn.activation <relu>
// CHECK-NOT: ffn.activation
// CHECK: return %[[R]]
func.func @relu_relu(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = ffn.activation <relu> %x : tensor<4xf32>
  %1 = ffn.activation <relu> %0 : tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// gelu is not idempotent: both stay.
// CHECK-LABEL: func @gelu_gelu
// CHECK-COUNT-2: ffn.activation <gelu>
func.func @gelu_gelu(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = ffn.activation <gelu> %x : tensor<4xf32>
  %1 = ffn.activation <gelu> %0 : tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// relu after silu is not a repeat: both stay.
// CHECK-LABEL: func @silu_relu
// CHECK: ffn.activation <silu>
// CHECK: ffn.activation <relu>
func.func @silu_relu(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = ffn.activation <silu> %x : tensor<4xf32>
  %1 = ffn.activation <relu> %0 : tensor<4xf32>
  return %1 : tensor<4xf32>
}
