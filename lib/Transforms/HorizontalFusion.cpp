//===- HorizontalFusion.cpp - Merge matmuls that share an input -----------===//

#include "ffn/Dialect/FFN/IR/FFNOps.h"
#include "ffn/Dialect/FFN/Utils/Evaluate.h"
#include "ffn/Dialect/FFN/Utils/TensorAttr.h"
#include "ffn/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/MapVector.h"

namespace mlir::ffn {
#define GEN_PASS_DEF_FFNHORIZONTALFUSION
#include "ffn/Transforms/Passes.h.inc"
} // namespace mlir::ffn

using namespace mlir;
using namespace mlir::ffn;

namespace {

/// Merges `group` (matmuls of one input and one layout, in program order)
/// into one matmul before the first of them.
LogicalResult merge(ArrayRef<MatmulOp> group) {
  MatmulOp first = group.front();
  bool transposed = first.getTransposeWeight();
  // Weights as [K, N] host tensors (transposed ones are read row by row).
  std::vector<ref::Tensor> weights, biases;
  int64_t k = cast<RankedTensorType>(first.getWeight().getType())
                  .getDimSize(transposed ? 1 : 0);
  int64_t total = 0;
  bool anyBias = false;
  for (MatmulOp op : group) {
    auto w = ref::evaluateConstant(op.getWeight());
    if (!w) {
      llvm::consumeError(w.takeError());
      return failure();
    }
    total += w->dim(transposed ? 0 : 1);
    weights.push_back(std::move(*w));
    if (Value bias = op.getBias()) {
      auto b = ref::evaluateConstant(bias);
      if (!b) {
        llvm::consumeError(b.takeError());
        return failure();
      }
      biases.push_back(std::move(*b));
      anyBias = true;
    } else {
      biases.emplace_back();
    }
  }

  // Concatenate along N: columns of [K, N], rows of [N, K].
  ref::Tensor merged(ref::DType::F32, transposed
                                          ? std::vector<int64_t>{total, k}
                                          : std::vector<int64_t>{k, total});
  ref::Tensor mergedBias(ref::DType::F32, {total});
  int64_t offset = 0;
  for (auto [w, b] : llvm::zip(weights, biases)) {
    int64_t n = w.dim(transposed ? 0 : 1);
    if (transposed)
      std::copy(w.f().begin(), w.f().end(), merged.f().begin() + offset * k);
    else
      for (int64_t r = 0; r < k; ++r)
        std::copy_n(w.f().begin() + r * n, n,
                    merged.f().begin() + r * total + offset);
    if (b.numElements() == n)
      std::copy(b.f().begin(), b.f().end(), mergedBias.f().begin() + offset);
    offset += n;
  }

  OpBuilder builder(first);
  Location loc = FusedLoc::get(
      first.getContext(),
      llvm::to_vector(llvm::map_range(group, [](MatmulOp op) {
        return op.getLoc();
      })));
  Type element = cast<RankedTensorType>(first.getWeight().getType())
                     .getElementType();
  auto constant = [&](const ref::Tensor &t, StringRef name) -> Value {
    auto type = RankedTensorType::get(t.shape(), element);
    return arith::ConstantOp::create(builder, loc,
                                     ref::tensorToAttr(t, type, name));
  };
  auto inputType = cast<RankedTensorType>(first.getInput().getType());
  SmallVector<int64_t> shape(inputType.getShape());
  shape.back() = total;
  auto matmul = MatmulOp::create(
      builder, loc, RankedTensorType::get(shape, element), first.getInput(),
      constant(merged, "ffn_horizontal.weight"),
      anyBias ? constant(mergedBias, "ffn_horizontal.bias") : Value(),
      transposed);

  // One slice per original result: the leading extents of the input, and
  // the original's columns.
  SmallVector<OpFoldResult> leading;
  for (int64_t d = 0; d + 1 < inputType.getRank(); ++d)
    leading.push_back(
        inputType.isDynamicDim(d)
            ? OpFoldResult(tensor::DimOp::create(builder, loc, first.getInput(), d)
                               .getResult())
            : OpFoldResult(builder.getIndexAttr(inputType.getDimSize(d))));
  offset = 0;
  for (MatmulOp op : group) {
    auto type = cast<RankedTensorType>(op.getOutput().getType());
    int64_t n = type.getShape().back();
    SmallVector<OpFoldResult> offsets(inputType.getRank(),
                                      builder.getIndexAttr(0));
    offsets.back() = builder.getIndexAttr(offset);
    SmallVector<OpFoldResult> sizes(leading);
    sizes.push_back(builder.getIndexAttr(n));
    SmallVector<OpFoldResult> strides(inputType.getRank(),
                                      builder.getIndexAttr(1));
    Value slice = tensor::ExtractSliceOp::create(builder, op.getLoc(), type,
                                                 matmul, offsets, sizes,
                                                 strides);
    op.getOutput().replaceAllUsesWith(slice);
    offset += n;
  }
  first->emitRemark() << "merged " << group.size()
                      << " matmuls that read one input into one of width "
                      << total;
  for (MatmulOp op : group) {
    SmallVector<Value> operands(op->getOperands());
    op.erase();
    for (Value v : llvm::drop_begin(operands))
      if (Operation *def = v.getDefiningOp(); def && def->use_empty())
        def->erase();
  }
  return success();
}

struct HorizontalFusionPass
    : public ffn::impl::FFNHorizontalFusionBase<HorizontalFusionPass> {
  void runOnOperation() override {
    // Matmuls by (input, layout), in program order.
    llvm::MapVector<std::pair<Value, int>, SmallVector<MatmulOp>> groups;
    getOperation().walk([&](MatmulOp op) {
      groups[{op.getInput(), op.getTransposeWeight() ? 1 : 0}].push_back(op);
    });
    for (auto &[key, group] : groups)
      if (group.size() > 1)
        (void)merge(group);
  }
};

} // namespace
