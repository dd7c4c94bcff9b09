//===- PlanOps.cpp - The ffnrt launch-plan ops ----------------------------===//

#include "ffn/Dialect/Plan/IR/PlanOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::ffn::plan;

/// Each entry of `dims` is a non-negative extent, "batch" or "seq".
static LogicalResult verifyDims(Operation *op, ArrayAttr dims) {
  for (Attribute dim : dims) {
    if (auto extent = dyn_cast<IntegerAttr>(dim)) {
      if (extent.getInt() < 0)
        return op->emitOpError("dims must not be negative, got ")
               << extent.getInt();
      continue;
    }
    auto sym = dyn_cast<StringAttr>(dim);
    if (!sym || (sym.getValue() != "batch" && sym.getValue() != "seq"))
      return op->emitOpError("dims entries must be integers, \"batch\" or "
                             "\"seq\", got ")
             << dim;
  }
  return success();
}

LogicalResult InputOp::verify() {
  if (getValueLimitAttr().getInt() < 0)
    return emitOpError("value_limit must not be negative");
  return verifyDims(*this, getDims());
}

LogicalResult OutputOp::verify() { return verifyDims(*this, getDims()); }

std::pair<int64_t, int64_t> WeightOp::getStoredShape() {
  auto type = cast<ShapedType>(cast<ElementsAttr>(getSources()[0]).getType());
  int64_t rows = 1, k = 1;
  if (type.getRank() == 2) {
    rows = type.getDimSize(getTranspose() ? 1 : 0);
    k = type.getDimSize(getTranspose() ? 0 : 1);
  } else {
    rows = type.getNumElements();
  }
  return {rows * getSources().size(), k};
}

LogicalResult WeightOp::verify() {
  ArrayAttr sources = getSources();
  if (sources.empty() || sources.size() > 2)
    return emitOpError("expects one or two sources, got ") << sources.size();
  auto first = cast<ShapedType>(cast<ElementsAttr>(sources[0]).getType());
  for (Attribute source : sources) {
    auto type = cast<ShapedType>(cast<ElementsAttr>(source).getType());
    if (!type.hasStaticShape())
      return emitOpError("sources must have static shapes");
    if (type.getShape() != first.getShape())
      return emitOpError("interleaved sources must have the same shape, got ")
             << first << " and " << type;
  }
  if ((getTranspose() || sources.size() == 2) && first.getRank() > 2)
    return emitOpError("transposed or interleaved sources must be vectors or "
                       "matrices, got rank ")
           << first.getRank();
  if (getTranspose() && first.getRank() != 2)
    return emitOpError("only a matrix can be transposed");
  return success();
}

LogicalResult TensorMapOp::verify() {
  unsigned bits = getBuffer().getType().getElementTypeBitWidth();
  if (bits % 8)
    return emitOpError("needs a byte-sized element type");
  int64_t bytes = bits / 8;
  if (getRows() < 1 || getCols() < 1)
    return emitOpError("rows and cols must be positive");
  if (getCols() * bytes % 16)
    return emitOpError("rows must be a multiple of 16 bytes long, got ")
           << getCols() * bytes;
  if (getBoxRows() < 1 || getBoxRows() > 256)
    return emitOpError("box_rows must be in [1, 256], got ") << getBoxRows();
  if (getBoxCols() * bytes != 128)
    return emitOpError("box_cols must make 128 bytes (the swizzle), got ")
           << getBoxCols() * bytes;
  return success();
}

LogicalResult TableOp::verify() {
  auto value = cast<ShapedType>(getValue().getType());
  RankedTensorType result = getResult().getType();
  if (value.getRank() != result.getRank() ||
      value.getElementType() != result.getElementType())
    return emitOpError("value ") << value << " does not fit result " << result;
  for (int64_t k = 0; k < result.getRank(); ++k)
    if (!result.isDynamicDim(k) && result.getDimSize(k) != value.getDimSize(k))
      return emitOpError("static dim ")
             << k << " of the result differs from the value's";
  return success();
}

LogicalResult ExtentOp::verify() {
  if (getDivAttr().getInt() < 1)
    return emitOpError("div must be positive, got ") << getDivAttr().getInt();
  if (getMulAttr().getInt() < 0 || getAddAttr().getInt() < 0)
    return emitOpError("mul and add must not be negative");
  return success();
}

int32_t FlagsOp::getBits() {
  return llvm::TypeSwitch<Attribute, int32_t>(getValue())
      .Case([](EpilogueAttr a) { return static_cast<int32_t>(a.getValue()); })
      .Case([](NormModeAttr a) { return static_cast<int32_t>(a.getValue()); })
      .Case([](KernelActivationAttr a) {
        return static_cast<int32_t>(a.getValue());
      })
      .Case([](BinaryKindAttr a) { return static_cast<int32_t>(a.getValue()); })
      .Case([](MaskAttr a) { return static_cast<int32_t>(a.getValue()); });
}

#define GET_OP_CLASSES
#include "ffn/Dialect/Plan/IR/PlanOps.cpp.inc"
