//===- Passes.h - ffn transformation passes ---------------------*- C++ -*-===//

#ifndef FFN_TRANSFORMS_PASSES_H
#define FFN_TRANSFORMS_PASSES_H

#include "ffn/Dialect/FFN/IR/FFNDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::ffn {

/// The attribute ffn-kv-cache leaves on a generation step: the positions
/// each of its caches holds.
constexpr llvm::StringLiteral kMaxContextAttr = "ffn.max_context";
/// And the most sequences one step processes, each with caches of its own.
constexpr llvm::StringLiteral kMaxSequencesAttr = "ffn.max_sequences";

#define GEN_PASS_DECL
#include "ffn/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "ffn/Transforms/Passes.h.inc"

} // namespace mlir::ffn

#endif // FFN_TRANSFORMS_PASSES_H
