//===- FFNOps.td - ffn dialect operations ------------------*- tablegen -*-===//

#ifndef FFN_DIALECT_FFN_IR_FFNOPS_TD
#define FFN_DIALECT_FFN_IR_FFNOPS_TD

include "ffn/Dialect/FFN/IR/FFNDialect.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/OpBase.td"

class FFN_Op<string mnemonic, list<Trait> traits = []>
    : Op<FFN_Dialect, mnemonic, traits>;

def FFN_FloatTensor : RankedTensorOf<[F32, F16, BF16]>;
def FFN_IndexTensor : RankedTensorOf<[I32, I64]>;

// Weights of a gated or plain MLP, shared by ffn.mlp and ffn.ffn_block.
// Layouts follow ONNX MatMul: projections are [in, out].
defvar MLPOperands = (ins
  Optional<FFN_FloatTensor>:$gate_weight,
  Optional<FFN_FloatTensor>:$gate_bias,
  FFN_FloatTensor:$up_weight,
  Optional<FFN_FloatTensor>:$up_bias,
  FFN_FloatTensor:$down_weight,
  Optional<FFN_FloatTensor>:$down_bias,
  FFN_ActivationAttr:$activation);

defvar MLPFormat = [{
  (`gate` `(` $gate_weight^ `)`)? (`gate_bias` `(` $gate_bias^ `)`)?
  `up` `(` $up_weight `)` (`up_bias` `(` $up_bias^ `)`)?
  `down` `(` $down_weight `)` (`down_bias` `(` $down_bias^ `)`)?
  `act` $activation
}];

defvar MLPExtraDecls = [{
  /// True for gated MLPs (act(x·Wg) ⊙ (x·Wu)), false for plain ones.
  bool isGated() { return static_cast<bool>(getGateWeight()); }
  /// The intermediate width f, or ShapedType::kDynamic.
  int64_t getWidth() {
    return ::llvm::cast<::mlir::RankedTensorType>(getUpWeight().getType())
        .getDimSize(1);
  }
}];

//===----------------------------------------------------------------------===//
// Normalizations
//===----------------------------------------------------------------------===//

def FFN_RMSNormOp : FFN_Op<"rms_norm", [Pure, AllTypesMatch<["input", "output"]>]> {
  let summary = "RMS normalization over the last dimension";
  let description = [{
    `output = input / sqrt(mean(input², -1) + epsilon) ⊙ g`, where `g` is
    `weight`, or `1 + weight` when `unit_offset` is set (Gemma's form).
    Statistics are computed in at least fp32.

    ```mlir
    %y = ffn.rms_norm %x, %g eps 1.0e-05 : tensor<?x?x64xf32>, tensor<64xf32>
    ```
  }];
  let arguments = (ins FFN_FloatTensor:$input, FFN_FloatTensor:$weight,
                       F32Attr:$epsilon, UnitAttr:$unit_offset);
  let results = (outs FFN_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $weight `eps` $epsilon (`unit_offset` $unit_offset^)? attr-dict
    `:` type($input) `,` type($weight)
  }];
  let hasVerifier = 1;
}

def FFN_LayerNormOp : FFN_Op<"layer_norm", [Pure, AllTypesMatch<["input", "output"]>]> {
  let summary = "Layer normalization over the last dimension";
  let description = [{
    `output = (input - mean) / sqrt(var + epsilon) ⊙ weight + bias`, with
    mean and (biased) variance over the last dimension; `bias` is optional.

    ```mlir
    %y = ffn.layer_norm %x, %g, %b eps 1.0e-05
        : tensor<?x?x64xf32>, tensor<64xf32>, tensor<64xf32>
    ```
  }];
  let arguments = (ins FFN_FloatTensor:$input, FFN_FloatTensor:$weight,
                       Optional<FFN_FloatTensor>:$bias, F32Attr:$epsilon);
  let results = (outs FFN_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? `eps` $epsilon attr-dict
    `:` type($input) `,` type($weight) (`,` type($bias)^)?
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Linear algebra and MLPs
//===----------------------------------------------------------------------===//

def FFN_MatmulOp : FFN_Op<"matmul", [Pure]> {
  let summary = "Activation times weight matrix, with optional bias";
  let description = [{
    `output[..., n] = Σ_k input[..., k] · W[k, n] + bias[n]` where `W` is
    `weight` (`[K, N]`), or its transpose when `transpose_weight` is set
    (`weight` is then `[N, K]`, as in ONNX Gemm with transB).

    ```mlir
    %y = ffn.matmul %x, %w bias(%b)
        : (tensor<?x?x64xf32>, tensor<64x256xf32>, tensor<256xf32>)
          -> tensor<?x?x256xf32>
    ```
  }];
  let arguments = (ins FFN_FloatTensor:$input, FFN_FloatTensor:$weight,
                       Optional<FFN_FloatTensor>:$bias,
                       UnitAttr:$transpose_weight);
  let results = (outs FFN_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`bias` `(` $bias^ `)`)?
    (`transpose_weight` $transpose_weight^)? attr-dict
    `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def FFN_MLPOp : FFN_Op<"mlp", [Pure, AttrSizedOperandSegments]> {
  let summary = "Gated or plain two-layer perceptron";
  let description = [{
    Gated (when `gate` is present):
    `output = (act(input·Wg + bg) ⊙ (input·Wu + bu))·Wd + bd`.
    Plain: `output = act(input·Wu + bu)·Wd + bd`. All biases are optional.
    Used where an MLP is not part of a pre-norm residual block (e.g. BERT's
    post-norm layers); see `ffn.ffn_block` for the fused form.

    ```mlir
    %y = ffn.mlp %x up(%w1) up_bias(%b1) down(%w2) down_bias(%b2) act <gelu>
        : (tensor<1x16x64xf32>, tensor<64x256xf32>, tensor<256xf32>,
           tensor<256x64xf32>, tensor<64xf32>) -> tensor<1x16x64xf32>
    ```
  }];
  let arguments = !con((ins FFN_FloatTensor:$input), MLPOperands);
  let results = (outs FFN_FloatTensor:$output);
  let assemblyFormat = !strconcat("$input ", MLPFormat,
      " attr-dict `:` functional-type(operands, results)");
  let extraClassDeclaration = MLPExtraDecls;
  let hasVerifier = 1;
}

def FFN_FFNBlockOp : FFN_Op<"ffn_block",
    [Pure, AttrSizedOperandSegments, AllTypesMatch<["input", "output"]>]> {
  let summary = "Pre-norm residual feed-forward block";
  let description = [{
    `output = input + MLP(Norm(input))`: the unit that FFN Fusion works on.
    `norm_kind` selects RMSNorm (`norm_bias` not allowed, `unit_offset`
    allowed) or LayerNorm (`norm_bias` optional). The MLP is gated when
    `gate` is present, plain otherwise; see `ffn.mlp`.

    A block of zero intermediate width and no down bias is the identity and
    folds away.

    ```mlir
    %y = ffn.ffn_block %x norm <rms>(%g) eps 1.0e-05
        gate(%wg) up(%wu) down(%wd) act <silu>
        : (tensor<?x?x64xf32>, tensor<64xf32>, tensor<64x256xf32>,
           tensor<64x256xf32>, tensor<256x64xf32>) -> tensor<?x?x64xf32>
    ```
  }];
  let arguments = !con((ins FFN_FloatTensor:$input,
                            FFN_NormKindAttr:$norm_kind,
                            FFN_FloatTensor:$norm_weight,
                            Optional<FFN_FloatTensor>:$norm_bias,
                            F32Attr:$epsilon, UnitAttr:$unit_offset),
                       MLPOperands);
  let results = (outs FFN_FloatTensor:$output);
  let assemblyFormat = !strconcat(
    "$input `norm` $norm_kind `(` $norm_weight (`,` $norm_bias^)? `)` "
    "`eps` $epsilon (`unit_offset` $unit_offset^)? ", MLPFormat,
    " attr-dict `:` functional-type(operands, results)");
  let extraClassDeclaration = MLPExtraDecls;
  let hasVerifier = 1;
  let hasFolder = 1;
}

def FFN_ActivationOp : FFN_Op<"activation", [Pure, AllTypesMatch<["input", "output"]>]> {
  let summary = "Elementwise activation function";
  let description = [{
    Applies silu, gelu (erf form), gelu_tanh or relu elementwise.

    ```mlir
    %y = ffn.activation <gelu> %x : tensor<?x256xf32>
    ```
  }];
  let arguments = (ins FFN_ActivationAttr:$kind, FFN_FloatTensor:$input);
  let results = (outs FFN_FloatTensor:$output);
  let assemblyFormat = "$kind $input attr-dict `:` type($input)";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Attention
//===----------------------------------------------------------------------===//

def FFN_AttentionOp : FFN_Op<"attention",
    [Pure, AttrSizedOperandSegments, AllTypesMatch<["query", "output"]>]> {
  let summary = "Multi-head scaled dot-product attention with grouped KV heads";
  let description = [{
    `query` is `[batch, seq, num_heads · head_dim]`, `key` and `value` are
    `[batch, seq, num_kv_heads · head_dim]`; query head `h` attends to KV
    head `h / (num_heads / num_kv_heads)` (grouped-query attention). Scores
    are `scale · q·kᵀ`, masked to `j ≤ i` when `causal` is set, then
    softmax-normalized. The output has the layout of `query`.

    With `key_mask` (`[batch, seq]` of integers, a padding mask such as
    BERT's `attention_mask`), key `j` of sequence `b` is attended only where
    `key_mask[b, j]` is non-zero. A query that sees no key at all yields
    zeros.

    With `positions` (`[batch, seq]`, from `ffn-kv-cache`), `key` and
    `value` are caches `[batch, context, num_kv_heads · head_dim]` that
    already hold the new tokens, and query `(b, s)` attends to cache rows
    `j ≤ positions[b, s]`; `causal` must be set.

    ```mlir
    %o = ffn.attention %q, %k, %v heads(4, 2) scale 2.500000e-01 causal
        : tensor<1x?x64xf32>, tensor<1x?x32xf32>, tensor<1x?x32xf32>
    %c = ffn.attention %q, %kc, %vc positions(%pos : tensor<1x?xi64>)
        heads(4, 2) scale 2.500000e-01 causal
        : tensor<1x?x64xf32>, tensor<1x64x32xf32>, tensor<1x64x32xf32>
    %m = ffn.attention %q, %k, %v key_mask(%mask : tensor<?x?xi64>)
        heads(4, 4) scale 2.500000e-01
        : tensor<?x?x64xf32>, tensor<?x?x64xf32>, tensor<?x?x64xf32>
    ```
  }];
  let arguments = (ins FFN_FloatTensor:$query, FFN_FloatTensor:$key,
                       FFN_FloatTensor:$value,
                       Optional<FFN_IndexTensor>:$positions,
                       Optional<FFN_IndexTensor>:$key_mask,
                       ConfinedAttr<I64Attr, [IntPositive]>:$num_heads,
                       ConfinedAttr<I64Attr, [IntPositive]>:$num_kv_heads,
                       F32Attr:$scale, UnitAttr:$causal);
  let results = (outs FFN_FloatTensor:$output);
  let assemblyFormat = [{
    $query `,` $key `,` $value
    (`positions` `(` $positions^ `:` type($positions) `)`)?
    (`key_mask` `(` $key_mask^ `:` type($key_mask) `)`)?
    `heads` `(` $num_heads `,` $num_kv_heads `)`
    `scale` $scale (`causal` $causal^)? attr-dict
    `:` type($query) `,` type($key) `,` type($value)
  }];
  let extraClassDeclaration = [{
    int64_t getHeadDim();
  }];
  let hasVerifier = 1;
}

def FFN_CacheWriteOp : FFN_Op<"cache_write",
    [Pure, AllTypesMatch<["cache", "output"]>]> {
  let summary = "Write new keys or values into a KV cache";
  let description = [{
    `cache` is `[batch, context, width]`, `value` `[batch, seq, width]` and
    `positions` `[batch, seq]`. The result is `cache` with row
    `positions[b, s]` of sequence `b` replaced by `value[b, s]`; positions
    outside `[0, context)` are a runtime error in the executors. The GPU
    lowering writes in place.

    ```mlir
    %kc1 = ffn.cache_write %k into %kc at %pos
        : tensor<1x?x32xf32> into tensor<1x64x32xf32>, tensor<1x?xi64>
    ```
  }];
  let arguments = (ins FFN_FloatTensor:$value, FFN_FloatTensor:$cache,
                       FFN_IndexTensor:$positions);
  let results = (outs FFN_FloatTensor:$output);
  let assemblyFormat = [{
    $value `into` $cache `at` $positions attr-dict
    `:` type($value) `into` type($cache) `,` type($positions)
  }];
  let hasVerifier = 1;
}

def FFN_RoPEOp : FFN_Op<"rope", [Pure, AllTypesMatch<["input", "output"]>,
                                  AllTypesMatch<["cos", "sin"]>]> {
  let summary = "Rotary position embedding (rotate-half form)";
  let description = [{
    `input` is `[batch, seq, heads · head_dim]`; `cos` and `sin` are
    `[seq, head_dim]` or `[batch | 1, seq, head_dim]`. Per head, with
    `x = [x1, x2]` split in halves:
    `output = x ⊙ cos + [-x2, x1] ⊙ sin` (the Llama/GPT-NeoX convention).
    With `positions` (`[batch, seq]`, from `ffn-kv-cache`), `cos` and `sin`
    are tables `[context, head_dim]` and token `(b, s)` uses row
    `positions[b, s]`.

    ```mlir
    %y = ffn.rope %q, %cos, %sin
        : tensor<1x?x64xf32>, tensor<1x?x16xf32>
    %z = ffn.rope %q, %cos_table, %sin_table positions(%pos : tensor<1x?xi64>)
        : tensor<1x?x64xf32>, tensor<4096x16xf32>
    ```
  }];
  let arguments = (ins FFN_FloatTensor:$input, FFN_FloatTensor:$cos,
                       FFN_FloatTensor:$sin,
                       Optional<FFN_IndexTensor>:$positions);
  let results = (outs FFN_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $cos `,` $sin
    (`positions` `(` $positions^ `:` type($positions) `)`)?
    attr-dict `:` type($input) `,` type($cos)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Embedding
//===----------------------------------------------------------------------===//

def FFN_EmbeddingOp : FFN_Op<"embedding", [Pure]> {
  let summary = "Token embedding lookup";
  let description = [{
    `output[..., :] = table[ids[...], :]` for a `[vocab, hidden]` table.
    Ids outside `[0, vocab)` are a runtime error in the executors.

    ```mlir
    %h = ffn.embedding %table[%ids]
        : tensor<512x64xf32>, tensor<?x?xi64> -> tensor<?x?x64xf32>
    ```
  }];
  let arguments = (ins FFN_FloatTensor:$table, FFN_IndexTensor:$ids);
  let results = (outs FFN_FloatTensor:$output);
  let assemblyFormat = [{
    $table `[` $ids `]` attr-dict `:` type($table) `,` type($ids) `->` type($output)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Imported operators that are not (yet) raised
//===----------------------------------------------------------------------===//

def FFN_NodeOp : FFN_Op<"node", [Pure]> {
  let summary = "One ONNX operator of the default domain, as imported";
  let description = [{
    The plain import maps every ONNX node to one `ffn.node`: `op_type` names
    the ONNX operator, `opset` the default-domain opset version whose
    semantics apply, and `onnx_attrs` holds the node's ONNX attributes
    (integers as i64, floats as f32, lists as dense arrays, tensors as dense
    elements). Raising rewrites recognised groups of nodes into structured
    `ffn` ops; what is left keeps ONNX semantics and is executed as such.
    The ONNX node name is the op's location.

    ```mlir
    %y = ffn.node "Softmax"(%x) opset 18 {axis = -1 : i64}
        : (tensor<1x4x?x?xf32>) -> tensor<1x4x?x?xf32>
    ```
  }];
  let arguments = (ins Variadic<AnyRankedTensor>:$inputs, StrAttr:$op_type,
                       ConfinedAttr<I64Attr, [IntPositive]>:$opset,
                       DictionaryAttr:$onnx_attrs);
  let results = (outs Variadic<AnyRankedTensor>:$outputs);
  let assemblyFormat = [{
    $op_type `(` $inputs `)` `opset` $opset $onnx_attrs attr-dict
    `:` functional-type($inputs, $outputs)
  }];
  let extraClassDeclaration = [{
    /// The ONNX attribute `name`, or null.
    ::mlir::Attribute getOnnxAttr(::llvm::StringRef name) {
      return getOnnxAttrs().get(name);
    }
  }];
}

#endif // FFN_DIALECT_FFN_IR_FFNOPS_TD
