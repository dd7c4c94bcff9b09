//===- Passes.h - ffn target passes -----------------------------*- C++ -*-===//

#ifndef FFN_TARGET_PASSES_H
#define FFN_TARGET_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::ffn {

#define GEN_PASS_DECL
#include "ffn/Target/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "ffn/Target/Passes.h.inc"

} // namespace mlir::ffn

#endif // FFN_TARGET_PASSES_H
