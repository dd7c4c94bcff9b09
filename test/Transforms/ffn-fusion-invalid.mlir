// Every refusal of ffn-fusion, with the block and the reason.
// RUN: ffn-opt %s --split-input-file --ffn-fusion="ranges=0-1" --verify-diagnostics

func.func @op_between(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %g = arith.constant dense<1.5> : tensor<8xf32>
  %wg = arith.constant dense<0.25> : tensor<8x16xf32>
  %wu = arith.constant dense<0.5> : tensor<8x16xf32>
  %wd = arith.constant dense<0.125> : tensor<16x8xf32>
  %b0 = ffn.ffn_block %x norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<2x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  %n = arith.negf %b0 : tensor<2x8xf32>
  // expected-error @+1 {{cannot fuse blocks 0..1: block 1 does not read block 0's output directly (an attention or another op sits between them)}}
  %b1 = ffn.ffn_block %n norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<2x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  return %b1 : tensor<2x8xf32>
}

// -----

func.func @epsilon(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %g = arith.constant dense<1.5> : tensor<8xf32>
  %wg = arith.constant dense<0.25> : tensor<8x16xf32>
  %wu = arith.constant dense<0.5> : tensor<8x16xf32>
  %wd = arith.constant dense<0.125> : tensor<16x8xf32>
  %b0 = ffn.ffn_block %x norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<2x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  // expected-error @+1 {{cannot fuse blocks 0..1: block 1 cannot join block 0: its epsilon 1.000000e-06 differs from 1.000000e-05}}
  %b1 = ffn.ffn_block %b0 norm <rms>(%g) eps 1.0e-06 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<2x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  return %b1 : tensor<2x8xf32>
}

// -----

func.func @activation(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %g = arith.constant dense<1.5> : tensor<8xf32>
  %wg = arith.constant dense<0.25> : tensor<8x16xf32>
  %wu = arith.constant dense<0.5> : tensor<8x16xf32>
  %wd = arith.constant dense<0.125> : tensor<16x8xf32>
  %b0 = ffn.ffn_block %x norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<2x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  // expected-error @+1 {{cannot fuse blocks 0..1: block 1 cannot join block 0: its activation gelu differs from silu}}
  %b1 = ffn.ffn_block %b0 norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <gelu> : (tensor<2x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  return %b1 : tensor<2x8xf32>
}

// -----

func.func @norm_kind(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %g = arith.constant dense<1.5> : tensor<8xf32>
  %wg = arith.constant dense<0.25> : tensor<8x16xf32>
  %wu = arith.constant dense<0.5> : tensor<8x16xf32>
  %wd = arith.constant dense<0.125> : tensor<16x8xf32>
  %b0 = ffn.ffn_block %x norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<2x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  // expected-error @+1 {{cannot fuse blocks 0..1: block 1 cannot join block 0: its norm kind differs}}
  %b1 = ffn.ffn_block %b0 norm <layer>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<2x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  return %b1 : tensor<2x8xf32>
}

// -----

func.func @gated_and_plain(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %g = arith.constant dense<1.5> : tensor<8xf32>
  %wg = arith.constant dense<0.25> : tensor<8x16xf32>
  %wu = arith.constant dense<0.5> : tensor<8x16xf32>
  %wd = arith.constant dense<0.125> : tensor<16x8xf32>
  %b0 = ffn.ffn_block %x norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<2x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  // expected-error @+1 {{cannot fuse blocks 0..1: block 1 cannot join block 0: one MLP is gated and the other is not}}
  %b1 = ffn.ffn_block %b0 norm <rms>(%g) eps 1.0e-05 up(%wu) down(%wd) act <silu> : (tensor<2x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  return %b1 : tensor<2x8xf32>
}

// -----

func.func @side_use(%x: tensor<2x8xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>) {
  %g = arith.constant dense<1.5> : tensor<8xf32>
  %wg = arith.constant dense<0.25> : tensor<8x16xf32>
  %wu = arith.constant dense<0.5> : tensor<8x16xf32>
  %wd = arith.constant dense<0.125> : tensor<16x8xf32>
  // expected-error @+1 {{cannot fuse blocks 0..1: block 0 has an output used elsewhere too, which fusion would drop}}
  %b0 = ffn.ffn_block %x norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<2x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  %b1 = ffn.ffn_block %b0 norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<2x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  return %b0, %b1 : tensor<2x8xf32>, tensor<2x8xf32>
}

// -----

func.func @weights_not_constant(%x: tensor<2x8xf32>, %w: tensor<8x16xf32>) -> tensor<2x8xf32> {
  %g = arith.constant dense<1.5> : tensor<8xf32>
  %wg = arith.constant dense<0.25> : tensor<8x16xf32>
  %wu = arith.constant dense<0.5> : tensor<8x16xf32>
  %wd = arith.constant dense<0.125> : tensor<16x8xf32>
  // expected-error @+1 {{cannot fuse blocks 0..1: block 0 has weights that are not constants: value is not computed from constants}}
  %b0 = ffn.ffn_block %x norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%w) down(%wd) act <silu> : (tensor<2x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  %b1 = ffn.ffn_block %b0 norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<2x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  return %b1 : tensor<2x8xf32>
}

// -----

// expected-error @+1 {{cannot fuse blocks 0..1: block 1 does not exist (the module has 1 ffn_block ops)}}
module {
func.func @one_block(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %g = arith.constant dense<1.5> : tensor<8xf32>
  %wg = arith.constant dense<0.25> : tensor<8x16xf32>
  %wu = arith.constant dense<0.5> : tensor<8x16xf32>
  %wd = arith.constant dense<0.125> : tensor<16x8xf32>
  %b0 = ffn.ffn_block %x norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<2x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  return %b0 : tensor<2x8xf32>
}
}
