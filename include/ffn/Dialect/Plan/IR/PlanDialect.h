//===- PlanDialect.h - The ffnrt launch-plan dialect ------------*- C++ -*-===//

#ifndef FFN_DIALECT_PLAN_IR_PLANDIALECT_H
#define FFN_DIALECT_PLAN_IR_PLANDIALECT_H

#include "mlir/IR/Dialect.h"

#include "ffn/Dialect/Plan/IR/PlanDialect.h.inc"
#include "ffn/Dialect/Plan/IR/PlanEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "ffn/Dialect/Plan/IR/PlanAttrs.h.inc"

namespace mlir::ffn::plan {
/// Attribute names on the plan function.
constexpr llvm::StringLiteral kPlanFunction = "ffn_plan";
constexpr llvm::StringLiteral kMaxTokensAttr = "ffnrt.max_tokens";
constexpr llvm::StringLiteral kMaxBatchAttr = "ffnrt.max_batch";
constexpr llvm::StringLiteral kMaxSeqAttr = "ffnrt.max_seq";
constexpr llvm::StringLiteral kMaxContextAttr = "ffnrt.max_context";
constexpr llvm::StringLiteral kPrecisionAttr = "ffnrt.precision";
constexpr llvm::StringLiteral kArenaBytesAttr = "ffnrt.arena_bytes";
/// On gpu.launch_func: array<i64: min, max>, the launch runs only for calls
/// of min to max tokens (max 0: no bound).
constexpr llvm::StringLiteral kTokensAttr = "ffnrt.tokens";
/// On gpu.launch_func: the layer the launch computes ("ffn 3",
/// "attention 1", or the model's node name), for profiles.
constexpr llvm::StringLiteral kLayerAttr = "ffnrt.layer";
/// On the kernel module: the serialized plan (ffn-serialize-plan).
constexpr llvm::StringLiteral kSerializedPlanAttr = "ffnrt.plan";
/// The gpu.module that holds the kernel library.
constexpr llvm::StringLiteral kKernelModule = "ffn_kernels";
} // namespace mlir::ffn::plan

#endif // FFN_DIALECT_PLAN_IR_PLANDIALECT_H
