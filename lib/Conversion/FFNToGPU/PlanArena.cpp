//===- PlanArena.cpp - The ffn-plan-arena pass ----------------------------===//
//
// A buffer is live from its ffnrt.alloc to its last use in program order,
// uses through a tensor map included; the plan's launches run in that order
// on one stream.
//
//===----------------------------------------------------------------------===//

#include "ffn/Conversion/FFNToGPU/MemoryPlanner.h"
#include "ffn/Conversion/Passes.h"
#include "ffn/Dialect/Plan/IR/PlanOps.h"
#include "ffn/Runtime/Plan.h"

namespace mlir::ffn {
#define GEN_PASS_DEF_FFNPLANARENA
#include "ffn/Conversion/Passes.h.inc"
} // namespace mlir::ffn

using namespace mlir;
using namespace mlir::ffn;

namespace {
struct FFNPlanArenaPass : ffn::impl::FFNPlanArenaBase<FFNPlanArenaPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    llvm::DenseMap<Operation *, unsigned> position;
    func.walk([&](Operation *op) { position[op] = position.size(); });
    SmallVector<plan::AllocOp> allocs;
    std::vector<BufferRequest> requests;
    func.walk([&](plan::AllocOp alloc) {
      unsigned first = position[alloc], last = first;
      for (Operation *user : alloc->getUsers()) {
        last = std::max(last, position[user]);
        if (isa<plan::TensorMapOp>(user))
          for (Operation *launch : user->getUsers())
            last = std::max(last, position[launch]);
      }
      allocs.push_back(alloc);
      requests.push_back(
          {static_cast<uint64_t>(alloc.getBytes()), first, last});
    });
    if (allocs.empty())
      return;
    MemoryLayout layout = planMemory(requests, ::ffnrt::kTensorAlignment);
    Builder b(&getContext());
    for (auto [alloc, offset] : llvm::zip(allocs, layout.offsets))
      alloc.setOffsetAttr(b.getI64IntegerAttr(offset));
    func->setAttr(plan::kArenaBytesAttr,
                  b.getI64IntegerAttr(layout.totalBytes));
  }
};
} // namespace
