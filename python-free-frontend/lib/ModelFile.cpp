//===- ModelFile.cpp - Reading ONNX model files ---------------------------===//

#include "ffn/Frontend/ModelFile.h"
#include "ffn/Support/Files.h"
#include "ffn/Support/Nesting.h"

#include "onnx.pb.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/wire_format_lite.h>

#include <climits>

using namespace mlir;
using namespace mlir::ffn;
using google::protobuf::io::CodedInputStream;
using google::protobuf::internal::WireFormatLite;

using Span = std::optional<std::pair<size_t, size_t>>;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

//===----------------------------------------------------------------------===//
// Locating raw_data in the binary file
//===----------------------------------------------------------------------===//

// Field numbers from onnx.proto.
static constexpr int kModelGraph = 7;
static constexpr int kGraphInitializer = 5;
static constexpr int kTensorRawData = 9;

static bool isLengthDelimited(uint32_t tag) {
  return WireFormatLite::GetTagWireType(tag) ==
         WireFormatLite::WIRETYPE_LENGTH_DELIMITED;
}

/// Walks the fields of one length-delimited message, calling `onField` for
/// the length-delimited fields it cares about and skipping the rest.
template <typename Fn>
static bool scanMessage(CodedInputStream &in, Fn onField) {
  while (uint32_t tag = in.ReadTag()) {
    int field = WireFormatLite::GetTagFieldNumber(tag);
    if (isLengthDelimited(tag)) {
      uint32_t length;
      if (!in.ReadVarint32(&length))
        return false;
      auto limit = in.PushLimit(length);
      if (!onField(field, length))
        return false;
      // Skip whatever `onField` left unread.
      if (!in.Skip(in.BytesUntilLimit()))
        return false;
      in.PopLimit(limit);
    } else if (!WireFormatLite::SkipField(&in, tag)) {
      return false;
    }
  }
  return in.ConsumedEntireMessage();
}

/// Byte span of every initializer's raw_data, in initializer order.
static bool scanRawData(llvm::ArrayRef<char> file, std::vector<Span> &spans) {
  CodedInputStream in(reinterpret_cast<const uint8_t *>(file.data()),
                      static_cast<int>(file.size()));
  in.SetRecursionLimit(8);
  return scanMessage(in, [&](int field, uint32_t) {
    if (field != kModelGraph)
      return true;
    return scanMessage(in, [&](int field, uint32_t) {
      if (field != kGraphInitializer)
        return true;
      Span span;
      bool ok = scanMessage(in, [&](int field, uint32_t length) {
        if (field == kTensorRawData)
          span = std::make_pair(static_cast<size_t>(in.CurrentPosition()),
                                static_cast<size_t>(length));
        return true;
      });
      spans.push_back(span);
      return ok;
    });
  });
}

//===----------------------------------------------------------------------===//
// Tensor sizes
//===----------------------------------------------------------------------===//

/// Bytes per element of an ONNX data type, or 0 when not a fixed-size type.
static uint64_t elementBytes(int32_t dataType) {
  switch (dataType) {
  case onnx::TensorProto::FLOAT:
  case onnx::TensorProto::INT32:
  case onnx::TensorProto::UINT32:
    return 4;
  case onnx::TensorProto::UINT8:
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::BOOL:
    return 1;
  case onnx::TensorProto::UINT16:
  case onnx::TensorProto::INT16:
  case onnx::TensorProto::FLOAT16:
  case onnx::TensorProto::BFLOAT16:
    return 2;
  case onnx::TensorProto::INT64:
  case onnx::TensorProto::UINT64:
  case onnx::TensorProto::DOUBLE:
    return 8;
  default:
    return 0;
  }
}

/// The byte size that `tensor`'s dims and type call for.
static llvm::Expected<uint64_t> expectedBytes(const onnx::TensorProto &tensor) {
  uint64_t bytes = elementBytes(tensor.data_type());
  if (bytes == 0)
    return makeError(llvm::formatv("initializer '{0}' has unsupported data "
                                   "type {1}",
                                   tensor.name(), tensor.data_type()));
  for (int64_t dim : tensor.dims()) {
    if (dim < 0)
      return makeError(llvm::formatv("initializer '{0}' has a negative "
                                     "dimension {1}",
                                     tensor.name(), dim));
    if (dim != 0 && bytes > UINT64_MAX / static_cast<uint64_t>(dim))
      return makeError(llvm::formatv("initializer '{0}' is too large",
                                     tensor.name()));
    bytes *= dim;
  }
  return bytes;
}

//===----------------------------------------------------------------------===//
// ModelFile
//===----------------------------------------------------------------------===//

ModelFile::~ModelFile() = default;

static bool isTextFormat(llvm::StringRef path) {
  llvm::StringRef ext = llvm::sys::path::extension(path);
  return ext == ".onnxtxt" || ext == ".pbtxt" || ext == ".textproto" ||
         ext == ".txt";
}

namespace {
/// Collects protobuf text-format errors instead of logging them.
struct TextErrors : google::protobuf::io::ErrorCollector {
  void AddError(int line, int column, const std::string &message) override {
    if (first.empty())
      first = llvm::formatv("line {0}, column {1}: {2}", line + 1, column + 1,
                            message);
  }
  std::string first;
};
} // namespace

llvm::Expected<std::unique_ptr<ModelFile>>
ModelFile::open(llvm::StringRef path) {
  if (std::string why = ffnsupport::whyNotReadable(path.str()); !why.empty())
    return makeError("model '" + path + "' " + why);
  auto bufferOr = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
  if (!bufferOr)
    return makeError("cannot open model '" + path +
                     "': " + bufferOr.getError().message());
  return parse(std::move(*bufferOr));
}

llvm::Expected<std::unique_ptr<ModelFile>>
ModelFile::parse(std::unique_ptr<llvm::MemoryBuffer> buffer) {
  std::unique_ptr<ModelFile> file(new ModelFile());
  file->path = buffer->getBufferIdentifier().str();
  llvm::StringRef path = file->path;
  llvm::SmallString<256> dir(path);
  llvm::sys::path::remove_filename(dir);
  file->directory = dir.empty() ? "." : std::string(dir);
  if (buffer->getBufferSize() == 0)
    return makeError("model '" + path + "' is empty");
  file->buffer = std::move(buffer);
  file->model = std::make_unique<onnx::ModelProto>();
  llvm::StringRef contents = file->buffer->getBuffer();

  if (isTextFormat(path)) {
    if (std::string why = ffnsupport::nestingProblem(
            contents.data(), contents.size(), ffnsupport::Comments::Protobuf);
        !why.empty())
      return makeError("'" + path + "' " + why);
    google::protobuf::TextFormat::Parser parser;
    TextErrors errors;
    parser.RecordErrorsTo(&errors);
    if (!parser.ParseFromString(contents.str(), file->model.get()))
      return makeError("'" + path + "' is not a valid ONNX text model: " +
                       errors.first);
  } else {
    if (contents.size() > static_cast<size_t>(INT_MAX))
      return makeError("'" + path +
                       "' is larger than 2 GiB; protobuf cannot hold it, "
                       "store the weights as external data");
    if (!file->model->ParseFromArray(contents.data(),
                                     static_cast<int>(contents.size())) ||
        !scanRawData(llvm::ArrayRef<char>(contents.data(), contents.size()),
                     file->rawDataSpans))
      return makeError("'" + path +
                       "' is not a valid ONNX model: protobuf parsing failed "
                       "(truncated or corrupt file?)");
    // The parse copied raw_data; the bytes stay reachable through the map.
    // (mutable_graph() would create a missing graph: test first.)
    auto *graph =
        file->model->has_graph() ? file->model->mutable_graph() : nullptr;
    for (int i = 0; graph && i < graph->initializer_size(); ++i)
      if (graph->initializer(i).has_raw_data())
        std::string().swap(*graph->mutable_initializer(i)->mutable_raw_data());
  }

  const onnx::ModelProto &model = *file->model;
  if (!model.has_graph())
    return makeError("'" + path + "' is not a valid ONNX model: it has no "
                                  "graph");
  if (!file->rawDataSpans.empty() &&
      file->rawDataSpans.size() !=
          static_cast<size_t>(model.graph().initializer_size()))
    return makeError("'" + path + "' is not a valid ONNX model: inconsistent "
                                  "initializer list");
  for (const onnx::TensorProto &tensor : model.graph().initializer()) {
    if (tensor.data_location() != onnx::TensorProto::EXTERNAL)
      continue;
    llvm::Expected<uint64_t> bytes = expectedBytes(tensor);
    if (!bytes)
      return bytes.takeError();
    file->externalBytes += *bytes;
  }
  return file;
}

std::vector<std::string> ModelFile::getExternalFiles() const {
  std::vector<std::string> files;
  for (const auto &entry : externalFiles)
    files.push_back(entry.getKey().str());
  return files;
}

llvm::Expected<TensorBytes>
ModelFile::getExternalBytes(const onnx::TensorProto &tensor) const {
  std::string location;
  std::optional<uint64_t> offset, length;
  for (const onnx::StringStringEntryProto &entry : tensor.external_data()) {
    if (entry.key() == "location") {
      location = entry.value();
      continue;
    }
    if (entry.key() != "offset" && entry.key() != "length")
      continue;
    uint64_t value;
    if (llvm::StringRef(entry.value()).getAsInteger(10, value))
      return makeError(llvm::formatv("initializer '{0}': external-data {1} "
                                     "'{2}' is not a non-negative integer",
                                     tensor.name(), entry.key(),
                                     entry.value()));
    (entry.key() == "offset" ? offset : length) = value;
  }
  auto fail = [&](const llvm::Twine &why) {
    return makeError("initializer '" + tensor.name() +
                     "': external-data location '" + location + "' " + why);
  };
  if (location.empty())
    return makeError("initializer '" + tensor.name() +
                     "' is stored externally but names no location");
  if (llvm::sys::path::is_absolute(location))
    return fail("is an absolute path; locations must be relative to the "
                "model's folder");
  for (llvm::StringRef part : llvm::make_range(
           llvm::sys::path::begin(location), llvm::sys::path::end(location)))
    if (part == "..")
      return fail("contains '..'; locations must stay inside the model's "
                  "folder");

  llvm::SmallString<256> joined(directory);
  llvm::sys::path::append(joined, location);
  llvm::SmallString<256> real, realDir;
  if (std::error_code ec = llvm::sys::fs::real_path(joined, real))
    return fail("cannot be opened: " + ec.message());
  if (std::error_code ec = llvm::sys::fs::real_path(directory, realDir))
    return fail("cannot be resolved: " + ec.message());
  if (!llvm::StringRef(real).starts_with(
          (realDir + llvm::sys::path::get_separator()).str()))
    return fail("leads outside the model's folder (through a symbolic link)");
  if (!llvm::sys::fs::is_regular_file(real))
    return fail("is not a regular file");

  std::shared_ptr<llvm::MemoryBuffer> &mapped = externalFiles[real];
  if (!mapped) {
    auto bufferOr =
        llvm::MemoryBuffer::getFile(real, /*IsText=*/false,
                                    /*RequiresNullTerminator=*/false);
    if (!bufferOr) {
      // Mapping needs address space for the whole file (ulimit -v).
      if (bufferOr.getError() == std::errc::not_enough_memory)
        return fail("cannot be mapped: its size exceeds the address space "
                    "this process may use");
      return fail("cannot be opened: " + bufferOr.getError().message());
    }
    mapped = std::move(*bufferOr);
  }

  llvm::Expected<uint64_t> expected = expectedBytes(tensor);
  if (!expected)
    return expected.takeError();
  uint64_t size = mapped->getBufferSize();
  uint64_t start = offset.value_or(0);
  uint64_t count = length.value_or(*expected);
  if (start > size || count > size - start)
    return fail(llvm::formatv("is too short: offset {0} + length {1} exceeds "
                              "its size of {2} bytes",
                              start, count, size)
                    .str());
  if (count != *expected)
    return fail(llvm::formatv("holds {0} bytes but the tensor needs {1}",
                              count, *expected)
                    .str());
  return TensorBytes{llvm::ArrayRef<char>(mapped->getBufferStart() + start,
                                          static_cast<size_t>(count)),
                     mapped};
}

llvm::Expected<std::optional<TensorBytes>>
ModelFile::getInitializerBytes(unsigned index) const {
  const onnx::TensorProto &tensor = model->graph().initializer(index);
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL)
    return getExternalBytes(tensor);

  std::optional<TensorBytes> bytes;
  if (index < rawDataSpans.size() && rawDataSpans[index]) {
    auto [start, count] = *rawDataSpans[index];
    bytes = TensorBytes{
        llvm::ArrayRef<char>(buffer->getBufferStart() + start, count), buffer};
  } else if (tensor.has_raw_data()) {
    // Text models keep raw_data in the parsed message; the importer copies it.
    bytes = TensorBytes{llvm::ArrayRef<char>(tensor.raw_data().data(),
                                             tensor.raw_data().size()),
                        nullptr};
  }
  return bytes;
}
