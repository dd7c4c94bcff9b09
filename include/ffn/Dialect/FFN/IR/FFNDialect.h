//===- FFNDialect.h - The ffn dialect ---------------------------*- C++ -*-===//

#ifndef FFN_DIALECT_FFN_IR_FFNDIALECT_H
#define FFN_DIALECT_FFN_IR_FFNDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Dialect.h"

#include "ffn/Dialect/FFN/IR/FFNDialect.h.inc"
#include "ffn/Dialect/FFN/IR/FFNEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "ffn/Dialect/FFN/IR/FFNAttrs.h.inc"

#endif // FFN_DIALECT_FFN_IR_FFNDIALECT_H
