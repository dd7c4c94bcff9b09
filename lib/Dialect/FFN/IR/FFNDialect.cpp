//===- FFNDialect.cpp - The ffn dialect -----------------------------------===//

#include "ffn/Dialect/FFN/IR/FFNDialect.h"
#include "ffn/Dialect/FFN/IR/FFNOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::ffn;

#include "ffn/Dialect/FFN/IR/FFNDialect.cpp.inc"
#include "ffn/Dialect/FFN/IR/FFNEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "ffn/Dialect/FFN/IR/FFNAttrs.cpp.inc"

void FFNDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "ffn/Dialect/FFN/IR/FFNOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "ffn/Dialect/FFN/IR/FFNAttrs.cpp.inc"
      >();
}
