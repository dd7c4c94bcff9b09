//===- Folding.cpp - Constant folding of ffn.node -------------------------===//

#include "ffn/Dialect/FFN/Utils/Folding.h"

#include "ffn/Dialect/FFN/IR/FFNOps.h"
#include "ffn/Dialect/FFN/Utils/Evaluate.h"
#include "ffn/Dialect/FFN/Utils/TensorAttr.h"

#include "mlir/Interfaces/FoldInterfaces.h"

using namespace mlir;
using namespace mlir::ffn;

namespace {

/// `t` as a dense attribute of `type`.
Attribute toDense(const ref::Tensor &t, RankedTensorType type) {
  Type element = type.getElementType();
  if (auto floatType = dyn_cast<FloatType>(element)) {
    SmallVector<APFloat> values;
    for (int64_t e = 0; e < t.numElements(); ++e) {
      APFloat v(static_cast<float>(t.getDouble(e)));
      bool lost;
      v.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                &lost);
      values.push_back(v);
    }
    return DenseElementsAttr::get(type, values);
  }
  unsigned width = element.getIntOrFloatBitWidth();
  SmallVector<APInt> values;
  for (int64_t e = 0; e < t.numElements(); ++e)
    values.push_back(APInt(width, t.getInt(e), /*isSigned=*/true));
  return DenseElementsAttr::get(type, values);
}

struct FFNFoldInterface : DialectFoldInterface {
  using DialectFoldInterface::DialectFoldInterface;

  LogicalResult fold(Operation *op, ArrayRef<Attribute> operands,
                     SmallVectorImpl<OpFoldResult> &results) const override {
    auto node = dyn_cast<NodeOp>(op);
    if (!node || llvm::any_of(operands, [](Attribute a) {
          return !isa_and_nonnull<ElementsAttr>(a);
        }))
      return failure();
    for (Type type : node.getResultTypes()) {
      auto tensor = dyn_cast<RankedTensorType>(type);
      if (!tensor || !tensor.hasStaticShape() ||
          tensor.getNumElements() > kMaxFoldedElements ||
          !tensor.getElementType().isIntOrFloat())
        return failure();
    }
    std::vector<ref::Tensor> inputs;
    for (Attribute a : operands) {
      auto t = ref::tensorFromAttr(a);
      if (!t) {
        llvm::consumeError(t.takeError());
        return failure();
      }
      inputs.push_back(std::move(*t));
    }
    SmallVector<const ref::Tensor *> pointers;
    for (const ref::Tensor &t : inputs)
      pointers.push_back(&t);
    // Nodes the evaluator rejects (bad attributes, say) stay for the
    // verifier or the back end to report.
    auto outputs = ref::evaluateOp(op, pointers);
    if (!outputs) {
      llvm::consumeError(outputs.takeError());
      return failure();
    }
    for (auto [t, type] : llvm::zip(*outputs, node.getResultTypes())) {
      auto tensor = cast<RankedTensorType>(type);
      if (llvm::ArrayRef<int64_t>(t.shape()) != tensor.getShape())
        return failure();
      results.push_back(toDense(t, tensor));
    }
    return success();
  }
};

} // namespace

void mlir::ffn::registerFFNFoldInterface(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *, FFNDialect *dialect) {
    dialect->addInterfaces<FFNFoldInterface>();
  });
}
