//===- TensorIO.cpp - Tensors in .npy files and what they measure ---------===//

#include "ffn/Reference/TensorIO.h"
#include "ffn/Support/Metrics.h"

using namespace mlir::ffn::ref;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

Tensor mlir::ffn::ref::tensorFromNpy(const ffnsupport::NpyArray &array) {
  Tensor t(array.dtype, array.shape);
  for (int64_t k = 0, n = t.numElements(); k < n; ++k) {
    if (t.isFloat())
      t.f()[k] = array.getDouble(k);
    else
      t.i()[k] = array.getInt(k);
  }
  return t;
}

ffnsupport::NpyArray mlir::ffn::ref::npyFromTensor(const Tensor &tensor) {
  ffnsupport::NpyArray array(tensor.dtype(), tensor.shape().vec());
  for (int64_t k = 0, n = tensor.numElements(); k < n; ++k) {
    if (tensor.isFloat())
      array.setDouble(k, tensor.f()[k]);
    else
      array.setInt(k, tensor.i()[k]);
  }
  return array;
}

llvm::Expected<Tensor> mlir::ffn::ref::readNpy(llvm::StringRef path) {
  ffnsupport::NpyArray array;
  std::string error = ffnsupport::readNpy(path.str(), array);
  if (!error.empty())
    return makeError(error);
  return tensorFromNpy(array);
}

llvm::Error mlir::ffn::ref::writeNpy(llvm::StringRef path,
                                     const Tensor &tensor) {
  std::string error = ffnsupport::writeNpy(path.str(), npyFromTensor(tensor));
  if (!error.empty())
    return makeError(error);
  return llvm::Error::success();
}

llvm::Expected<double> mlir::ffn::ref::crossEntropyBits(const Tensor &logits,
                                                        const Tensor &targets) {
  int64_t vocab = logits.rank() ? logits.dim(-1) : 0;
  if (!logits.isFloat() || vocab == 0 ||
      targets.numElements() * vocab != logits.numElements())
    return makeError("targets " + targets.shapeString() +
                     " do not match logits " + logits.shapeString());
  Tensor ids = targets.isFloat() ? targets.cast(DType::I64) : targets;
  double bits;
  std::string error = ffnsupport::crossEntropyBits(
      logits.f().data(), ids.i().data(), ids.numElements(), vocab, bits);
  if (!error.empty())
    return makeError(error);
  return bits;
}
