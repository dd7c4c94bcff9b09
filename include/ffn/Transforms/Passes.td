//===- Passes.td - ffn transformation passes ---------------*- tablegen -*-===//

#ifndef FFN_TRANSFORMS_PASSES_TD
#define FFN_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def FFNPrintChains : Pass<"ffn-print-chains", "ModuleOp"> {
  let summary = "Print the runs of consecutive ffn.ffn_block ops";
  let description = [{
    Runs the FFN chain analysis and prints, per function, every maximal run
    of two or more `ffn.ffn_block` ops that feed each other directly on the
    residual stream (no attention or other op between them). Blocks are
    numbered in program order from 0, so in a model with one FFN per layer
    the block number is the layer number. The IR is left unchanged.
  }];
  let statistics = [
    Statistic<"numBlocks", "blocks", "Number of ffn.ffn_block ops">,
    Statistic<"numRuns", "runs", "Number of runs of two or more blocks">
  ];
}

#endif // FFN_TRANSFORMS_PASSES_TD
