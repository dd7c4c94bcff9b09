//===- PlanDialect.cpp - The ffnrt launch-plan dialect --------------------===//

#include "ffn/Dialect/Plan/IR/PlanDialect.h"
#include "ffn/Dialect/Plan/IR/PlanOps.h"
#include "ffn/Runtime/Plan.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::ffn::plan;

#include "ffn/Dialect/Plan/IR/PlanDialect.cpp.inc"
#include "ffn/Dialect/Plan/IR/PlanEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "ffn/Dialect/Plan/IR/PlanAttrs.cpp.inc"

// The plan format stores these symbols by value.
static_assert(static_cast<int>(Sym::tokens) ==
              static_cast<int>(::ffnrt::Sym::Tokens));
static_assert(static_cast<int>(Sym::batch) ==
              static_cast<int>(::ffnrt::Sym::Batch));
static_assert(static_cast<int>(Sym::seq) ==
              static_cast<int>(::ffnrt::Sym::Seq));

void PlanDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "ffn/Dialect/Plan/IR/PlanOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "ffn/Dialect/Plan/IR/PlanAttrs.cpp.inc"
      >();
}
