//===- ModelSummary.cpp - One-screen description of a model ---------------===//

#include "ffn/Frontend/ModelSummary.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir::ffn;

static std::string humanBytes(uint64_t bytes) {
  const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = bytes;
  unsigned unit = 0;
  while (value >= 1024 && unit + 1 < std::size(units)) {
    value /= 1024;
    ++unit;
  }
  return llvm::formatv(unit ? "{0:f1} {1}" : "{0:f0} {1}", value, units[unit]);
}

static void printSignatures(llvm::raw_ostream &os, llvm::StringRef title,
                            const std::vector<TensorSignature> &signatures) {
  os << title << ":\n";
  for (const TensorSignature &s : signatures) {
    os << "  " << s.name << "  " << s.elementType << " [";
    llvm::interleaveComma(s.dims, os);
    os << "]\n";
  }
}

void ModelSummary::print(llvm::raw_ostream &os) const {
  os << "model: " << path << " (ONNX IR " << irVersion << ", opset " << opset;
  if (!producer.empty())
    os << ", from " << producer;
  os << ")\n";
  printSignatures(os, "inputs", inputs);
  printSignatures(os, "outputs", outputs);
  os << llvm::formatv("parameters: {0} in {1} initializers, {2}", parameters,
                      initializers, humanBytes(weightBytes));
  if (externalBytes)
    os << " (" << humanBytes(externalBytes) << " external)";
  os << "\nnodes: " << nodes << "\n";

  // Most frequent ops first, ties by name.
  std::vector<std::pair<std::string, uint64_t>> ops(opHistogram.begin(),
                                                    opHistogram.end());
  llvm::stable_sort(ops, [](const auto &a, const auto &b) {
    return a.second > b.second;
  });
  os << "ops:";
  unsigned column = 4;
  for (const auto &[op, count] : ops) {
    std::string item = llvm::formatv(" {0} {1}", op, count);
    if (column + item.size() > 78) {
      os << "\n   ";
      column = 3;
    }
    os << item;
    column += item.size();
  }
  os << "\n";
}
