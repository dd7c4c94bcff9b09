//===- Layers.cpp - Which layer of the model an op belongs to -------------===//

#include "ffn/Dialect/FFN/Utils/Layers.h"
#include "ffn/Dialect/FFN/IR/FFNOps.h"

#include "llvm/ADT/Twine.h"

using namespace mlir;
using namespace mlir::ffn;

// Searches stay near the op: a projection is a few reshapes away from its
// attention, and a deeper search would reach the next layer.
static constexpr int kSearchDepth = 5;

static bool isLayer(Operation *op) { return isa<FFNBlockOp, AttentionOp>(op); }

static StringRef nameOf(Operation *op) {
  if (auto name = op->getLoc()->findInstanceOf<NameLoc>())
    return name.getName().getValue();
  return "";
}

void mlir::ffn::nameLayers(Operation *root) {
  unsigned blocks = 0, attentions = 0;
  root->walk([&](Operation *op) {
    if (!isLayer(op))
      return;
    bool block = isa<FFNBlockOp>(op);
    std::string name = (Twine(block ? "ffn " : "attention ") +
                        Twine(block ? blocks++ : attentions++))
                           .str();
    if (auto named = dyn_cast<NameLoc>(op->getLoc());
        named &&
        named.getName().getValue().starts_with(block ? "ffn " : "attention "))
      return;
    op->setLoc(
        NameLoc::get(StringAttr::get(op->getContext(), name), op->getLoc()));
  });
}

/// The layer op that every use of `op`'s results leads to, or null.
static Operation *feeds(Operation *op, int depth) {
  if (isLayer(op))
    return op;
  if (depth == 0 || op->use_empty())
    return nullptr;
  Operation *common = nullptr;
  for (Operation *user : op->getUsers()) {
    Operation *target = feeds(user, depth - 1);
    if (!target || (common && target != common))
      return nullptr;
    common = target;
  }
  return common;
}

/// The attention whose output reaches `op` through ops used only on the way.
static Operation *readsAttention(Operation *op, int depth) {
  for (Value operand : op->getOperands()) {
    Operation *def = operand.getDefiningOp();
    if (!def)
      continue;
    if (isa<AttentionOp>(def))
      return def;
    if (depth > 0 && def->hasOneUse() && !isLayer(def))
      if (Operation *found = readsAttention(def, depth - 1))
        return found;
  }
  return nullptr;
}

std::string mlir::ffn::layerOf(Operation *op) {
  if (isLayer(op))
    return nameOf(op).str();
  // The embedding feeds the first layer but is not part of it.
  if (isa<EmbeddingOp>(op))
    return "embedding";
  if (Operation *attention = readsAttention(op, kSearchDepth))
    return nameOf(attention).str();
  if (Operation *target = feeds(op, kSearchDepth))
    return nameOf(target).str();
  return nameOf(op).str();
}
