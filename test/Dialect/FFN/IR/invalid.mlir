// Every verifier rule of the ffn dialect, one case each.
// RUN: ffn-opt %s --split-input-file --verify-diagnostics

// -----

func.func @case0(%x: tensor<2x8xf32>, %w: tensor<1x8xf32>) {
  // expected-error @+1 {{'ffn.rms_norm' op weight must have rank 1, got rank 2}}
  %0 = ffn.rms_norm %x, %w eps 1.0e-05 : tensor<2x8xf32>, tensor<1x8xf32>
  return
}

// -----

func.func @case1(%x: tensor<2x8xf32>, %w: tensor<4xf32>) {
  // expected-error @+1 {{'ffn.rms_norm' op weight has length 4 but the hidden size is 8}}
  %0 = ffn.rms_norm %x, %w eps 1.0e-05 : tensor<2x8xf32>, tensor<4xf32>
  return
}

// -----

func.func @case2(%x: tensor<2x8xf32>, %w: tensor<8xf16>) {
  // expected-error @+1 {{'ffn.rms_norm' op weight element type 'f16' differs from the input element type 'f32'}}
  %0 = ffn.rms_norm %x, %w eps 1.0e-05 : tensor<2x8xf32>, tensor<8xf16>
  return
}

// -----

func.func @case3(%x: tensor<2x8xf32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{'ffn.rms_norm' op epsilon must be positive and finite}}
  %0 = ffn.rms_norm %x, %w eps 0.0 : tensor<2x8xf32>, tensor<8xf32>
  return
}

// -----

func.func @case4(%x: tensor<2x8xf32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{'ffn.rms_norm' op epsilon must be positive and finite}}
  %0 = ffn.rms_norm %x, %w eps -1.0e-05 : tensor<2x8xf32>, tensor<8xf32>
  return
}

// -----

func.func @case5(%x: tensor<f32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{'ffn.rms_norm' op input must have rank at least 1}}
  %0 = ffn.rms_norm %x, %w eps 1.0e-05 : tensor<f32>, tensor<8xf32>
  return
}

// -----

func.func @case6(%x: tensor<2x8xi32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{'ffn.rms_norm' op operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values}}
  %0 = "ffn.rms_norm"(%x, %w) {epsilon = 1.0e-05 : f32} : (tensor<2x8xi32>, tensor<8xf32>) -> tensor<2x8xi32>
  return
}

// -----

func.func @case7(%x: tensor<2x8xf32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{'ffn.rms_norm' op failed to verify that all of {input, output} have same type}}
  %0 = "ffn.rms_norm"(%x, %w) {epsilon = 1.0e-05 : f32} : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @case8(%x: tensor<2x8xf32>, %w: tensor<8xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{'ffn.layer_norm' op bias has length 4 but the hidden size is 8}}
  %0 = ffn.layer_norm %x, %w, %b eps 1.0e-05 : tensor<2x8xf32>, tensor<8xf32>, tensor<4xf32>
  return
}

// -----

func.func @case9(%x: tensor<2x8xf32>, %w: tensor<8xf32>, %b: tensor<8xbf16>) {
  // expected-error @+1 {{'ffn.layer_norm' op bias element type 'bf16' differs from the input element type 'f32'}}
  %0 = ffn.layer_norm %x, %w, %b eps 1.0e-05 : tensor<2x8xf32>, tensor<8xf32>, tensor<8xbf16>
  return
}

// -----

func.func @case10(%x: tensor<2x8xf32>, %w: tensor<1x8x4xf32>) {
  // expected-error @+1 {{'ffn.matmul' op weight must have rank 2, got rank 3}}
  %0 = ffn.matmul %x, %w : (tensor<2x8xf32>, tensor<1x8x4xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @case11(%x: tensor<2x8xf32>, %w: tensor<6x4xf32>) {
  // expected-error @+1 {{'ffn.matmul' op input has 8 columns but the weight contracts over 6}}
  %0 = ffn.matmul %x, %w : (tensor<2x8xf32>, tensor<6x4xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @case12(%x: tensor<2x8xf32>, %w: tensor<8x4xf32>) {
  // expected-error @+1 {{'ffn.matmul' op input has 8 columns but the weight contracts over 4}}
  %0 = ffn.matmul %x, %w transpose_weight : (tensor<2x8xf32>, tensor<8x4xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @case13(%x: tensor<2x8xf32>, %w: tensor<8x4xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{'ffn.matmul' op bias has length 8 but the output size is 4}}
  %0 = ffn.matmul %x, %w bias(%b) : (tensor<2x8xf32>, tensor<8x4xf32>, tensor<8xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @case14(%x: tensor<2x8xf32>, %w: tensor<8x4xf32>) {
  // expected-error @+1 {{'ffn.matmul' op result type 'tensor<2x5xf32>' does not match the expected shape 2x4}}
  %0 = ffn.matmul %x, %w : (tensor<2x8xf32>, tensor<8x4xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @case15(%x: tensor<?x8xf32>, %w: tensor<8x4xf32>) {
  // expected-error @+1 {{'ffn.matmul' op result type 'tensor<4xf32>' does not match the expected shape ?x4}}
  %0 = ffn.matmul %x, %w : (tensor<?x8xf32>, tensor<8x4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @case16(%x: tensor<2x8xf32>, %w: tensor<8x4xf32>) {
  // expected-error @+1 {{'ffn.matmul' op result element type 'f16' must be 'f32'}}
  %0 = ffn.matmul %x, %w : (tensor<2x8xf32>, tensor<8x4xf32>) -> tensor<2x4xf16>
  return
}

// -----

func.func @case17(%x: tensor<2x8xf32>, %w: tensor<8x4xbf16>) {
  // expected-error @+1 {{'ffn.matmul' op weight element type 'bf16' differs from the input element type 'f32'}}
  %0 = ffn.matmul %x, %w : (tensor<2x8xf32>, tensor<8x4xbf16>) -> tensor<2x4xf32>
  return
}

// -----

func.func @case18(%x: tensor<f32>, %w: tensor<8x4xf32>) {
  // expected-error @+1 {{'ffn.matmul' op input must have rank at least 1}}
  %0 = ffn.matmul %x, %w : (tensor<f32>, tensor<8x4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @case19(%x: tensor<2x8xf32>, %wg: tensor<8x16xf32>, %wu: tensor<8x12xf32>, %wd: tensor<12x8xf32>) {
  // expected-error @+1 {{'ffn.mlp' op gate width 16 differs from up width 12}}
  %0 = ffn.mlp %x gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<2x8xf32>, tensor<8x16xf32>, tensor<8x12xf32>, tensor<12x8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @case20(%x: tensor<2x8xf32>, %wg: tensor<4x16xf32>, %wu: tensor<8x16xf32>, %wd: tensor<16x8xf32>) {
  // expected-error @+1 {{'ffn.mlp' op gate projection has 4 input rows but the hidden size is 8}}
  %0 = ffn.mlp %x gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<2x8xf32>, tensor<4x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @case21(%x: tensor<2x8xf32>, %wu: tensor<4x16xf32>, %wd: tensor<16x8xf32>) {
  // expected-error @+1 {{'ffn.mlp' op up projection has 4 input rows but the hidden size is 8}}
  %0 = ffn.mlp %x up(%wu) down(%wd) act <relu> : (tensor<2x8xf32>, tensor<4x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @case22(%x: tensor<2x8xf32>, %wu: tensor<8x16xf32>, %wd: tensor<12x8xf32>) {
  // expected-error @+1 {{'ffn.mlp' op down projection has 12 rows but the intermediate width is 16}}
  %0 = ffn.mlp %x up(%wu) down(%wd) act <relu> : (tensor<2x8xf32>, tensor<8x16xf32>, tensor<12x8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @case23(%x: tensor<2x8xf32>, %wu: tensor<8x16xf32>, %wd: tensor<16x8xf32>) {
  // expected-error @+1 {{'ffn.mlp' op down projection has 8 columns but the output size is 6}}
  %0 = ffn.mlp %x up(%wu) down(%wd) act <relu> : (tensor<2x8xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<2x6xf32>
  return
}

// -----

func.func @case24(%x: tensor<2x8xf32>, %wu: tensor<8xf32>, %wd: tensor<16x8xf32>) {
  // expected-error @+1 {{'ffn.mlp' op up must have rank 2, got rank 1}}
  %0 = ffn.mlp %x up(%wu) down(%wd) act <relu> : (tensor<2x8xf32>, tensor<8xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @case25(%x: tensor<2x8xf32>, %wu: tensor<8x16xf32>, %wd: tensor<16x8xf16>) {
  // expected-error @+1 {{'ffn.mlp' op down element type 'f16' differs from the input element type 'f32'}}
  %0 = ffn.mlp %x up(%wu) down(%wd) act <relu> : (tensor<2x8xf32>, tensor<8x16xf32>, tensor<16x8xf16>) -> tensor<2x8xf32>
  return
}

// -----

func.func @case26(%x: tensor<2x8xf32>, %b: tensor<16xf32>, %wu: tensor<8x16xf32>, %wd: tensor<16x8xf32>) {
  // expected-error @+1 {{'ffn.mlp' op gate_bias requires a gate projection}}
  %0 = ffn.mlp %x gate_bias(%b) up(%wu) down(%wd) act <relu> : (tensor<2x8xf32>, tensor<16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @case27(%x: tensor<2x8xf32>, %wu: tensor<8x16xf32>, %b: tensor<8xf32>, %wd: tensor<16x8xf32>) {
  // expected-error @+1 {{'ffn.mlp' op up_bias has length 8 but the intermediate width is 16}}
  %0 = ffn.mlp %x up(%wu) up_bias(%b) down(%wd) act <relu> : (tensor<2x8xf32>, tensor<8x16xf32>, tensor<8xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @case28(%x: tensor<2x8xf32>, %wu: tensor<8x16xf32>, %wd: tensor<16x8xf32>, %b: tensor<16xf32>) {
  // expected-error @+1 {{'ffn.mlp' op down_bias has length 16 but the output size is 8}}
  %0 = ffn.mlp %x up(%wu) down(%wd) down_bias(%b) act <relu> : (tensor<2x8xf32>, tensor<8x16xf32>, tensor<16x8xf32>, tensor<16xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @case29(%x: tensor<2x8xf32>, %wu: tensor<8x16xf32>, %wd: tensor<16x8xf32>) {
  // expected-error @+1 {{'ffn.mlp' op result type 'tensor<3x8xf32>' does not match the expected shape 2x8}}
  %0 = ffn.mlp %x up(%wu) down(%wd) act <relu> : (tensor<2x8xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<3x8xf32>
  return
}

// -----

func.func @case30(%x: tensor<2x8xf32>, %g: tensor<8xf32>, %wg: tensor<8x16xf32>, %wu: tensor<8x12xf32>, %wd: tensor<12x8xf32>) {
  // expected-error @+1 {{'ffn.ffn_block' op gate width 16 differs from up width 12}}
  %0 = ffn.ffn_block %x norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<2x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x12xf32>, tensor<12x8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @case31(%x: tensor<2x8xf32>, %g: tensor<6xf32>, %wg: tensor<8x16xf32>, %wu: tensor<8x16xf32>, %wd: tensor<16x8xf32>) {
  // expected-error @+1 {{'ffn.ffn_block' op norm_weight has length 6 but the hidden size is 8}}
  %0 = ffn.ffn_block %x norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<2x8xf32>, tensor<6xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @case32(%x: tensor<2x8xf32>, %g: tensor<8xf32>, %wu: tensor<8x16xf32>, %wd: tensor<16x8xf32>) {
  // expected-error @+1 {{'ffn.ffn_block' op norm_bias is only allowed with a layer norm}}
  %0 = ffn.ffn_block %x norm <rms>(%g, %g) eps 1.0e-05 up(%wu) down(%wd) act <relu> : (tensor<2x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @case33(%x: tensor<2x8xf32>, %g: tensor<8xf32>, %wu: tensor<8x16xf32>, %wd: tensor<16x8xf32>) {
  // expected-error @+1 {{'ffn.ffn_block' op unit_offset is only allowed with an rms norm}}
  %0 = ffn.ffn_block %x norm <layer>(%g) eps 1.0e-05 unit_offset up(%wu) down(%wd) act <relu> : (tensor<2x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @case34(%x: tensor<2x8xf32>, %g: tensor<8xf32>, %wg: tensor<8x16xf32>, %wu: tensor<8x16xf32>, %wd: tensor<16x8xf32>) {
  // expected-error @+1 {{'ffn.ffn_block' op epsilon must be positive and finite}}
  %0 = ffn.ffn_block %x norm <rms>(%g) eps 0.0 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<2x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @case35(%x: tensor<2x8xf32>, %g: tensor<8xf32>, %wu: tensor<8x16xf32>, %wd: tensor<16x16xf32>) {
  // expected-error @+1 {{'ffn.ffn_block' op down projection has 16 columns but the output size is 8}}
  %0 = ffn.ffn_block %x norm <rms>(%g) eps 1.0e-05 up(%wu) down(%wd) act <relu> : (tensor<2x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<16x16xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @case36(%x: tensor<2x8xf32>, %g: tensor<8xbf16>, %wu: tensor<8x16xf32>, %wd: tensor<16x8xf32>) {
  // expected-error @+1 {{'ffn.ffn_block' op norm_weight element type 'bf16' differs from the input element type 'f32'}}
  %0 = ffn.ffn_block %x norm <rms>(%g) eps 1.0e-05 up(%wu) down(%wd) act <relu> : (tensor<2x8xf32>, tensor<8xbf16>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @case37(%x: tensor<2x8xf32>, %g: tensor<8xf32>, %wg: tensor<8x16xf32>, %wu: tensor<8x16xf32>, %wd: tensor<16x8xf32>) {
  // expected-error @+1 {{'ffn.ffn_block' op failed to verify that all of {input, output} have same type}}
  %0 = "ffn.ffn_block"(%x, %g, %wg, %wu, %wd) <{activation = #ffn.activation<silu>, epsilon = 1.0e-05 : f32, norm_kind = #ffn.norm<rms>, operandSegmentSizes = array<i32: 1, 1, 0, 1, 0, 1, 0, 1, 0>}> : (tensor<2x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<2x9xf32>
  return
}

// -----

func.func @case38(%x: tensor<2x8xf32>, %g: tensor<8xf32>, %wg: tensor<8x16xf32>, %wu: tensor<8x16xf32>, %wd: tensor<16x8xf32>) {
  // expected-error @+2 {{expected ::mlir::ffn::Activation to be one of: silu, gelu, gelu_tanh, relu}}
  // expected-error @+1 {{failed to parse FFN_ActivationAttr parameter 'value'}}
  %0 = ffn.ffn_block %x norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <swish> : (tensor<2x8xf32>, tensor<8xf32>, tensor<8x16xf32>, tensor<8x16xf32>, tensor<16x8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @case39(%q: tensor<1x4x64xf32>, %k: tensor<1x4x32xf32>, %v: tensor<1x4x32xf32>) {
  // expected-error @+1 {{'ffn.attention' op num_kv_heads (3) must divide num_heads (4)}}
  %0 = ffn.attention %q, %k, %v heads(4, 3) scale 0.25 causal : tensor<1x4x64xf32>, tensor<1x4x32xf32>, tensor<1x4x32xf32>
  return
}

// -----

func.func @case40(%q: tensor<1x4x64xf32>, %k: tensor<1x4x32xf32>, %v: tensor<1x4x32xf32>) {
  // expected-error @+1 {{'ffn.attention' op attribute 'num_kv_heads' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %0 = ffn.attention %q, %k, %v heads(4, 0) scale 0.25 causal : tensor<1x4x64xf32>, tensor<1x4x32xf32>, tensor<1x4x32xf32>
  return
}

// -----

func.func @case41(%q: tensor<1x4x64xf32>, %k: tensor<1x4x32xf32>, %v: tensor<1x4x32xf32>) {
  // expected-error @+1 {{'ffn.attention' op query width 64 is not divisible by num_heads (6)}}
  %0 = ffn.attention %q, %k, %v heads(6, 3) scale 0.25 causal : tensor<1x4x64xf32>, tensor<1x4x32xf32>, tensor<1x4x32xf32>
  return
}

// -----

func.func @case42(%q: tensor<1x4x64xf32>, %k: tensor<1x4x32xf32>, %v: tensor<1x4x32xf32>) {
  // expected-error @+1 {{'ffn.attention' op key width 32 must be num_kv_heads * head_dim = 64}}
  %0 = ffn.attention %q, %k, %v heads(4, 4) scale 0.25 causal : tensor<1x4x64xf32>, tensor<1x4x32xf32>, tensor<1x4x32xf32>
  return
}

// -----

func.func @case43(%q: tensor<1x4x64xf32>, %k: tensor<4x32xf32>, %v: tensor<1x4x32xf32>) {
  // expected-error @+1 {{'ffn.attention' op key must be [batch, seq, heads * head_dim], got 'tensor<4x32xf32>'}}
  %0 = ffn.attention %q, %k, %v heads(4, 2) scale 0.25 causal : tensor<1x4x64xf32>, tensor<4x32xf32>, tensor<1x4x32xf32>
  return
}

// -----

func.func @case44(%q: tensor<1x4x64xf32>, %k: tensor<1x4x32xf32>, %v: tensor<1x4x32xf16>) {
  // expected-error @+1 {{'ffn.attention' op value element type 'f16' differs from the query element type 'f32'}}
  %0 = ffn.attention %q, %k, %v heads(4, 2) scale 0.25 causal : tensor<1x4x64xf32>, tensor<1x4x32xf32>, tensor<1x4x32xf16>
  return
}

// -----

func.func @case45(%q: tensor<1x4x64xf32>, %k: tensor<2x4x32xf32>, %v: tensor<2x4x32xf32>) {
  // expected-error @+1 {{'ffn.attention' op query, key and value must have the same batch size}}
  %0 = ffn.attention %q, %k, %v heads(4, 2) scale 0.25 causal : tensor<1x4x64xf32>, tensor<2x4x32xf32>, tensor<2x4x32xf32>
  return
}

// -----

func.func @case46(%q: tensor<1x4x64xf32>, %k: tensor<1x5x32xf32>, %v: tensor<1x5x32xf32>) {
  // expected-error @+1 {{'ffn.attention' op query, key and value must have the same sequence length}}
  %0 = ffn.attention %q, %k, %v heads(4, 2) scale 0.25 causal : tensor<1x4x64xf32>, tensor<1x5x32xf32>, tensor<1x5x32xf32>
  return
}

// -----

func.func @case47(%q: tensor<1x4x64xf32>, %k: tensor<1x4x32xf32>, %v: tensor<1x?x32xf32>) {
  // expected-error @+1 {{'ffn.attention' op key type 'tensor<1x4x32xf32>' differs from value type 'tensor<1x?x32xf32>'}}
  %0 = ffn.attention %q, %k, %v heads(4, 2) scale 0.25 causal : tensor<1x4x64xf32>, tensor<1x4x32xf32>, tensor<1x?x32xf32>
  return
}

// -----

func.func @case48(%q: tensor<1x4x?xf32>, %k: tensor<1x4x32xf32>, %v: tensor<1x4x32xf32>) {
  // expected-error @+1 {{'ffn.attention' op query's last dimension must be static}}
  %0 = ffn.attention %q, %k, %v heads(4, 2) scale 0.25 causal : tensor<1x4x?xf32>, tensor<1x4x32xf32>, tensor<1x4x32xf32>
  return
}

// -----

func.func @case49(%x: tensor<4x64xf32>, %c: tensor<4x16xf32>) {
  // expected-error @+1 {{'ffn.rope' op input must be [batch, seq, heads * head_dim], got 'tensor<4x64xf32>'}}
  %0 = ffn.rope %x, %c, %c : tensor<4x64xf32>, tensor<4x16xf32>
  return
}

// -----

func.func @case50(%x: tensor<1x4x64xf32>, %c: tensor<16xf32>) {
  // expected-error @+1 {{'ffn.rope' op cos and sin must be [seq, head_dim] or [batch, seq, head_dim], got 'tensor<16xf32>'}}
  %0 = ffn.rope %x, %c, %c : tensor<1x4x64xf32>, tensor<16xf32>
  return
}

// -----

func.func @case51(%x: tensor<1x4x60xf32>, %c: tensor<4x15xf32>) {
  // expected-error @+1 {{'ffn.rope' op head_dim 15 must be even}}
  %0 = ffn.rope %x, %c, %c : tensor<1x4x60xf32>, tensor<4x15xf32>
  return
}

// -----

func.func @case52(%x: tensor<1x4x64xf32>, %c: tensor<4x24xf32>) {
  // expected-error @+1 {{'ffn.rope' op input width 64 is not a multiple of head_dim 24}}
  %0 = ffn.rope %x, %c, %c : tensor<1x4x64xf32>, tensor<4x24xf32>
  return
}

// -----

func.func @case53(%x: tensor<1x4x64xf32>, %c: tensor<5x16xf32>) {
  // expected-error @+1 {{'ffn.rope' op cos and sin must have the input's sequence length}}
  %0 = ffn.rope %x, %c, %c : tensor<1x4x64xf32>, tensor<5x16xf32>
  return
}

// -----

func.func @case54(%x: tensor<2x4x64xf32>, %c: tensor<3x4x16xf32>) {
  // expected-error @+1 {{'ffn.rope' op cos and sin batch must be 1 or the input's batch}}
  %0 = ffn.rope %x, %c, %c : tensor<2x4x64xf32>, tensor<3x4x16xf32>
  return
}

// -----

func.func @case55(%x: tensor<1x4x64xf32>, %c: tensor<4x16xf16>) {
  // expected-error @+1 {{'ffn.rope' op cos element type 'f16' differs from the input element type 'f32'}}
  %0 = ffn.rope %x, %c, %c : tensor<1x4x64xf32>, tensor<4x16xf16>
  return
}

// -----

func.func @case56(%x: tensor<1x4x64xf32>, %c: tensor<4x?xf32>) {
  // expected-error @+1 {{'ffn.rope' op the head dimension of cos and sin must be static}}
  %0 = ffn.rope %x, %c, %c : tensor<1x4x64xf32>, tensor<4x?xf32>
  return
}

// -----

func.func @case57(%x: tensor<1x4x64xf32>, %c: tensor<4x16xf32>, %s: tensor<1x4x16xf32>) {
  // expected-error @+1 {{'ffn.rope' op failed to verify that all of {cos, sin} have same type}}
  %0 = "ffn.rope"(%x, %c, %s) : (tensor<1x4x64xf32>, tensor<4x16xf32>, tensor<1x4x16xf32>) -> tensor<1x4x64xf32>
  return
}

// -----

func.func @case58(%t: tensor<512xf32>, %ids: tensor<1x4xi64>) {
  // expected-error @+1 {{'ffn.embedding' op table must have rank 2, got rank 1}}
  %0 = ffn.embedding %t[%ids] : tensor<512xf32>, tensor<1x4xi64> -> tensor<1x4x64xf32>
  return
}

// -----

func.func @case59(%t: tensor<512x64xf32>, %ids: tensor<1x4xi64>) {
  // expected-error @+1 {{'ffn.embedding' op result type 'tensor<1x4x32xf32>' does not match the expected shape 1x4x64}}
  %0 = ffn.embedding %t[%ids] : tensor<512x64xf32>, tensor<1x4xi64> -> tensor<1x4x32xf32>
  return
}

// -----

func.func @case60(%t: tensor<512x64xf32>, %ids: tensor<1x4xi64>) {
  // expected-error @+1 {{'ffn.embedding' op result element type 'f16' must be 'f32'}}
  %0 = ffn.embedding %t[%ids] : tensor<512x64xf32>, tensor<1x4xi64> -> tensor<1x4x64xf16>
  return
}

// -----

func.func @case61(%t: tensor<512x64xf32>, %ids: tensor<1x4xf32>) {
  // expected-error @+1 {{'ffn.embedding' op operand #1 must be ranked tensor of 32-bit signless integer or 64-bit signless integer values}}
  %0 = ffn.embedding %t[%ids] : tensor<512x64xf32>, tensor<1x4xf32> -> tensor<1x4x64xf32>
  return
}

// -----

func.func @node_opset(%x: tensor<4xf32>) {
  // expected-error @+1 {{'ffn.node' op attribute 'opset' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %0 = ffn.node "Relu"(%x) opset 0 {} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @cache_not_causal(%q: tensor<1x?x64xf32>, %c: tensor<1x16x32xf32>, %p: tensor<1x?xi64>) {
  // expected-error @+1 {{'ffn.attention' op attention over a cache (with positions) must be causal}}
  %0 = ffn.attention %q, %c, %c positions(%p : tensor<1x?xi64>) heads(4, 2) scale 0.25 : tensor<1x?x64xf32>, tensor<1x16x32xf32>, tensor<1x16x32xf32>
  return
}

// -----

func.func @cache_positions_shape(%q: tensor<1x4x64xf32>, %c: tensor<1x16x32xf32>, %p: tensor<1x3xi64>) {
  // expected-error @+1 {{'ffn.attention' op positions must be [batch, seq] of the query, got 'tensor<1x3xi64>'}}
  %0 = ffn.attention %q, %c, %c positions(%p : tensor<1x3xi64>) heads(4, 2) scale 0.25 causal : tensor<1x4x64xf32>, tensor<1x16x32xf32>, tensor<1x16x32xf32>
  return
}

// -----

func.func @cache_dynamic_context(%q: tensor<1x?x64xf32>, %c: tensor<1x?x32xf32>, %p: tensor<1x?xi64>) {
  // expected-error @+1 {{'ffn.attention' op the cache length (key dimension 1) must be static}}
  %0 = ffn.attention %q, %c, %c positions(%p : tensor<1x?xi64>) heads(4, 2) scale 0.25 causal : tensor<1x?x64xf32>, tensor<1x?x32xf32>, tensor<1x?x32xf32>
  return
}

// -----

func.func @cache_write_rank(%k: tensor<1x?x32xf32>, %c: tensor<16x32xf32>, %p: tensor<1x?xi64>) {
  // expected-error @+1 {{'ffn.cache_write' op cache must be [batch, context, width] with a static context, got 'tensor<16x32xf32>'}}
  %0 = ffn.cache_write %k into %c at %p : tensor<1x?x32xf32> into tensor<16x32xf32>, tensor<1x?xi64>
  return
}

// -----

func.func @cache_write_value_rank(%k: tensor<?x32xf32>, %c: tensor<1x16x32xf32>, %p: tensor<1x?xi64>) {
  // expected-error @+1 {{'ffn.cache_write' op value must be [batch, seq, width], got 'tensor<?x32xf32>'}}
  %0 = ffn.cache_write %k into %c at %p : tensor<?x32xf32> into tensor<1x16x32xf32>, tensor<1x?xi64>
  return
}

// -----

func.func @cache_write_element(%k: tensor<1x?x32xbf16>, %c: tensor<1x16x32xf32>, %p: tensor<1x?xi64>) {
  // expected-error @+1 {{'ffn.cache_write' op value element type 'bf16' differs from the cache element type 'f32'}}
  %0 = ffn.cache_write %k into %c at %p : tensor<1x?x32xbf16> into tensor<1x16x32xf32>, tensor<1x?xi64>
  return
}

// -----

func.func @key_mask_shape(%q: tensor<2x4x64xf32>, %k: tensor<2x4x64xf32>, %m: tensor<2x5xi64>) {
  // expected-error @+1 {{'ffn.attention' op key_mask must be [batch, seq] of the keys, got 'tensor<2x5xi64>'}}
  %0 = ffn.attention %q, %k, %k key_mask(%m : tensor<2x5xi64>) heads(4, 4) scale 0.25 : tensor<2x4x64xf32>, tensor<2x4x64xf32>, tensor<2x4x64xf32>
  return
}

// -----

func.func @key_mask_over_cache(%q: tensor<1x?x64xf32>, %c: tensor<1x16x32xf32>, %p: tensor<1x?xi64>, %m: tensor<1x16xi64>) {
  // expected-error @+1 {{'ffn.attention' op a key mask over a cache (with positions) is not supported}}
  %0 = ffn.attention %q, %c, %c positions(%p : tensor<1x?xi64>) key_mask(%m : tensor<1x16xi64>) heads(4, 2) scale 0.25 causal : tensor<1x?x64xf32>, tensor<1x16x32xf32>, tensor<1x16x32xf32>
  return
}

// -----

func.func @cache_write_width(%k: tensor<1x?x64xf32>, %c: tensor<1x16x32xf32>, %p: tensor<1x?xi64>) {
  // expected-error @+1 {{'ffn.cache_write' op value 'tensor<1x?x64xf32>' does not match the batch and width of the cache 'tensor<1x16x32xf32>'}}
  %0 = ffn.cache_write %k into %c at %p : tensor<1x?x64xf32> into tensor<1x16x32xf32>, tensor<1x?xi64>
  return
}

// -----

func.func @cache_write_positions(%k: tensor<1x4x32xf32>, %c: tensor<1x16x32xf32>, %p: tensor<1x5xi64>) {
  // expected-error @+1 {{'ffn.cache_write' op positions must be [batch, seq] of the value, got 'tensor<1x5xi64>'}}
  %0 = ffn.cache_write %k into %c at %p : tensor<1x4x32xf32> into tensor<1x16x32xf32>, tensor<1x5xi64>
  return
}

// -----

func.func @rope_positions_not_table(%x: tensor<1x?x64xf32>, %c: tensor<1x16x16xf32>, %p: tensor<1x?xi64>) {
  // expected-error @+1 {{'ffn.rope' op with positions, cos and sin must be tables [context, head_dim], got 'tensor<1x16x16xf32>'}}
  %0 = ffn.rope %x, %c, %c positions(%p : tensor<1x?xi64>) : tensor<1x?x64xf32>, tensor<1x16x16xf32>
  return
}

// -----

func.func @rope_positions_shape(%x: tensor<1x4x64xf32>, %c: tensor<16x16xf32>, %p: tensor<2x4xi64>) {
  // expected-error @+1 {{'ffn.rope' op positions must be [batch, seq] of the input, got 'tensor<2x4xi64>'}}
  %0 = ffn.rope %x, %c, %c positions(%p : tensor<2x4xi64>) : tensor<1x4x64xf32>, tensor<16x16xf32>
  return
}
