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

#endif // FFN_TRANSFORMS_PASSES_TD
