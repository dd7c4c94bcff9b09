// A Llama-style body in the ffn dialect (hidden 64, FFN 176, GQA 4/2 heads):
// layers 1-4 keep only their FFN, as after Puzzle-style attention removal.
func.func @body(%x: tensor<1x?x64xf32>, %cos: tensor<1x?x16xf32>, %sin: tensor<1x?x16xf32>, %g: tensor<64xf32>, %wq: tensor<64x64xf32>, %wkv: tensor<64x32xf32>, %wo: tensor<64x64xf32>, %wg: tensor<64x176xf32>, %wu: tensor<64x176xf32>, %wd: tensor<176x64xf32>) -> tensor<1x?x64xf32> {
  %n0 = ffn.rms_norm %x, %g eps 1.0e-05 : tensor<1x?x64xf32>, tensor<64xf32>
  %q0 = ffn.matmul %n0, %wq : (tensor<1x?x64xf32>, tensor<64x64xf32>) -> tensor<1x?x64xf32>
  %k0 = ffn.matmul %n0, %wkv : (tensor<1x?x64xf32>, tensor<64x32xf32>) -> tensor<1x?x32xf32>
  %v0 = ffn.matmul %n0, %wkv : (tensor<1x?x64xf32>, tensor<64x32xf32>) -> tensor<1x?x32xf32>
  %qr0 = ffn.rope %q0, %cos, %sin : tensor<1x?x64xf32>, tensor<1x?x16xf32>
  %kr0 = ffn.rope %k0, %cos, %sin : tensor<1x?x32xf32>, tensor<1x?x16xf32>
  %a0 = ffn.attention %qr0, %kr0, %v0 heads(4, 2) scale 0.25 causal : tensor<1x?x64xf32>, tensor<1x?x32xf32>, tensor<1x?x32xf32>
  %o0 = ffn.matmul %a0, %wo : (tensor<1x?x64xf32>, tensor<64x64xf32>) -> tensor<1x?x64xf32>
  %r0 = arith.addf %x, %o0 : tensor<1x?x64xf32>
  %f0 = ffn.ffn_block %r0 norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<1x?x64xf32>, tensor<64xf32>, tensor<64x176xf32>, tensor<64x176xf32>, tensor<176x64xf32>) -> tensor<1x?x64xf32>
  %f1 = ffn.ffn_block %f0 norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<1x?x64xf32>, tensor<64xf32>, tensor<64x176xf32>, tensor<64x176xf32>, tensor<176x64xf32>) -> tensor<1x?x64xf32>
  %f2 = ffn.ffn_block %f1 norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<1x?x64xf32>, tensor<64xf32>, tensor<64x176xf32>, tensor<64x176xf32>, tensor<176x64xf32>) -> tensor<1x?x64xf32>
  %f3 = ffn.ffn_block %f2 norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<1x?x64xf32>, tensor<64xf32>, tensor<64x176xf32>, tensor<64x176xf32>, tensor<176x64xf32>) -> tensor<1x?x64xf32>
  %f4 = ffn.ffn_block %f3 norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<1x?x64xf32>, tensor<64xf32>, tensor<64x176xf32>, tensor<64x176xf32>, tensor<176x64xf32>) -> tensor<1x?x64xf32>
  %n5 = ffn.rms_norm %f4, %g eps 1.0e-05 : tensor<1x?x64xf32>, tensor<64xf32>
  %q5 = ffn.matmul %n5, %wq : (tensor<1x?x64xf32>, tensor<64x64xf32>) -> tensor<1x?x64xf32>
  %k5 = ffn.matmul %n5, %wkv : (tensor<1x?x64xf32>, tensor<64x32xf32>) -> tensor<1x?x32xf32>
  %v5 = ffn.matmul %n5, %wkv : (tensor<1x?x64xf32>, tensor<64x32xf32>) -> tensor<1x?x32xf32>
  %qr5 = ffn.rope %q5, %cos, %sin : tensor<1x?x64xf32>, tensor<1x?x16xf32>
  %kr5 = ffn.rope %k5, %cos, %sin : tensor<1x?x32xf32>, tensor<1x?x16xf32>
  %a5 = ffn.attention %qr5, %kr5, %v5 heads(4, 2) scale 0.25 causal : tensor<1x?x64xf32>, tensor<1x?x32xf32>, tensor<1x?x32xf32>
  %o5 = ffn.matmul %a5, %wo : (tensor<1x?x64xf32>, tensor<64x64xf32>) -> tensor<1x?x64xf32>
  %r5 = arith.addf %f4, %o5 : tensor<1x?x64xf32>
  %f5 = ffn.ffn_block %r5 norm <rms>(%g) eps 1.0e-05 gate(%wg) up(%wu) down(%wd) act <silu> : (tensor<1x?x64xf32>, tensor<64xf32>, tensor<64x176xf32>, tensor<64x176xf32>, tensor<176x64xf32>) -> tensor<1x?x64xf32>
  return %f5 : tensor<1x?x64xf32>
}
