//===- Passes.td - ffn transformation passes ---------------*- tablegen -*-===//

#ifndef FFN_TRANSFORMS_PASSES_TD
#define FFN_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def FFNPrintChains : Pass<"ffn-print-chains", "ModuleOp"> {
  let summary = "Print the runs of consecutive ffn.ffn_block ops";
  let description = [{
    Runs the FFN chain analysis and prints every maximal run of two or more
    consecutive FFN blocks: `ffn.ffn_block` ops that each read the previous
    block's output directly on the residual stream, with no attention or
    other op between them and no other use of that output. A run starts
    wherever such a sequence does: its first block may read an attention's
    output (the FFN of the last layer that kept its attention, or the first
    block after a layer whose FFN was removed) or the embedding.
    Blocks are numbered in program order from 0, so in a model with one FFN
    per layer the block number is the layer number. The IR is left
    unchanged.
  }];
}

def FFNRaise : Pass<"ffn-raise", "func::FuncOp"> {
  let summary = "Raise imported ONNX nodes into structured ffn ops";
  let description = [{
    Rewrites the decomposed patterns that PyTorch's ONNX exporter writes into
    the structured ops of the `ffn` dialect, matching structure rather than
    names: token embedding, RMSNorm (and Gemma's 1 + w form), LayerNorm,
    SiLU and GELU (erf and tanh forms), weight matmuls with their biases,
    gated and plain MLPs, pre-norm residual FFN blocks, and attention with
    RoPE. Nodes that no pattern claims stay as `ffn.node`; nodes left dead
    by raising (shape computations) are removed.
  }];
  let dependentDialects = ["::mlir::ffn::FFNDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
}

def FFNFusion : Pass<"ffn-fusion", "ModuleOp"> {
  let summary = "Fuse ranges of consecutive FFN blocks into one wide block";
  let description = [{
    FFN Fusion: a range of blocks that read each other directly on the
    residual stream, x_n = x_0 + Σ_k F_k(N_k(x_k-1)), is replaced by their
    parallel form x_0 + Σ_k F_k(N_k(x_0)), written exactly as one
    `ffn.ffn_block`: gate and up weights concatenated with each block's norm
    gain folded into their rows, down weights stacked, a unit-gain norm, and
    for LayerNorm blocks each norm bias folded into the first projection's
    bias (β·W + b). The rewrite of the parallel form is exact; the parallel
    form itself approximates the sequential one (see docs/ffn-fusion.md).

    Ranges are given explicitly (`ranges=3-4,5-7`, by program-order block
    number) or chosen from a dependency report written by `ffnc analyze`:
    each run of consecutive FFN blocks is grown greedily while the largest
    pairwise dependency M[i,j] stays at or below `max-dependency`, leaving
    the run's last block alone unless `include-last` is set. Blocks that
    cannot be fused (not consecutive, different epsilons, norm kinds,
    activations or MLP kinds, weights that are not constants) are refused
    with an error that says which and why.
  }];
  let options = [
    Option<"ranges", "ranges", "std::string", "\"\"",
           "Block ranges to fuse, e.g. 3-4,5-7">,
    Option<"report", "report", "std::string", "\"\"",
           "Dependency report (JSON from ffnc analyze) to choose ranges from">,
    Option<"maxDependency", "max-dependency", "double", "0.08",
           "Largest pairwise dependency allowed inside a chosen range">,
    Option<"includeLast", "include-last", "bool", "false",
           "Let chosen ranges include the last block of a run">,
    Option<"progress", "progress", "bool", "false",
           "Report on stderr how far the fused weights have been written: "
           "bytes, rate and time left, every 2 seconds and once per range">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def FFNKVCache : Pass<"ffn-kv-cache", "func::FuncOp"> {
  let summary = "Rewrite a plain forward into one step of cached generation";
  let description = [{
    Turns a decoder's plain forward (token ids `[batch, seq]` in, logits
    out, no cache) into a step that processes `seq` new tokens per sequence
    at given positions against a KV cache: prefill is a step from position
    0, decode a step of one token; up to `max-batch` sequences at once,
    each at positions of its own. The function gains the arguments
    `position_ids` (i64 `[batch, seq]`, right after the token ids) and, per
    attention in program order, `cache.N.key` and `cache.N.value`
    (`[batch, max-context, kv_heads · head_dim]`); it returns the updated
    caches after output 0, in the same order. Each `ffn.attention` writes
    its keys and values (after RoPE) with `ffn.cache_write` and attends over
    the cache up to each query's position. Layers without attention get no
    cache.

    Tensors that the forward computes from the sequence length alone (RoPE's
    cos and sin, learned position embeddings) become tables of
    `max-context` rows, evaluated once, and are looked up by position. Each
    must be `[1, seq, d]`, and row s must not depend on the length
    (checked by evaluating at several lengths). Models with other inputs,
    non-causal attention or other uses of the length are refused with an
    error that names the culprit.
  }];
  let options = [
    Option<"maxContext", "max-context", "int64_t", "0",
           "Tokens per sequence that the cache holds">,
    Option<"maxBatch", "max-batch", "int64_t", "1",
           "Sequences one step processes at most (token ids exported with a "
           "dynamic batch for more than 1)">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def FFNHorizontalFusion : Pass<"ffn-horizontal-fusion", "func::FuncOp"> {
  let summary = "Merge weight matmuls that share one input";
  let description = [{
    `ffn.matmul` ops that read the same input with the same weight layout
    (the q, k and v projections of an attention, say) become one matmul
    whose weight is their concatenation, followed by a `tensor.extract_slice`
    per original result. The rewrite is exact. Each merged group is reported
    with a remark naming how many matmuls it joined. Matmuls whose weights
    are not constants are left alone.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
}

#endif // FFN_TRANSFORMS_PASSES_TD
