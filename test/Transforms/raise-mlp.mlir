// MLPs and pre-norm residual blocks, from partly raised IR.
// RUN: ffn-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(ffn-raise))' | FileCheck %s

// SwiGLU under RMSNorm with the residual add: one ffn_block.
// CHECK-LABEL: func @swiglu_block
// CHECK-SAME: (%[[X:.*]]: tensor<2x8xf32>, %[[G:.*]]: tensor<8xf32>, %[[WG:.*]]: tensor<8x16xf32>, %[[WU:.*]]: tensor<8x16xf32>, %[[WD:.*]]: tensor<16x8xf32>)
// CHECK: %[[B:.*]] = ffn.ffn_block %[[X]] norm <rms>(%[[G]]) eps 9.99999974E-6 gate(%[[WG]]) up(%[[WU]]) down(%[[WD]]) act <silu>
// CHECK-NOT: ffn.node
// CHECK: return %[[B]]
func.func @swiglu_block(%x: tensor<2x8xf32>, %g: tensor<8xf32>, %wg: tensor<8x16xf32>, %wu: tensor<8x16xf32>, %wd: tensor<16x8xf32>) -> tensor<2x8xf32> {
  %n = ffn.rms_norm %x, %g eps 1.0e-05 : tensor<2x8xf32>, tensor<8xf32>
  %a = ffn.matmul %n, %wg : (tensor<2x8xf32>, tensor<8x16xf32>) -> tensor<2x16xf32>
  %s = ffn.activation <silu> %a : tensor<2x16xf32>
  %u = ffn.matmul %n, %wu : (tensor<2x8xf32>, tensor<8x16xf32>) -> tensor<2x16xf32>
  %h = ffn.node "Mul"(%s, %u) opset 18 {} : (tensor<2x16xf32>, tensor<2x16xf32>) -> tensor<2x16xf32>
  %d = ffn.matmul %h, %wd : (tensor<2x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  %y = ffn.node "Add"(%x, %d) opset 18 {} : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

// Phi-3: one gate_up matmul split in halves; the block gets the two slices.
// CHECK-LABEL: func @fused_gate_up
// CHECK: %[[GATE:.*]] = tensor.extract_slice %arg2[0, 0] [8, 16] [1, 1] : tensor<8x32xf32> to tensor<8x16xf32>
// CHECK: %[[UP:.*]] = tensor.extract_slice %arg2[0, 16] [8, 16] [1, 1] : tensor<8x32xf32> to tensor<8x16xf32>
// CHECK: ffn.ffn_block %arg0 norm <rms>(%arg1) eps {{.*}} gate(%[[GATE]]) up(%[[UP]]) down(%arg3) act <silu>
func.func @fused_gate_up(%x: tensor<2x8xf32>, %g: tensor<8xf32>, %wgu: tensor<8x32xf32>, %wd: tensor<16x8xf32>) -> tensor<2x8xf32> {
  %n = ffn.rms_norm %x, %g eps 1.0e-05 : tensor<2x8xf32>, tensor<8xf32>
  %gu = ffn.matmul %n, %wgu : (tensor<2x8xf32>, tensor<8x32xf32>) -> tensor<2x32xf32>
  %parts:2 = ffn.node "Split"(%gu) opset 18 {axis = 1 : i64, num_outputs = 2 : i64} : (tensor<2x32xf32>) -> (tensor<2x16xf32>, tensor<2x16xf32>)
  %s = ffn.activation <silu> %parts#0 : tensor<2x16xf32>
  %h = ffn.node "Mul"(%parts#1, %s) opset 18 {} : (tensor<2x16xf32>, tensor<2x16xf32>) -> tensor<2x16xf32>
  %d = ffn.matmul %h, %wd : (tensor<2x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  %y = ffn.node "Add"(%d, %x) opset 18 {} : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

// GPT-2: LayerNorm with bias and a plain MLP with biases.
// CHECK-LABEL: func @plain_block
// CHECK: ffn.ffn_block %arg0 norm <layer>(%arg1, %arg2) eps {{.*}} up(%arg3) up_bias(%arg4) down(%arg5) down_bias(%arg2) act <gelu_tanh>
func.func @plain_block(%x: tensor<2x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>, %w1: tensor<8x32xf32>, %b1: tensor<32xf32>, %w2: tensor<32x8xf32>) -> tensor<2x8xf32> {
  %n = ffn.layer_norm %x, %g, %b eps 1.0e-05 : tensor<2x8xf32>, tensor<8xf32>, tensor<8xf32>
  %a = ffn.matmul %n, %w1 bias(%b1) : (tensor<2x8xf32>, tensor<8x32xf32>, tensor<32xf32>) -> tensor<2x32xf32>
  %s = ffn.activation <gelu_tanh> %a : tensor<2x32xf32>
  %d = ffn.matmul %s, %w2 bias(%b) : (tensor<2x32xf32>, tensor<32x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  %y = ffn.node "Add"(%x, %d) opset 18 {} : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

// Near miss: gate and up read different inputs; nothing to fuse.
// CHECK-LABEL: func @gate_up_different_inputs
// CHECK-NOT: ffn.mlp
// CHECK-NOT: ffn.ffn_block
// CHECK: ffn.node "Mul"
func.func @gate_up_different_inputs(%x: tensor<2x8xf32>, %z: tensor<2x8xf32>, %wg: tensor<8x16xf32>, %wu: tensor<8x16xf32>, %wd: tensor<16x8xf32>) -> tensor<2x8xf32> {
  %a = ffn.matmul %x, %wg : (tensor<2x8xf32>, tensor<8x16xf32>) -> tensor<2x16xf32>
  %s = ffn.activation <silu> %a : tensor<2x16xf32>
  %u = ffn.matmul %z, %wu : (tensor<2x8xf32>, tensor<8x16xf32>) -> tensor<2x16xf32>
  %h = ffn.node "Mul"(%s, %u) opset 18 {} : (tensor<2x16xf32>, tensor<2x16xf32>) -> tensor<2x16xf32>
  %d = ffn.matmul %h, %wd : (tensor<2x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  return %d : tensor<2x8xf32>
}

// -----

// Near miss: the residual is not the normalized tensor (BERT's post-norm
// shape): the MLP is raised, the block is not.
// CHECK-LABEL: func @residual_of_other_tensor
// CHECK: ffn.mlp
// CHECK-NOT: ffn.ffn_block
// CHECK: ffn.node "Add"
func.func @residual_of_other_tensor(%x: tensor<2x8xf32>, %r: tensor<2x8xf32>, %g: tensor<8xf32>, %w1: tensor<8x32xf32>, %w2: tensor<32x8xf32>) -> tensor<2x8xf32> {
  %n = ffn.rms_norm %x, %g eps 1.0e-05 : tensor<2x8xf32>, tensor<8xf32>
  %a = ffn.matmul %n, %w1 : (tensor<2x8xf32>, tensor<8x32xf32>) -> tensor<2x32xf32>
  %s = ffn.activation <relu> %a : tensor<2x32xf32>
  %d = ffn.matmul %s, %w2 : (tensor<2x32xf32>, tensor<32x8xf32>) -> tensor<2x8xf32>
  %y = ffn.node "Add"(%r, %d) opset 18 {} : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

// Near miss: the normalized tensor is used elsewhere too, so the norm cannot
// move into the block.
// CHECK-LABEL: func @norm_used_twice
// CHECK: ffn.mlp
// CHECK-NOT: ffn.ffn_block
func.func @norm_used_twice(%x: tensor<2x8xf32>, %g: tensor<8xf32>, %w1: tensor<8x32xf32>, %w2: tensor<32x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>) {
  %n = ffn.rms_norm %x, %g eps 1.0e-05 : tensor<2x8xf32>, tensor<8xf32>
  %a = ffn.matmul %n, %w1 : (tensor<2x8xf32>, tensor<8x32xf32>) -> tensor<2x32xf32>
  %s = ffn.activation <relu> %a : tensor<2x32xf32>
  %d = ffn.matmul %s, %w2 : (tensor<2x32xf32>, tensor<32x8xf32>) -> tensor<2x8xf32>
  %y = ffn.node "Add"(%x, %d) opset 18 {} : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return %y, %n : tensor<2x8xf32>, tensor<2x8xf32>
}
