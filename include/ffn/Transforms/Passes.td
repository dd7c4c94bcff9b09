//===- Passes.td - ffn transformation passes ---------------*- tablegen -*-===//

#ifndef FFN_TRANSFORMS_PASSES_TD
#define FFN_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def FFNPrintChains : Pass<"ffn-print-chains", "ModuleOp"> {
  let summary = "Print the runs of consecutive ffn.ffn_block ops";
  let description = [{
    Runs the FFN chain analysis and prints every maximal run of two or more
    attention-free layers: `ffn.ffn_block` ops that each read the previous
    block's output directly on the residual stream, with no attention or
    other op between them and no other use of that output. The block that
    follows an attention belongs to that attention's layer and opens no run.
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

#endif // FFN_TRANSFORMS_PASSES_TD
