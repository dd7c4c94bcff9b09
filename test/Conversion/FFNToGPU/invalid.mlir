// Every refusal of convert-ffn-to-gpu names the op and the reason.
// RUN: ffn-opt %s --convert-ffn-to-gpu --split-input-file -verify-diagnostics

func.func @main(%ids: tensor<?x?xi64>) -> tensor<?x?x512xf32> {
  %table = arith.constant dense<1.0> : tensor<100x512xf32>
  %x = ffn.embedding %table[%ids] : tensor<100x512xf32>, tensor<?x?xi64> -> tensor<?x?x512xf32>
  // expected-error @below {{GPU attention supports head dims up to 256, got 512}}
  %0 = ffn.attention %x, %x, %x heads(1, 1) scale 0.0625 causal : tensor<?x?x512xf32>, tensor<?x?x512xf32>, tensor<?x?x512xf32>
  return %0 : tensor<?x?x512xf32>
}

// -----

func.func @main(%ids: tensor<?x?xi64>) -> tensor<?x?x32xf32> {
  %table = arith.constant dense<1.0> : tensor<100x60xf32>
  %w = arith.constant dense<1.0> : tensor<60x32xf32>
  %x = ffn.embedding %table[%ids] : tensor<100x60xf32>, tensor<?x?xi64> -> tensor<?x?x60xf32>
  // expected-error @below {{the GPU matmul needs the inner dimension to be a multiple of 8, got 60}}
  %0 = ffn.matmul %x, %w : (tensor<?x?x60xf32>, tensor<60x32xf32>) -> tensor<?x?x32xf32>
  return %0 : tensor<?x?x32xf32>
}

// -----

func.func @main(%ids: tensor<?x?xi64>) -> tensor<?x?x16xf32> {
  %table = arith.constant dense<1.0> : tensor<100x64xf32>
  %x = ffn.embedding %table[%ids] : tensor<100x64xf32>, tensor<?x?xi64> -> tensor<?x?x64xf32>
  %w16 = arith.constant dense<1.0> : tensor<16x64xf32>
  %zero = arith.constant dense<[0]> : tensor<1xi64>
  %s = ffn.node "Shape"(%ids) opset 18 {end = 2 : i64, start = 1 : i64} : (tensor<?x?xi64>) -> tensor<1xi64>
  %w = ffn.node "Slice"(%w16, %zero, %s, %zero) opset 18 {} : (tensor<16x64xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x64xf32>
  // expected-error @below {{weights computed at run time are not supported on the GPU}}
  %0 = ffn.matmul %x, %w transpose_weight : (tensor<?x?x64xf32>, tensor<?x64xf32>) -> tensor<?x?x16xf32>
  return %0 : tensor<?x?x16xf32>
}

// -----

func.func @main(%ids: tensor<?x?xi64>) -> tensor<?x?x64xf32> {
  %table = arith.constant dense<1.0> : tensor<100x64xf32>
  %x = ffn.embedding %table[%ids] : tensor<100x64xf32>, tensor<?x?xi64> -> tensor<?x?x64xf32>
  // expected-error @below {{not supported on the GPU}}
  %0 = ffn.node "Softmax"(%x) opset 18 {axis = -1 : i64} : (tensor<?x?x64xf32>) -> tensor<?x?x64xf32>
  return %0 : tensor<?x?x64xf32>
}

// -----

func.func @main(%ids: tensor<?x?xi64>) -> tensor<?x?xi64> {
  // expected-error @below {{GPU model outputs must be float32, bfloat16 or float16}}
  return %ids : tensor<?x?xi64>
}

// -----

// expected-error @below {{input 'arg1' must have the token ids' type 'tensor<?x?xi64>' on the GPU, got 'tensor<?x?xf32>'}}
func.func @main(%ids: tensor<?x?xi64>, %mask: tensor<?x?xf32>) -> tensor<?x?x64xf32> {
  %table = arith.constant dense<1.0> : tensor<100x64xf32>
  %x = ffn.embedding %table[%ids] : tensor<100x64xf32>, tensor<?x?xi64> -> tensor<?x?x64xf32>
  return %x : tensor<?x?x64xf32>
}

// -----

// expected-error @below {{static input extents other than 1 are not supported on the GPU}}
func.func @main(%ids: tensor<2x?xi64>) -> tensor<2x?x64xf32> {
  %table = arith.constant dense<1.0> : tensor<100x64xf32>
  %x = ffn.embedding %table[%ids] : tensor<100x64xf32>, tensor<2x?xi64> -> tensor<2x?x64xf32>
  return %x : tensor<2x?x64xf32>
}

// -----

// expected-error @below {{GPU lowering expects the first input to be int64 [batch, seq] token ids}}
func.func @main(%x: tensor<?x?x64xf32>) -> tensor<?x?x64xf32> {
  return %x : tensor<?x?x64xf32>
}

// -----

func.func @main(%ids: tensor<?x?xi64>) -> tensor<?x?x64xf32> {
  %table = arith.constant dense<1.0> : tensor<100x64xf32>
  %b = arith.constant dense<1.0> : tensor<1x32xf32>
  %x = ffn.embedding %table[%ids] : tensor<100x64xf32>, tensor<?x?xi64> -> tensor<?x?x64xf32>
  // expected-error @below {{broadcasting of the feature dimension from 32 to 64 is not supported}}
  %0 = ffn.node "Add"(%x, %b) opset 18 {} : (tensor<?x?x64xf32>, tensor<1x32xf32>) -> tensor<?x?x64xf32>
  return %0 : tensor<?x?x64xf32>
}

// -----

func.func @main(%ids: tensor<?x?xi64>) -> tensor<?x?x32xf32> {
  %table = arith.constant dense<1.0> : tensor<100x64xf32>
  %shape = arith.constant dense<[0, 0, 32]> : tensor<3xi64>
  %x = ffn.embedding %table[%ids] : tensor<100x64xf32>, tensor<?x?xi64> -> tensor<?x?x64xf32>
  // expected-error @below {{a reshape that changes the feature dimension is not supported on the GPU}}
  %0 = ffn.node "Reshape"(%x, %shape) opset 18 {} : (tensor<?x?x64xf32>, tensor<3xi64>) -> tensor<?x?x32xf32>
  return %0 : tensor<?x?x32xf32>
}

// -----

func.func @main(%ids: tensor<?x?xi64>) -> tensor<?x?x64xf32> {
  %table = arith.constant dense<1.0> : tensor<100x64xf32>
  %starts = arith.constant dense<[0]> : tensor<1xi64>
  %ends = arith.constant dense<[1]> : tensor<1xi64>
  %axes = arith.constant dense<[1]> : tensor<1xi64>
  %x = ffn.embedding %table[%ids] : tensor<100x64xf32>, tensor<?x?xi64> -> tensor<?x?x64xf32>
  // expected-error @below {{only unit-step slices of the last axis are supported on the GPU}}
  %0 = ffn.node "Slice"(%x, %starts, %ends, %axes) opset 18 {} : (tensor<?x?x64xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<?x?x64xf32>
  return %0 : tensor<?x?x64xf32>
}

// -----

func.func @main(%ids: tensor<?x?xi64>) -> tensor<?x?x64xf32> {
  %table = arith.constant dense<1.0> : tensor<100x64xf32>
  %x = ffn.embedding %table[%ids] : tensor<100x64xf32>, tensor<?x?xi64> -> tensor<?x?x64xf32>
  // expected-error @below {{only splits of the last axis are supported on the GPU}}
  %0:2 = ffn.node "Split"(%x) opset 18 {axis = 1 : i64, num_outputs = 2 : i64} : (tensor<?x?x64xf32>) -> (tensor<?x?x64xf32>, tensor<?x?x64xf32>)
  return %0#0 : tensor<?x?x64xf32>
}

// -----

func.func @main(%ids: tensor<?x?xi64>) -> tensor<?x64xf32> {
  %table = arith.constant dense<1.0> : tensor<100x64xf32>
  %x = ffn.embedding %table[%ids] : tensor<100x64xf32>, tensor<?x?xi64> -> tensor<?x?x64xf32>
  %shape = arith.constant dense<[-1, 64]> : tensor<2xi64>
  %0 = ffn.node "Reshape"(%x, %shape) opset 18 {} : (tensor<?x?x64xf32>, tensor<2xi64>) -> tensor<?x64xf32>
  // expected-error @below {{a model output of flattened tokens [?, features] is not supported on the GPU}}
  return %0 : tensor<?x64xf32>
}

// -----

func.func @main(%ids: tensor<?x?xi64>) -> tensor<2x?x64xf32> {
  %table = arith.constant dense<1.0> : tensor<100x64xf32>
  %x = ffn.embedding %table[%ids] : tensor<100x64xf32>, tensor<?x?xi64> -> tensor<?x?x64xf32>
  %shape = arith.constant dense<[2, -1, 64]> : tensor<3xi64>
  // expected-error @below {{a GPU tensor's leading dims must match the input's [batch, seq]}}
  %0 = ffn.node "Reshape"(%x, %shape) opset 18 {} : (tensor<?x?x64xf32>, tensor<3xi64>) -> tensor<2x?x64xf32>
  return %0 : tensor<2x?x64xf32>
}

// -----

func.func @main(%ids: tensor<?x?xi64>) -> tensor<?x?x64xf32> {
  %table = arith.constant dense<1.0> : tensor<100x64xf32>
  %cs = arith.constant dense<0.5> : tensor<2x8x16xf32>
  %x = ffn.embedding %table[%ids] : tensor<100x64xf32>, tensor<?x?xi64> -> tensor<?x?x64xf32>
  // expected-error @below {{per-batch RoPE tables are not supported on the GPU}}
  %y = ffn.rope %x, %cs, %cs : tensor<?x?x64xf32>, tensor<2x8x16xf32>
  return %y : tensor<?x?x64xf32>
}

// -----

// The first rows at a short length are not those of a long one: a table
// read by position would be wrong.
func.func @main(%ids: tensor<?x?xi64>) -> tensor<?x?x64xf32> {
  %table = arith.constant dense<1.0> : tensor<100x64xf32>
  %c0 = arith.constant dense<0> : tensor<i64>
  %cm1 = arith.constant dense<-1> : tensor<i64>
  %axes = arith.constant dense<[0, 2]> : tensor<2xi64>
  %x = ffn.embedding %table[%ids] : tensor<100x64xf32>, tensor<?x?xi64> -> tensor<?x?x64xf32>
  %s = ffn.node "Shape"(%ids) opset 18 {end = 2 : i64, start = 1 : i64} : (tensor<?x?xi64>) -> tensor<1xi64>
  %n = ffn.node "Squeeze"(%s) opset 18 {} : (tensor<1xi64>) -> tensor<i64>
  %r = ffn.node "Range"(%n, %c0, %cm1) opset 18 {} : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  %u = ffn.node "Unsqueeze"(%r, %axes) opset 18 {} : (tensor<?xi64>, tensor<2xi64>) -> tensor<1x?x1xi64>
  %f = ffn.node "Cast"(%u) opset 18 {to = 1 : i64} : (tensor<1x?x1xi64>) -> tensor<1x?x1xf32>
  // expected-error @below {{an operand computed from the sequence length is not a fixed table read by position (its values at seq 1 are not the first rows of the longest sequence's); it cannot run on the GPU}}
  %y = ffn.node "Mul"(%x, %f) opset 18 {} : (tensor<?x?x64xf32>, tensor<1x?x1xf32>) -> tensor<?x?x64xf32>
  return %y : tensor<?x?x64xf32>
}

// -----

// expected-error @below {{GPU lowering needs a model input (token ids)}}
func.func @main() -> tensor<2x64xf32> {
  %x = arith.constant dense<1.0> : tensor<2x64xf32>
  return %x : tensor<2x64xf32>
}

// -----

func.func @main(%ids: tensor<1x?xi64>) -> tensor<1x?x64xf32> {
  %table = arith.constant dense<1.0> : tensor<100x64xf32>
  %mask = arith.constant dense<1> : tensor<1x4xi64>
  %x = ffn.embedding %table[%ids] : tensor<100x64xf32>, tensor<1x?xi64> -> tensor<1x?x64xf32>
  // expected-error @below {{a key mask computed on the host is not supported on the GPU; it must be a model input}}
  %0 = ffn.attention %x, %x, %x key_mask(%mask : tensor<1x4xi64>) heads(4, 4) scale 0.25 : tensor<1x?x64xf32>, tensor<1x?x64xf32>, tensor<1x?x64xf32>
  return %0 : tensor<1x?x64xf32>
}
