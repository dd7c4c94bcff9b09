//===- ONNXOps.h - Semantics of the ONNX operators --------------*- C++ -*-===//
//
// What the files evaluating ffn.node share: the node's context, broadcasting
// and axis helpers, and one function per operator outside the elementwise
// ones.
//
//===----------------------------------------------------------------------===//

#ifndef FFN_LIB_DIALECT_FFN_UTILS_ONNXOPS_H
#define FFN_LIB_DIALECT_FFN_UTILS_ONNXOPS_H

#include "ffn/Dialect/FFN/IR/FFNOps.h"
#include "ffn/Dialect/FFN/Utils/Evaluate.h"
#include "ffn/Support/Npy.h"

#include <optional>
#include <tuple>

namespace mlir::ffn::ref {

/// Evaluates one ffn.node (an ONNX operator) on host tensors.
llvm::Expected<std::vector<Tensor>>
evaluateNode(NodeOp node, llvm::ArrayRef<const Tensor *> inputs, GemmFn sgemm);

namespace onnx {

using Result = llvm::Expected<std::vector<Tensor>>;

/// Collects what an ONNX op implementation needs.
struct NodeContext {
  mutable NodeOp node;
  llvm::ArrayRef<const Tensor *> inputs;
  std::vector<DType> outTypes;
  GemmFn sgemm;

  const Tensor &in(unsigned k) const { return *inputs[k]; }
  bool has(unsigned k) const { return k < inputs.size(); }
  int64_t intAttr(StringRef name, int64_t otherwise) const {
    auto attr = dyn_cast_or_null<IntegerAttr>(node.getOnnxAttr(name));
    return attr ? attr.getInt() : otherwise;
  }
  float floatAttr(StringRef name, float otherwise) const {
    auto attr = dyn_cast_or_null<FloatAttr>(node.getOnnxAttr(name));
    return attr ? attr.getValueAsDouble() : otherwise;
  }
  std::optional<std::vector<int64_t>> intsAttr(StringRef name) const {
    auto attr = dyn_cast_or_null<DenseI64ArrayAttr>(node.getOnnxAttr(name));
    if (!attr)
      return std::nullopt;
    return std::vector<int64_t>(attr.asArrayRef().begin(),
                                attr.asArrayRef().end());
  }
  llvm::Error fail(const llvm::Twine &message) const {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   node.getOpType() + ": " + message);
  }
  /// A zero-filled result, once its size is checked (allocationProblem):
  /// shapes computed from data (Range, ConstantOfShape, Expand, broadcasts)
  /// may ask for anything.
  llvm::Expected<Tensor> allocate(DType dtype,
                                  std::vector<int64_t> shape) const {
    if (std::string why = allocationProblem(shape, 8); !why.empty())
      return fail("its result " + ffnsupport::shapeString(shape) + " needs " +
                  why);
    return Tensor(dtype, std::move(shape));
  }
};

/// The elements of an integer tensor (shapes, axes, indices).
std::vector<int64_t> valuesOf(const Tensor &t);

/// Normalizes a possibly negative axis against `rank`.
llvm::Expected<int64_t> axisIn(const NodeContext &c, int64_t axis,
                               int64_t rank);

/// The shape that `shapes` broadcast to, numpy-style.
llvm::Expected<std::vector<int64_t>>
broadcastShapes(const NodeContext &c,
                llvm::ArrayRef<llvm::ArrayRef<int64_t>> shapes);

/// Offsets of every element of a broadcast result into each input.
std::vector<std::vector<int64_t>>
broadcastOffsets(llvm::ArrayRef<int64_t> out,
                 llvm::ArrayRef<llvm::ArrayRef<int64_t>> shapes);

/// Splits `shape` around `axis` into outer · axis · inner element counts.
std::tuple<int64_t, int64_t, int64_t> around(llvm::ArrayRef<int64_t> shape,
                                             int64_t axis);

/// The one result `t`, or its error.
Result single(llvm::Expected<Tensor> t);

// Linear algebra, normalization and reductions (ONNXMath.cpp).
Result matMul(const NodeContext &c);
Result gemm(const NodeContext &c);
Result softmax(const NodeContext &c);
Result layerNormalization(const NodeContext &c);
enum class Reduction { Sum, Mean, Max };
Result reduce(const NodeContext &c, Reduction kind);

// Data movement and generators (ONNXDataMovement.cpp).
Result transpose(const NodeContext &c);
Result reshape(const NodeContext &c);
Result shapeOf(const NodeContext &c);
Result squeeze(const NodeContext &c);
Result unsqueeze(const NodeContext &c);
Result slice(const NodeContext &c);
Result concat(const NodeContext &c);
Result split(const NodeContext &c);
Result gather(const NodeContext &c);
Result gatherElements(const NodeContext &c);
Result gatherND(const NodeContext &c);
Result expand(const NodeContext &c);
Result where(const NodeContext &c);
Result range(const NodeContext &c);
Result cumSum(const NodeContext &c);
Result constantOfShape(const NodeContext &c);

} // namespace onnx
} // namespace mlir::ffn::ref

#endif // FFN_LIB_DIALECT_FFN_UTILS_ONNXOPS_H
