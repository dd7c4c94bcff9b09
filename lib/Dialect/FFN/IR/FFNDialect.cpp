//===- FFNDialect.cpp - The ffn dialect -----------------------------------===//

#include "ffn/Dialect/FFN/IR/FFNDialect.h"
#include "ffn/Dialect/FFN/IR/FFNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
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

/// Folded values are tensors of constants; arith.constant holds them.
Operation *FFNDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                           Type type, Location loc) {
  auto typed = dyn_cast<TypedAttr>(value);
  if (!typed || typed.getType() != type)
    return nullptr;
  return arith::ConstantOp::create(builder, loc, typed);
}
