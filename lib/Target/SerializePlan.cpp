//===- SerializePlan.cpp - The ffn-serialize-plan pass --------------------===//

#include "ffn/Dialect/Plan/IR/PlanDialect.h"
#include "ffn/Runtime/Plan.h"
#include "ffn/Support/Output.h"
#include "ffn/Target/Artifact.h"
#include "ffn/Target/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "llvm/Support/Path.h"

namespace mlir::ffn {
#define GEN_PASS_DEF_FFNSERIALIZEPLAN
#include "ffn/Target/Passes.h.inc"
} // namespace mlir::ffn

using namespace mlir;
using namespace mlir::ffn;

namespace {
struct FFNSerializePlanPass
    : ffn::impl::FFNSerializePlanBase<FFNSerializePlanPass> {
  using FFNSerializePlanBase::FFNSerializePlanBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<RuntimeProgram> program = buildRuntimeProgram(module);
    if (failed(program))
      return signalPassFailure();
    ::ffnrt::Plan &plan = program->plan;
    plan.weightsFile = llvm::sys::path::filename(weightsFile).str();
    plan.fingerprint = ::ffnrt::fingerprintOf(plan, program->weights);
    if (writeWeights) {
      // Whole or not at all: a cubin beside a half-written sidecar would
      // fail its fingerprint check only at load time.
      std::vector<uint8_t> prefix =
          ::ffnrt::sidecarPrefix(plan.fingerprint, program->weights.size());
      ffnsupport::OutputFile out;
      std::string error = out.open(weightsFile);
      if (error.empty()) {
        out.write(prefix.data(), prefix.size());
        out.write(program->weights.data(), program->weights.size());
        error = out.commit();
      }
      if (!error.empty()) {
        module.emitError(error);
        return signalPassFailure();
      }
    }
    std::vector<uint8_t> bytes = ::ffnrt::serializePlan(plan);
    auto kernels = module.lookupSymbol<gpu::GPUModuleOp>(plan::kKernelModule);
    auto type = RankedTensorType::get({static_cast<int64_t>(bytes.size())},
                                      IntegerType::get(&getContext(), 8));
    kernels->setAttr(
        plan::kSerializedPlanAttr,
        DenseElementsAttr::getFromRawBuffer(
            type, ArrayRef<char>(reinterpret_cast<char *>(bytes.data()),
                                 bytes.size())));
    module.lookupSymbol<func::FuncOp>(plan::kPlanFunction).erase();
  }
};
} // namespace

llvm::Expected<std::vector<uint8_t>>
mlir::ffn::serializedPlan(ModuleOp module) {
  auto kernels = module.lookupSymbol<gpu::GPUModuleOp>(plan::kKernelModule);
  auto bytes =
      kernels
          ? kernels->getAttrOfType<DenseIntElementsAttr>(plan::kSerializedPlanAttr)
          : DenseIntElementsAttr();
  if (!bytes)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "the kernel module has no serialized plan "
                                   "(run ffn-serialize-plan)");
  std::vector<uint8_t> out;
  for (const APInt &b : bytes.getValues<APInt>())
    out.push_back(static_cast<uint8_t>(b.getZExtValue()));
  return out;
}
