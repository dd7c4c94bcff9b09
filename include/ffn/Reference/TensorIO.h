//===- TensorIO.h - Tensors in .npy files and what they measure -*- C++ -*-===//

#ifndef FFN_REFERENCE_TENSORIO_H
#define FFN_REFERENCE_TENSORIO_H

#include "ffn/Dialect/FFN/Utils/Tensor.h"
#include "ffn/Support/Npy.h"

#include "llvm/Support/Error.h"

namespace mlir::ffn::ref {

/// Converts between .npy arrays and tensors of the same dtype.
Tensor tensorFromNpy(const ffnsupport::NpyArray &array);
ffnsupport::NpyArray npyFromTensor(const Tensor &tensor);

/// Reads a NumPy .npy file (little-endian, C order).
llvm::Expected<Tensor> readNpy(llvm::StringRef path);
/// Writes `tensor` as .npy in its dtype.
llvm::Error writeNpy(llvm::StringRef path, const Tensor &tensor);

/// Mean cross-entropy, in bits, of logits [..., V] against next-token ids
/// holding one id per logits row.
llvm::Expected<double> crossEntropyBits(const Tensor &logits,
                                        const Tensor &targets);

} // namespace mlir::ffn::ref

#endif // FFN_REFERENCE_TENSORIO_H
