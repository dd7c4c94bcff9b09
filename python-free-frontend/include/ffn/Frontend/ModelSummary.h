//===- ModelSummary.h - One-screen description of a model -------*- C++ -*-===//

#ifndef FFN_FRONTEND_MODELSUMMARY_H
#define FFN_FRONTEND_MODELSUMMARY_H

#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mlir::ffn {

/// A graph input or output: its name, element type and dims, symbolic dims
/// by name.
struct TensorSignature {
  std::string name;
  std::string elementType;
  std::vector<std::string> dims;
};

struct ModelSummary {
  std::string path;
  std::string producer;
  int64_t irVersion = 0;
  int64_t opset = 0;
  std::vector<TensorSignature> inputs, outputs;
  uint64_t initializers = 0;
  uint64_t parameters = 0;
  uint64_t weightBytes = 0;
  uint64_t externalBytes = 0;
  /// The external-data files the weights were read from.
  std::vector<std::string> externalFiles;
  uint64_t nodes = 0;
  std::map<std::string, uint64_t> opHistogram;

  void print(llvm::raw_ostream &os) const;
};

} // namespace mlir::ffn

#endif // FFN_FRONTEND_MODELSUMMARY_H
