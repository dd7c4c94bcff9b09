//===- PlanOps.h - The ffnrt launch-plan ops --------------------*- C++ -*-===//

#ifndef FFN_DIALECT_PLAN_IR_PLANOPS_H
#define FFN_DIALECT_PLAN_IR_PLANOPS_H

#include "ffn/Dialect/Plan/IR/PlanDialect.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/LLVMIR/LLVMTypes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "ffn/Dialect/Plan/IR/PlanOps.h.inc"

#endif // FFN_DIALECT_PLAN_IR_PLANOPS_H
