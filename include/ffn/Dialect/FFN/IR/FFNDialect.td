//===- FFNDialect.td - The ffn dialect ---------------------*- tablegen -*-===//

#ifndef FFN_DIALECT_FFN_IR_FFNDIALECT_TD
#define FFN_DIALECT_FFN_IR_FFNDIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def FFN_Dialect : Dialect {
  let name = "ffn";
  let cppNamespace = "::mlir::ffn";
  let summary = "Structured transformer building blocks for FFN Fusion";
  let description = [{
    The `ffn` dialect holds the structured operations that ffnc raises
    PyTorch-exported transformer graphs into: normalizations, weight
    matmuls, whole pre-norm residual FFN blocks, attention, rotary position
    embedding and token embedding. All operations work on ranked tensors whose
    batch and sequence dimensions may be dynamic. Weights are SSA operands so
    that transformations such as FFN Fusion can build new ones.
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasConstantMaterializer = 1;
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def FFN_Activation : I32EnumAttr<"Activation", "MLP activation function", [
    I32EnumAttrCase<"silu", 0>,
    I32EnumAttrCase<"gelu", 1>,
    I32EnumAttrCase<"gelu_tanh", 2>,
    I32EnumAttrCase<"relu", 3>
  ]> {
  let cppNamespace = "::mlir::ffn";
  let genSpecializedAttr = 0;
}

def FFN_ActivationAttr : EnumAttr<FFN_Dialect, FFN_Activation, "activation"> {
  let assemblyFormat = "`<` $value `>`";
}

def FFN_NormKind : I32EnumAttr<"NormKind", "normalization kind", [
    I32EnumAttrCase<"rms", 0>,
    I32EnumAttrCase<"layer", 1>
  ]> {
  let cppNamespace = "::mlir::ffn";
  let genSpecializedAttr = 0;
}

def FFN_NormKindAttr : EnumAttr<FFN_Dialect, FFN_NormKind, "norm"> {
  let assemblyFormat = "`<` $value `>`";
}

#endif // FFN_DIALECT_FFN_IR_FFNDIALECT_TD
