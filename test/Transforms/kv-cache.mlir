// ffn-kv-cache: a plain forward becomes one step of cached generation.
// RUN: ffn-opt %s --split-input-file --verify-diagnostics --pass-pipeline='builtin.module(func.func(ffn-kv-cache{max-context=8}))' | FileCheck %s

// RoPE tables (functions of the length) become tables that RoPE reads at
// position_ids; the attention writes its keys and values into caches and
// reads them back.
// CHECK-LABEL: func.func @main
// CHECK-SAME: %[[IDS:[^:]*]]: tensor<1x?xi64> {ffn.name = "input_ids"}
// CHECK-SAME: %[[POS:[^:]*]]: tensor<1x?xi64> {ffn.name = "position_ids"}
// CHECK-SAME: %[[KC:[^:]*]]: tensor<1x8x4xf32> {ffn.name = "cache.0.key"}
// CHECK-SAME: %[[VC:[^:]*]]: tensor<1x8x4xf32> {ffn.name = "cache.0.value"}
// CHECK-SAME: -> (tensor<1x?x8xf32> {ffn.name = "logits"}, tensor<1x8x4xf32> {ffn.name = "cache.0.key"}, tensor<1x8x4xf32> {ffn.name = "cache.0.value"})
// CHECK-NOT: ffn.node "Range"
// CHECK-DAG: %[[COS:.*]] = arith.constant dense_resource<positions.0> : tensor<8x4xf32>
// CHECK-DAG: %[[SIN:.*]] = arith.constant dense_resource<positions.1> : tensor<8x4xf32>
// CHECK: ffn.rope %{{.*}}, %[[COS]], %[[SIN]] positions(%[[POS]] : tensor<1x?xi64>) : tensor<1x?x8xf32>, tensor<8x4xf32>
// CHECK: %[[K:.*]] = ffn.rope %{{.*}}, %[[COS]], %[[SIN]] positions(%[[POS]] : tensor<1x?xi64>) : tensor<1x?x4xf32>, tensor<8x4xf32>
// CHECK: %[[KW:.*]] = ffn.cache_write %[[K]] into %[[KC]] at %[[POS]]
// CHECK: %[[VW:.*]] = ffn.cache_write %{{.*}} into %[[VC]] at %[[POS]]
// CHECK: %[[O:.*]] = ffn.attention %{{.*}}, %[[KW]], %[[VW]] positions(%[[POS]] : tensor<1x?xi64>) heads(2, 1) scale 5.000000e-01 causal : tensor<1x?x8xf32>, tensor<1x8x4xf32>, tensor<1x8x4xf32>
// CHECK: return %{{.*}}, %[[KW]], %[[VW]]
func.func @main(%ids: tensor<1x?xi64> {ffn.name = "input_ids"}) -> (tensor<1x?x8xf32> {ffn.name = "logits"}) {
  %table = arith.constant dense<0.5> : tensor<16x8xf32>
  %wk = arith.constant dense<0.25> : tensor<8x4xf32>
  %c0 = arith.constant dense<0> : tensor<i64>
  %c1 = arith.constant dense<1> : tensor<i64>
  %axes = arith.constant dense<[0, 2]> : tensor<2xi64>
  %freq = arith.constant dense<[1.0, 0.1, 1.0, 0.1]> : tensor<4xf32>
  %x = ffn.embedding %table[%ids] : tensor<16x8xf32>, tensor<1x?xi64> -> tensor<1x?x8xf32>
  %shape = ffn.node "Shape"(%ids) opset 18 {start = 1 : i64, end = 2 : i64} : (tensor<1x?xi64>) -> tensor<1xi64>
  %n = ffn.node "Squeeze"(%shape) opset 18 {} : (tensor<1xi64>) -> tensor<i64>
  %r = ffn.node "Range"(%c0, %n, %c1) opset 18 {} : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  %u = ffn.node "Unsqueeze"(%r, %axes) opset 18 {} : (tensor<?xi64>, tensor<2xi64>) -> tensor<1x?x1xi64>
  %f = ffn.node "Cast"(%u) opset 18 {to = 1 : i64} : (tensor<1x?x1xi64>) -> tensor<1x?x1xf32>
  %angles = ffn.node "Mul"(%f, %freq) opset 18 {} : (tensor<1x?x1xf32>, tensor<4xf32>) -> tensor<1x?x4xf32>
  %cos = ffn.node "Cos"(%angles) opset 18 {} : (tensor<1x?x4xf32>) -> tensor<1x?x4xf32>
  %sin = ffn.node "Sin"(%angles) opset 18 {} : (tensor<1x?x4xf32>) -> tensor<1x?x4xf32>
  %k = ffn.matmul %x, %wk : (tensor<1x?x8xf32>, tensor<8x4xf32>) -> tensor<1x?x4xf32>
  %v = ffn.matmul %x, %wk : (tensor<1x?x8xf32>, tensor<8x4xf32>) -> tensor<1x?x4xf32>
  %qr = ffn.rope %x, %cos, %sin : tensor<1x?x8xf32>, tensor<1x?x4xf32>
  %kr = ffn.rope %k, %cos, %sin : tensor<1x?x4xf32>, tensor<1x?x4xf32>
  %o = ffn.attention %qr, %kr, %v heads(2, 1) scale 0.5 causal : tensor<1x?x8xf32>, tensor<1x?x4xf32>, tensor<1x?x4xf32>
  return %o : tensor<1x?x8xf32>
}

// -----

// Without attention there is nothing to cache; positions still arrive.
// CHECK-LABEL: func.func @no_attention
// CHECK-SAME: (%{{[^:]*}}: tensor<1x?xi64>, %{{[^:]*}}: tensor<1x?xi64> {ffn.name = "position_ids"}) -> tensor<1x?x8xf32>
func.func @no_attention(%ids: tensor<1x?xi64>) -> tensor<1x?x8xf32> {
  %table = arith.constant dense<0.5> : tensor<16x8xf32>
  %x = ffn.embedding %table[%ids] : tensor<16x8xf32>, tensor<1x?xi64> -> tensor<1x?x8xf32>
  return %x : tensor<1x?x8xf32>
}

// -----

// expected-error @+1 {{generation needs a model whose only input is the token ids; this one takes 2 inputs}}
func.func @two_inputs(%ids: tensor<1x?xi64>, %mask: tensor<1x?xi64>) -> tensor<1x?x8xf32> {
  %table = arith.constant dense<0.5> : tensor<16x8xf32>
  %x = ffn.embedding %table[%ids] : tensor<16x8xf32>, tensor<1x?xi64> -> tensor<1x?x8xf32>
  return %x : tensor<1x?x8xf32>
}

// -----

// expected-error @+1 {{generation needs logits [batch, seq, vocab] as output 0}}
func.func @no_logits(%ids: tensor<1x?xi64>) -> tensor<1x?xi64> {
  return %ids : tensor<1x?xi64>
}

// -----

// A padding mask computed from the ids (here: the ids themselves).
func.func @key_mask(%ids: tensor<1x?xi64>) -> tensor<1x?x8xf32> {
  %table = arith.constant dense<0.5> : tensor<16x8xf32>
  %x = ffn.embedding %table[%ids] : tensor<16x8xf32>, tensor<1x?xi64> -> tensor<1x?x8xf32>
  // expected-error @+1 {{generation with a key mask (an attention_mask input) is not supported}}
  %o = ffn.attention %x, %x, %x key_mask(%ids : tensor<1x?xi64>) heads(2, 2) scale 0.5 causal : tensor<1x?x8xf32>, tensor<1x?x8xf32>, tensor<1x?x8xf32>
  return %o : tensor<1x?x8xf32>
}

// -----

func.func @not_causal(%ids: tensor<1x?xi64>) -> tensor<1x?x8xf32> {
  %table = arith.constant dense<0.5> : tensor<16x8xf32>
  %x = ffn.embedding %table[%ids] : tensor<16x8xf32>, tensor<1x?xi64> -> tensor<1x?x8xf32>
  // expected-error @+1 {{generation needs causal attention over the sequence; this attention is not causal}}
  %o = ffn.attention %x, %x, %x heads(2, 2) scale 0.5 : tensor<1x?x8xf32>, tensor<1x?x8xf32>, tensor<1x?x8xf32>
  return %o : tensor<1x?x8xf32>
}

// -----

// A function of the length that is not a [1, seq, d] table.
func.func @not_a_table(%ids: tensor<1x?xi64>) -> tensor<1x?x8xf32> {
  %table = arith.constant dense<0.5> : tensor<16x8xf32>
  %c0 = arith.constant dense<0> : tensor<i64>
  %c1 = arith.constant dense<1> : tensor<i64>
  %x = ffn.embedding %table[%ids] : tensor<16x8xf32>, tensor<1x?xi64> -> tensor<1x?x8xf32>
  %shape = ffn.node "Shape"(%ids) opset 18 {start = 1 : i64, end = 2 : i64} : (tensor<1x?xi64>) -> tensor<1xi64>
  %n = ffn.node "Squeeze"(%shape) opset 18 {} : (tensor<1xi64>) -> tensor<i64>
  %r = ffn.node "Range"(%c0, %n, %c1) opset 18 {} : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  // expected-error @+1 {{this function of the sequence length, 'tensor<?xf32>', is not a [1, seq, d] table of positions; generation cannot look it up by position}}
  %f = ffn.node "Cast"(%r) opset 18 {to = 1 : i64} : (tensor<?xi64>) -> tensor<?xf32>
  %y = ffn.node "Mul"(%x, %f) opset 18 {} : (tensor<1x?x8xf32>, tensor<?xf32>) -> tensor<1x?x8xf32>
  return %y : tensor<1x?x8xf32>
}

// -----

// Positions counted from the end change with the length.
func.func @from_the_end(%ids: tensor<1x?xi64>) -> tensor<1x?x8xf32> {
  %table = arith.constant dense<0.5> : tensor<16x8xf32>
  %c0 = arith.constant dense<0> : tensor<i64>
  %c1 = arith.constant dense<1> : tensor<i64>
  %axes = arith.constant dense<[0, 2]> : tensor<2xi64>
  %x = ffn.embedding %table[%ids] : tensor<16x8xf32>, tensor<1x?xi64> -> tensor<1x?x8xf32>
  %shape = ffn.node "Shape"(%ids) opset 18 {start = 1 : i64, end = 2 : i64} : (tensor<1x?xi64>) -> tensor<1xi64>
  %n = ffn.node "Squeeze"(%shape) opset 18 {} : (tensor<1xi64>) -> tensor<i64>
  %r = ffn.node "Range"(%c0, %n, %c1) opset 18 {} : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  %back = ffn.node "Sub"(%n, %r) opset 18 {} : (tensor<i64>, tensor<?xi64>) -> tensor<?xi64>
  %u = ffn.node "Unsqueeze"(%back, %axes) opset 18 {} : (tensor<?xi64>, tensor<2xi64>) -> tensor<1x?x1xi64>
  // expected-error @+1 {{this function of the sequence length is not the same at each position for 1 and 8 tokens; generation cannot look it up by position}}
  %f = ffn.node "Cast"(%u) opset 18 {to = 1 : i64} : (tensor<1x?x1xi64>) -> tensor<1x?x1xf32>
  %y = ffn.node "Mul"(%x, %f) opset 18 {} : (tensor<1x?x8xf32>, tensor<1x?x1xf32>) -> tensor<1x?x8xf32>
  return %y : tensor<1x?x8xf32>
}

// -----

// Learned positions (GPT-2) are looked up by position with ffn.embedding.
// CHECK-LABEL: func.func @learned_positions
// CHECK: %[[TABLE:.*]] = arith.constant dense_resource<positions.0> : tensor<8x8xf32>
// CHECK: %[[P:.*]] = ffn.embedding %[[TABLE]][%arg1] : tensor<8x8xf32>, tensor<1x?xi64> -> tensor<1x?x8xf32>
// CHECK: ffn.node "Add"(%{{.*}}, %[[P]])
func.func @learned_positions(%ids: tensor<1x?xi64>) -> tensor<1x?x8xf32> {
  %table = arith.constant dense<0.5> : tensor<16x8xf32>
  %wpe = arith.constant dense<0.25> : tensor<32x8xf32>
  %c0 = arith.constant dense<0> : tensor<i64>
  %c1 = arith.constant dense<1> : tensor<i64>
  %axes = arith.constant dense<[0]> : tensor<1xi64>
  %x = ffn.embedding %table[%ids] : tensor<16x8xf32>, tensor<1x?xi64> -> tensor<1x?x8xf32>
  %shape = ffn.node "Shape"(%ids) opset 18 {start = 1 : i64, end = 2 : i64} : (tensor<1x?xi64>) -> tensor<1xi64>
  %n = ffn.node "Squeeze"(%shape) opset 18 {} : (tensor<1xi64>) -> tensor<i64>
  %r = ffn.node "Range"(%c0, %n, %c1) opset 18 {} : (tensor<i64>, tensor<i64>, tensor<i64>) -> tensor<?xi64>
  %u = ffn.node "Unsqueeze"(%r, %axes) opset 18 {} : (tensor<?xi64>, tensor<1xi64>) -> tensor<1x?xi64>
  %p = ffn.embedding %wpe[%u] : tensor<32x8xf32>, tensor<1x?xi64> -> tensor<1x?x8xf32>
  %y = ffn.node "Add"(%x, %p) opset 18 {} : (tensor<1x?x8xf32>, tensor<1x?x8xf32>) -> tensor<1x?x8xf32>
  return %y : tensor<1x?x8xf32>
}
