//===- PlanDialect.cpp - The ffnrt launch-plan dialect --------------------===//

#include "ffn/Dialect/Plan/IR/PlanDialect.h"
#include "ffn/Dialect/Plan/IR/PlanOps.h"
#include "ffn/Runtime/Plan.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
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

LogicalResult PlanDialect::verifyOperationAttribute(Operation *op,
                                                    NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  Attribute value = attr.getValue();
  if (name == kTokensAttr) {
    auto range = dyn_cast<DenseI64ArrayAttr>(value);
    if (!range || range.size() != 2 || range[0] < 0 ||
        (range[1] != 0 && range[1] < range[0]))
      return op->emitError(kTokensAttr)
             << " must be array<i64: min, max> with 0 <= min <= max or "
                "max = 0";
    return success();
  }
  if (name == kLayerAttr) {
    if (!isa<StringAttr>(value))
      return op->emitError(kLayerAttr) << " must be a string";
    return success();
  }
  if (llvm::is_contained({kMaxTokensAttr, kMaxBatchAttr, kMaxSeqAttr,
                          kMaxContextAttr, kArenaBytesAttr},
                         name)) {
    auto integer = dyn_cast<IntegerAttr>(value);
    if (!integer || integer.getInt() < 0)
      return op->emitError(name) << " must be a non-negative integer";
    return success();
  }
  if (name == kPrecisionAttr) {
    auto precision = dyn_cast<StringAttr>(value);
    if (!precision ||
        !llvm::is_contained({"bf16", "fp16", "fp32"}, precision.getValue()))
      return op->emitError(name) << " must be \"bf16\", \"fp16\" or \"fp32\"";
    return success();
  }
  if (name == kSerializedPlanAttr) {
    if (!isa<DenseIntElementsAttr>(value))
      return op->emitError(name) << " must hold the plan's bytes";
    return success();
  }
  return op->emitError("unknown ffnrt attribute ") << attr.getName();
}
