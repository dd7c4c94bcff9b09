//===- SerializePlan.cpp - The ffn-serialize-plan pass --------------------===//

#include "ffn/Dialect/Plan/IR/PlanDialect.h"
#include "ffn/Runtime/Plan.h"
#include "ffn/Support/Output.h"
#include "ffn/Support/Progress.h"
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
    // The weights stream out once: hashed for the fingerprint and, when
    // written, copied into the sidecar, whose header gets the fingerprint
    // last. Whole or not at all: a cubin beside a half-written sidecar
    // would fail its fingerprint check only at load time.
    uint64_t hash = ::ffnrt::fingerprintSeed(plan);
    ffnsupport::OutputFile out;
    std::string error;
    if (writeWeights) {
      error = out.open(weightsFile);
      if (error.empty()) {
        std::vector<uint8_t> prefix =
            ::ffnrt::sidecarPrefix(0, plan.weightsBytes);
        out.write(prefix.data(), prefix.size());
      }
    }
    ffnsupport::Progress progress("weights", "streamed", plan.weightsBytes,
                                  this->progress);
    if (error.empty()) {
      llvm::Error streamed =
          streamWeights(*program, [&](const uint8_t *data, size_t size) {
            hash = ::ffnrt::hashBlock(data, size, hash);
            progress.add(size);
            return !writeWeights || out.write(data, size);
          });
      progress.finish();
      if (streamed) {
        llvm::consumeError(std::move(streamed));
        return signalPassFailure();
      }
    }
    plan.fingerprint = hash;
    if (writeWeights && error.empty()) {
      ::ffnrt::SidecarHeader header =
          ::ffnrt::makeSidecarHeader(plan.fingerprint, plan.weightsBytes);
      out.rewrite(0, &header, sizeof(header));
      error = out.commit();
    }
    if (!error.empty()) {
      module.emitError(error);
      return signalPassFailure();
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
