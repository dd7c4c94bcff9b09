//===- ShapeInference.h - Result types of ONNX nodes ------------*- C++ -*-===//
//
// For graphs that lack value_info (ONNX's expanded function bodies, models
// that skipped shape inference): the result types of a node of the
// supported operators from its operand types, its attributes and its
// constant operands. Extents that cannot be known statically become dynamic.
//
//===----------------------------------------------------------------------===//

#ifndef FFN_FRONTEND_SHAPEINFERENCE_H
#define FFN_FRONTEND_SHAPEINFERENCE_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/TypeRange.h"
#include "mlir/IR/Value.h"
#include "mlir/IR/ValueRange.h"

namespace mlir::ffn {

/// The result types of ONNX operator `opType` with the given operands and
/// attributes, or failure when they cannot be inferred.
FailureOr<SmallVector<RankedTensorType>>
inferResultTypes(StringRef opType, ValueRange inputs, DictionaryAttr attrs,
                 unsigned numResults);

/// Why the axes and permutations of ONNX operator `opType` (attributes, and
/// constant axes operands) do not fit its operands' ranks, or "". Checked
/// on import, before anything indexes a shape with them.
std::string axisProblem(StringRef opType, ValueRange inputs,
                        DictionaryAttr attrs);

/// Why the operands of ONNX operator `opType` cannot go together, as far as
/// their static shapes, constant operands and attributes show (shapes that
/// do not broadcast, a reshape that changes the element count, a constant
/// index out of range, an unknown Cast target), or "". Checked on import
/// after axisProblem, so that a model that cannot run is refused there.
std::string shapeConflict(StringRef opType, ValueRange inputs,
                          DictionaryAttr attrs);

} // namespace mlir::ffn

#endif // FFN_FRONTEND_SHAPEINFERENCE_H
