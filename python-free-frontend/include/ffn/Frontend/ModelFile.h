//===- ModelFile.h - Reading ONNX model files -------------------*- C++ -*-===//
//
// Opens an ONNX model (binary protobuf, or protobuf text for readable tests),
// memory-maps it, and resolves where each initializer's bytes live: inside the
// mapped model file or in a mapped external-data file next to it. Weight bytes
// are never copied for binary models.
//
//===----------------------------------------------------------------------===//

#ifndef FFN_FRONTEND_MODELFILE_H
#define FFN_FRONTEND_MODELFILE_H

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>
#include <optional>
#include <vector>

namespace onnx {
class ModelProto;
class TensorProto;
} // namespace onnx

namespace mlir::ffn {

/// Bytes of one tensor, and the mapping that keeps them alive.
struct TensorBytes {
  llvm::ArrayRef<char> data;
  std::shared_ptr<llvm::MemoryBuffer> owner;
};

class ModelFile {
public:
  /// Opens and parses `path`. Files ending in .onnxtxt, .pbtxt, .textproto or
  /// .txt are read as protobuf text.
  static llvm::Expected<std::unique_ptr<ModelFile>> open(llvm::StringRef path);
  /// Parses a model held in memory. The buffer's identifier stands for the
  /// path: it picks the format, names the model in errors, and its folder is
  /// where external data is looked up.
  static llvm::Expected<std::unique_ptr<ModelFile>>
  parse(std::unique_ptr<llvm::MemoryBuffer> buffer);
  ~ModelFile();

  const onnx::ModelProto &getModel() const { return *model; }
  llvm::StringRef getPath() const { return path; }

  /// The raw little-endian bytes of initializer `index` when they are stored
  /// as raw_data or externally (memory-mapped), or std::nullopt when the
  /// tensor uses the typed *_data fields. Validates external-data locations,
  /// offsets and lengths.
  llvm::Expected<std::optional<TensorBytes>>
  getInitializerBytes(unsigned index) const;

  /// Bytes of all initializers stored in external files.
  uint64_t getExternalBytes() const { return externalBytes; }
  /// The external-data files read so far, by resolved path.
  std::vector<std::string> getExternalFiles() const;

private:
  ModelFile() = default;
  llvm::Expected<TensorBytes>
  getExternalBytes(const onnx::TensorProto &tensor) const;

  std::string path;
  std::string directory;
  std::unique_ptr<onnx::ModelProto> model;
  std::shared_ptr<llvm::MemoryBuffer> buffer;
  /// Where each initializer's raw_data sits in `buffer` (binary files only).
  std::vector<std::optional<std::pair<size_t, size_t>>> rawDataSpans;
  /// External-data files, mapped once each, by resolved path.
  mutable llvm::StringMap<std::shared_ptr<llvm::MemoryBuffer>> externalFiles;
  uint64_t externalBytes = 0;
};

} // namespace mlir::ffn

#endif // FFN_FRONTEND_MODELFILE_H
