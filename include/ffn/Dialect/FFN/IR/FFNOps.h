//===- FFNOps.h - ffn dialect operations ------------------------*- C++ -*-===//

#ifndef FFN_DIALECT_FFN_IR_FFNOPS_H
#define FFN_DIALECT_FFN_IR_FFNOPS_H

#include "ffn/Dialect/FFN/IR/FFNDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "ffn/Dialect/FFN/IR/FFNOps.h.inc"

#endif // FFN_DIALECT_FFN_IR_FFNOPS_H
