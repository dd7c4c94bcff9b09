//===- Passes.td - ffn conversion passes -------------------*- tablegen -*-===//

#ifndef FFN_CONVERSION_PASSES_TD
#define FFN_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertFFNToGPU : Pass<"convert-ffn-to-gpu", "ModuleOp"> {
  let summary = "Lower func @main in the ffn dialect to kernels and a launch plan";
  let description = [{
    Replaces func @main by the host function `@ffn_plan` (ffnrt dialect and
    `gpu.launch_func`) and adds `gpu.module @ffn_kernels`, the kernel
    library for the chosen precision with `#nvvm.target` for `chip`.

    First, values computed from constants only are folded into constants,
    and values computed from the input's shape alone (RoPE tables, position
    ids) become `ffnrt.table` ops evaluated for the longest sequence, after
    checking that shorter sequences read a prefix of them. Then every op is
    converted by the patterns of its family (linear layers and MLPs, norms,
    attention, embedding and RoPE, elementwise and data movement), each of
    which chooses its kernel and launch shape. Weights stay handles onto
    the model's constants (`ffnrt.weight`); they are converted and written
    when the artifact is streamed out. Activations live in `ffnrt.alloc`
    buffers of [tokens, features] sized for `max-tokens`.

    Ops, shapes or dtypes that the kernels do not support are errors naming
    the op and the reason.
  }];
  let options = [
    Option<"precision", "precision", "::mlir::ffn::Precision",
           "::mlir::ffn::Precision::BF16",
           "Storage type of weights and activations",
           [{::llvm::cl::values(
             clEnumValN(::mlir::ffn::Precision::BF16, "bf16",
                        "bfloat16 storage, f32 accumulation and norm statistics"),
             clEnumValN(::mlir::ffn::Precision::FP16, "fp16",
                        "float16 storage, f32 accumulation and norm statistics"),
             clEnumValN(::mlir::ffn::Precision::FP32, "fp32",
                        "float32 throughout"))}]>,
    Option<"chip", "chip", "std::string", "\"sm_90\"",
           "GPU architecture: sm_80, sm_86, sm_89 or sm_90">,
    Option<"maxTokens", "max-tokens", "int64_t", "4096",
           "Most tokens (batch * seq) one call may process">
  ];
  let dependentDialects = [
    "::mlir::ffn::plan::PlanDialect", "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect", "::mlir::gpu::GPUDialect",
    "::mlir::memref::MemRefDialect", "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect", "::mlir::math::MathDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::NVVM::NVVMDialect",
    "::mlir::nvgpu::NVGPUDialect"
  ];
}

def FFNPlanArena : Pass<"ffn-plan-arena", "func::FuncOp"> {
  let summary = "Place the plan's activation buffers in one arena";
  let description = [{
    Gives every `ffnrt.alloc` of a plan function an `offset`, so that
    buffers whose lifetimes (from the alloc to its last use, in program
    order) overlap never share bytes, and records the arena's size as
    `ffnrt.arena_bytes` on the function. Offsets are aligned to 256 bytes.
    Functions without allocs are left alone.
  }];
}

#endif // FFN_CONVERSION_PASSES_TD
