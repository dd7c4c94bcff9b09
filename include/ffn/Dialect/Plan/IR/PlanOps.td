//===- PlanOps.td - The ffnrt launch-plan dialect ----------*- tablegen -*-===//
//
// The host side of a compiled model: what the runtime allocates, uploads and
// launches. Kernels are gpu.func ops in a gpu.module; the plan is a function
// of these ops and gpu.launch_func.
//
//===----------------------------------------------------------------------===//

#ifndef FFN_DIALECT_PLAN_IR_PLANOPS_TD
#define FFN_DIALECT_PLAN_IR_PLANOPS_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Dialect/LLVMIR/LLVMOpBase.td"

def Plan_Dialect : Dialect {
  let name = "ffnrt";
  let cppNamespace = "::mlir::ffn::plan";
  let summary = "The launch plan of a compiled model";
  let description = [{
    A compiled model is a `gpu.module` of kernels and a host function,
    `@ffn_plan`, that says what the runtime does on every call: the model's
    inputs and outputs (`ffnrt.input`, `ffnrt.output`), activation buffers
    in one arena (`ffnrt.alloc`), weights uploaded once (`ffnrt.weight`),
    buffers kept between calls (`ffnrt.state`, the KV caches),
    TMA tensor maps over either (`ffnrt.tensor_map`), and the kernel
    launches (`gpu.launch_func`) in order. Grid sizes and
    scalar kernel arguments that depend on the call's shape are
    `ffnrt.extent` ops over the number of tokens, the batch or the sequence
    length; kernel flags are `ffnrt.flags` of the enums below, whose values
    the kernel library reads from the same definitions.

    Attributes of `@ffn_plan`: `ffnrt.max_tokens` (the largest batch × seq a
    call may process), `ffnrt.max_batch` and `ffnrt.max_seq` (0: no limit
    beyond max_tokens), `ffnrt.max_context` (for generation: the positions
    each cache holds), `ffnrt.precision` (bf16, fp16 or fp32) and, once
    the arena is planned, `ffnrt.arena_bytes`. A `gpu.launch_func` with
    `ffnrt.tokens = array<i64: min, max>` runs only for calls of min to max
    tokens (max 0: no bound), so that a kernel can be chosen by the call's
    size.
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasOperationAttrVerify = 1;
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

class Plan_Op<string mnemonic, list<Trait> traits = []>
    : Op<Plan_Dialect, mnemonic, traits>;

//===----------------------------------------------------------------------===//
// Enums shared by the plan and the kernel library
//===----------------------------------------------------------------------===//

// The values match ffnrt::Sym in the runtime's plan format.
def Plan_Sym : I32EnumAttr<"Sym", "a run-time quantity of one call", [
    I32EnumAttrCase<"tokens", 1>,
    I32EnumAttrCase<"batch", 2>,
    I32EnumAttrCase<"seq", 3>
  ]> {
  let cppNamespace = "::mlir::ffn::plan";
}

def Plan_Epilogue : I32BitEnumAttr<"Epilogue", "linear kernel epilogue", [
    I32BitEnumAttrCaseNone<"none">,
    I32BitEnumAttrCaseBit<"bias", 0>,
    I32BitEnumAttrCaseBit<"gated", 1>,
    I32BitEnumAttrCaseBit<"residual", 2>
  ]> {
  let cppNamespace = "::mlir::ffn::plan";
  let genSpecializedAttr = 0;
  let separator = "|";
}
def Plan_EpilogueAttr : EnumAttr<Plan_Dialect, Plan_Epilogue, "epilogue"> {
  let assemblyFormat = "`<` $value `>`";
}

def Plan_NormMode : I32BitEnumAttr<"NormMode", "norm kernel mode", [
    I32BitEnumAttrCaseNone<"rms">,
    I32BitEnumAttrCaseBit<"layer", 0>,
    I32BitEnumAttrCaseBit<"bias", 1>,
    I32BitEnumAttrCaseBit<"unit_offset", 2>
  ]> {
  let cppNamespace = "::mlir::ffn::plan";
  let genSpecializedAttr = 0;
  let separator = "|";
}
def Plan_NormModeAttr : EnumAttr<Plan_Dialect, Plan_NormMode, "norm"> {
  let assemblyFormat = "`<` $value `>`";
}

def Plan_KernelActivation : I32EnumAttr<"KernelActivation",
                                        "activation applied by a kernel", [
    I32EnumAttrCase<"identity", 0>,
    I32EnumAttrCase<"silu", 1>,
    I32EnumAttrCase<"gelu", 2>,
    I32EnumAttrCase<"gelu_tanh", 3>,
    I32EnumAttrCase<"relu", 4>
  ]> {
  let cppNamespace = "::mlir::ffn::plan";
  let genSpecializedAttr = 0;
}
def Plan_KernelActivationAttr
    : EnumAttr<Plan_Dialect, Plan_KernelActivation, "activation"> {
  let assemblyFormat = "`<` $value `>`";
}

def Plan_BinaryKind : I32EnumAttr<"BinaryKind", "elementwise binary op", [
    I32EnumAttrCase<"add", 0>,
    I32EnumAttrCase<"sub", 1>,
    I32EnumAttrCase<"mul", 2>,
    I32EnumAttrCase<"div", 3>
  ]> {
  let cppNamespace = "::mlir::ffn::plan";
  let genSpecializedAttr = 0;
}
def Plan_BinaryKindAttr : EnumAttr<Plan_Dialect, Plan_BinaryKind, "binary"> {
  let assemblyFormat = "`<` $value `>`";
}

def Plan_Mask : I32EnumAttr<"Mask", "attention mask", [
    I32EnumAttrCase<"none", 0>,
    I32EnumAttrCase<"causal", 1>,
    // Keys and values in a cache; query t sees rows up to positions[t].
    I32EnumAttrCase<"cache", 2>,
    // Keys whose key mask is non-zero, all of them or up to the query.
    I32EnumAttrCase<"keys", 3>,
    I32EnumAttrCase<"causal_keys", 4>
  ]> {
  let cppNamespace = "::mlir::ffn::plan";
  let genSpecializedAttr = 0;
}
def Plan_MaskAttr : EnumAttr<Plan_Dialect, Plan_Mask, "mask"> {
  let assemblyFormat = "`<` $value `>`";
}

def Plan_KernelFlag : AnyAttrOf<[Plan_EpilogueAttr, Plan_NormModeAttr,
                                 Plan_KernelActivationAttr, Plan_BinaryKindAttr,
                                 Plan_MaskAttr]>;

// A one-dimensional buffer of any element type: kernels index it flat.
def Plan_Buffer : MemRefRankOf<[AnyType], [1]>;

//===----------------------------------------------------------------------===//
// Ops
//===----------------------------------------------------------------------===//

def Plan_InputOp : Plan_Op<"input", [Pure]> {
  let summary = "A model input, as the runtime receives it";
  let description = [{
    Input `index` of the model, named `name`. `dims` gives its shape: each
    entry an extent or one of "batch" and "seq". For integer inputs read as
    indices, `value_limit` bounds the values the runtime accepts
    ([0, value_limit); 0 leaves them unchecked).

    ```mlir
    %ids = ffnrt.input 0 "input_ids" {dims = ["batch", "seq"], value_limit = 512} : memref<?xi64>
    ```
  }];
  let arguments = (ins I64Attr:$index, StrAttr:$name, ArrayAttr:$dims,
                       DefaultValuedAttr<I64Attr, "0">:$value_limit);
  let results = (outs Plan_Buffer:$result);
  let assemblyFormat = "$index $name attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Plan_OutputOp : Plan_Op<"output", [Pure]> {
  let summary = "A model output, written by the plan's launches";
  let description = [{
    Output `index` of the model, named `name`, of shape `dims` (as for
    `ffnrt.input`). Outputs are float32, or int64 for token ids (a
    generation step's `next_ids`).

    ```mlir
    %logits = ffnrt.output 0 "logits" {dims = ["batch", "seq", 512]} : memref<?xf32>
    ```
  }];
  let arguments = (ins I64Attr:$index, StrAttr:$name, ArrayAttr:$dims);
  let results = (outs MemRefRankOf<[F32, I64], [1]>:$result);
  let assemblyFormat = "$index $name attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def Plan_AllocOp : Plan_Op<"alloc", [MemoryEffects<[MemAlloc]>]> {
  let summary = "An activation buffer in the arena";
  let description = [{
    A buffer of `bytes` bytes in the activation arena, sized for the largest
    call. `ffn-plan-arena` places it: `offset` is its byte offset, shared
    with buffers whose lifetimes do not overlap.

    ```mlir
    %h = ffnrt.alloc {bytes = 1048576} : memref<?xbf16>
    ```
  }];
  let arguments = (ins I64Attr:$bytes, OptionalAttr<I64Attr>:$offset);
  let results = (outs Plan_Buffer:$result);
  let assemblyFormat = "attr-dict `:` type($result)";
}

def Plan_StateOp : Plan_Op<"state", [Pure]> {
  let summary = "A device buffer that keeps its contents between calls";
  let description = [{
    State `index` of the model (a KV cache), `bytes` long. The runtime
    allocates it once, zero-filled, and keeps it across calls until the
    model is reset; kernels read and write it in place.

    ```mlir
    %kc = ffnrt.state 0 {bytes = 8192} : memref<?xbf16>
    ```
  }];
  let arguments = (ins I64Attr:$index, ConfinedAttr<I64Attr, [IntPositive]>:$bytes);
  let results = (outs Plan_Buffer:$result);
  let assemblyFormat = "$index attr-dict `:` type($result)";
}

def Plan_WeightOp : Plan_Op<"weight", [Pure]> {
  let summary = "Constant data uploaded once, in the layout a kernel reads";
  let description = [{
    Weights are written to the sidecar from `sources` (constants, usually
    `dense_resource` handles onto the model's mapped weights) when the
    artifact is streamed out, converted to the result's element type. Each
    source is read as a matrix [rows, k] (a vector as [n, 1]); with
    `transpose`, sources are [k, rows] and stored transposed. Two sources
    (the gate and up projections of a gated MLP, or their biases) are
    stored with their rows interleaved: row 2i from the first, 2i + 1 from
    the second.

    ```mlir
    %w = ffnrt.weight [dense_resource<w_gate> : tensor<64x176xf32>,
                       dense_resource<w_up> : tensor<64x176xf32>] transpose : memref<?xbf16>
    ```
  }];
  let arguments = (ins TypedArrayAttrBase<ElementsAttr, "constants">:$sources,
                       UnitAttr:$transpose);
  let results = (outs Plan_Buffer:$result);
  let assemblyFormat = "$sources (`transpose` $transpose^)? attr-dict `:` type($result)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Rows and row length of the stored layout.
    std::pair<int64_t, int64_t> getStoredShape();
  }];
}

def Plan_TensorMapOp : Plan_Op<"tensor_map", [Pure]> {
  let summary = "A TMA tensor map over a weight or arena buffer";
  let description = [{
    The runtime encodes a tiled tensor map (`cuTensorMapEncodeTiled`) over
    `buffer` read as a row-major [rows, cols] matrix of its element type,
    copied in boxes of [box_rows, box_cols] with the 128-byte swizzle, rows
    and columns past the end read as zeros. `box_cols` elements must make
    128 bytes. Kernels receive a pointer to the encoded map in device
    memory. For an arena buffer, `rows` is its capacity: the rows of the
    largest call.

    ```mlir
    %m = ffnrt.tensor_map %w {rows = 14336, cols = 4096, box_rows = 256, box_cols = 64} : memref<?xbf16>
    ```
  }];
  let arguments = (ins Plan_Buffer:$buffer, I64Attr:$rows, I64Attr:$cols,
                       I64Attr:$box_rows, I64Attr:$box_cols);
  let results = (outs LLVM_DefaultPointer:$result);
  let assemblyFormat = "$buffer attr-dict `:` type($buffer)";
  let hasVerifier = 1;
}

def Plan_TableOp : Plan_Op<"table", [Pure]> {
  let summary = "A tensor computed from the sequence length alone";
  let description = [{
    RoPE's cos/sin, position ids and the like depend on the input's shape,
    not its values. The compiler evaluates them on the host for the longest
    sequence (`value`); a call of sequence length s reads the first s rows
    along the sequence axis. The compiler checks that shorter sequences give
    exactly such a prefix before it creates this op.

    ```mlir
    %cos = ffnrt.table dense<...> : tensor<1x4096x16xf32> -> tensor<1x?x16xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$value attr-dict `->` type($result)";
  let hasVerifier = 1;
}

def Plan_ExtentOp : Plan_Op<"extent", [Pure]> {
  let summary = "ceil((mul * sym + add) / div) for the current call";
  let description = [{
    A grid size or kernel argument that depends on the call: `sym` is the
    number of tokens (batch × seq), the batch or the sequence length.

    ```mlir
    %g = ffnrt.extent tokens + 3 ceildiv 4 : index
    ```
  }];
  let arguments = (ins Plan_Sym:$sym,
                       DefaultValuedAttr<I64Attr, "1">:$mul,
                       DefaultValuedAttr<I64Attr, "0">:$add,
                       DefaultValuedAttr<I64Attr, "1">:$div);
  let results = (outs AnyTypeOf<[Index, I32]>:$result);
  let assemblyFormat = [{
    $sym (`*` $mul^)? (`+` $add^)? (`ceildiv` $div^)? attr-dict `:` type($result)
  }];
  let hasVerifier = 1;
}

def Plan_FlagsOp : Plan_Op<"flags", [Pure]> {
  let summary = "A kernel flag argument from one of the plan's enums";
  let description = [{
    Passes an enum of this dialect to a kernel as i32; the kernel library
    decodes it with the same definitions.

    ```mlir
    %f = ffnrt.flags #ffnrt.epilogue<bias|gated>
    ```
  }];
  let arguments = (ins Plan_KernelFlag:$value);
  let results = (outs I32:$result);
  let assemblyFormat = "$value attr-dict";
  let extraClassDeclaration = [{
    /// The i32 the kernel receives.
    int32_t getBits();
  }];
}

#endif // FFN_DIALECT_PLAN_IR_PLANOPS_TD
