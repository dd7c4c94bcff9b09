// RUN: ffn-opt %s --split-input-file --ffn-print-chains -o /dev/null | FileCheck %s
// RUN: ffn-opt %models/example.mlir --ffn-print-chains -o /dev/null | FileCheck %s --check-prefix=EXAMPLE

// The dialect documentation's example: layers 1-4 without attention, so
// layer 0's FFN and theirs follow one another on the residual stream.
// EXAMPLE: ffn chains: 1 run(s) among 6 ffn_block(s)
// EXAMPLE-NEXT: run: blocks 0..4 (5 blocks), widths 176, 176, 176, 176, 176

// Layers 0-1 have attention, 2-5 are FFN-only, then attention again: the
// FFN of layer 1 reads its attention's output and is followed by the four
// FFN-only layers with nothing but the residual between them, so the run
// is blocks 1..5. Block 0 is followed by an attention and runs alone.
// CHECK: ffn chains: 1 run(s) among 7 ffn_block(s)
// CHECK-NEXT: run: blocks 1..5 (5 blocks), widths 16, 16, 16, 16, 16
// CHECK-NOT: run:
func.func @llama_like(%x: tensor<?x?x8xf32>, %g: tensor<8xf32>, %wg: tensor<8x16xf32>, %wu: tensor<8x16xf32>, %wd: tensor<16x8xf32>, %q: tensor<?x?x8xf32>) -> tensor<?x?x8xf32> {
  %a0 = ffn.attention %x, %x, %x heads(2, 2) scale 0.5 causal : tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>
  %r0 = arith.addf %a0, %x : tensor<?x?x8xf32>
  %b0 = ffn.ffn_block %r0 norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<?x?x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<?x?x8xf32>
  %a1 = ffn.attention %b0, %b0, %b0 heads(2, 2) scale 0.5 causal : tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>
  %r1 = arith.addf %a1, %x : tensor<?x?x8xf32>
  %b1 = ffn.ffn_block %r1 norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<?x?x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<?x?x8xf32>
  %b2 = ffn.ffn_block %b1 norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<?x?x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<?x?x8xf32>
  %b3 = ffn.ffn_block %b2 norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<?x?x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<?x?x8xf32>
  %b4 = ffn.ffn_block %b3 norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<?x?x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<?x?x8xf32>
  %b5 = ffn.ffn_block %b4 norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<?x?x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<?x?x8xf32>
  %a6 = ffn.attention %b5, %b5, %b5 heads(2, 2) scale 0.5 causal : tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>
  %r6 = arith.addf %a6, %x : tensor<?x?x8xf32>
  %b6 = ffn.ffn_block %r6 norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<?x?x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<?x?x8xf32>
  return %b6 : tensor<?x?x8xf32>
}

// -----

// A second use of a block's output (here, by the return) ends the run: fusing
// across it would lose a value that is still needed. Blocks 0..1 form a run
// (block 1's output is the fused group's), and block 2, which reads the
// doubly used output, opens the next one.
// CHECK: ffn chains: 2 run(s) among 5 ffn_block(s)
// CHECK-NEXT: run: blocks 0..1 (2 blocks)
// CHECK-NEXT: run: blocks 2..4 (3 blocks)
// CHECK-NOT: run:
func.func @side_use(%x: tensor<?x?x8xf32>, %g: tensor<8xf32>, %wg: tensor<8x16xf32>, %wu: tensor<8x16xf32>, %wd: tensor<16x8xf32>, %q: tensor<?x?x8xf32>) -> (tensor<?x?x8xf32>, tensor<?x?x8xf32>) {
  %b0 = ffn.ffn_block %x norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<?x?x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<?x?x8xf32>
  %b1 = ffn.ffn_block %b0 norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<?x?x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<?x?x8xf32>
  %b2 = ffn.ffn_block %b1 norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<?x?x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<?x?x8xf32>
  %b3 = ffn.ffn_block %b2 norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<?x?x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<?x?x8xf32>
  %b4 = ffn.ffn_block %b3 norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<?x?x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<?x?x8xf32>
  return %b1, %b4 : tensor<?x?x8xf32>, tensor<?x?x8xf32>
}

// -----

// Blocks separated by attention form no run.
// CHECK: ffn chains: 0 run(s) among 2 ffn_block(s)
// CHECK-NOT: run:
func.func @no_run(%x: tensor<?x?x8xf32>, %g: tensor<8xf32>, %wg: tensor<8x16xf32>, %wu: tensor<8x16xf32>, %wd: tensor<16x8xf32>, %q: tensor<?x?x8xf32>) -> tensor<?x?x8xf32> {
  %b0 = ffn.ffn_block %x norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<?x?x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<?x?x8xf32>
  %a = ffn.attention %b0, %b0, %b0 heads(2, 2) scale 0.5 causal : tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>
  %b1 = ffn.ffn_block %a norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<?x?x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<?x?x8xf32>
  return %b1 : tensor<?x?x8xf32>
}

// -----

// Puzzle removed layer 1's FFN: its attention follows layer 0's directly,
// and the FFN-only layers 2-4 after it form a run that starts at the first
// block after that attention.
// CHECK: ffn chains: 1 run(s) among 4 ffn_block(s)
// CHECK-NEXT: run: blocks 1..3 (3 blocks)
// CHECK-NOT: run:
func.func @ffn_removed(%x: tensor<?x?x8xf32>, %g: tensor<8xf32>, %wg: tensor<8x16xf32>, %wu: tensor<8x16xf32>, %wd: tensor<16x8xf32>) -> tensor<?x?x8xf32> {
  %a0 = ffn.attention %x, %x, %x heads(2, 2) scale 0.5 causal : tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>
  %r0 = arith.addf %a0, %x : tensor<?x?x8xf32>
  %b0 = ffn.ffn_block %r0 norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<?x?x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<?x?x8xf32>
  %a1 = ffn.attention %b0, %b0, %b0 heads(2, 2) scale 0.5 causal : tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>
  %r1 = arith.addf %a1, %b0 : tensor<?x?x8xf32>
  %b2 = ffn.ffn_block %r1 norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<?x?x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<?x?x8xf32>
  %b3 = ffn.ffn_block %b2 norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<?x?x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<?x?x8xf32>
  %b4 = ffn.ffn_block %b3 norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<?x?x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<?x?x8xf32>
  return %b4 : tensor<?x?x8xf32>
}
