//===- ONNXImporter.cpp - ONNX to the ffn dialect -------------------------===//

#include "ffn/Frontend/ONNXImporter.h"
#include "ffn/Dialect/FFN/IR/FFNOps.h"
#include "ffn/Frontend/ModelFile.h"
#include "ffn/Frontend/ShapeInference.h"

#include "onnx.pb.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"

#include <limits>

using namespace mlir;
using namespace mlir::ffn;

/// Tensors up to this size are inlined as dense constants (shape vectors,
/// scalars, masks) so that folding can see them; larger ones stay mapped.
static constexpr size_t kInlineBytes = 1024;

/// The operators the importer takes, with the number of inputs and outputs
/// their ONNX schemas allow (opsets 13 to 21): the one place that says how
/// many operands later stages may read.
struct OpArity {
  llvm::StringLiteral name;
  int minInputs, maxInputs, minOutputs, maxOutputs;
};
static constexpr int kAny = std::numeric_limits<int>::max();
static constexpr OpArity kSupportedOps[] = {
    {"Abs", 1, 1, 1, 1},
    {"Add", 2, 2, 1, 1},
    {"And", 2, 2, 1, 1},
    {"Cast", 1, 1, 1, 1},
    {"Concat", 1, kAny, 1, 1},
    {"Constant", 0, 0, 1, 1},
    {"ConstantOfShape", 1, 1, 1, 1},
    {"Cos", 1, 1, 1, 1},
    {"CumSum", 2, 2, 1, 1},
    {"Div", 2, 2, 1, 1},
    {"Equal", 2, 2, 1, 1},
    {"Erf", 1, 1, 1, 1},
    {"Exp", 1, 1, 1, 1},
    {"Expand", 2, 2, 1, 1},
    {"Gather", 2, 2, 1, 1},
    {"GatherElements", 2, 2, 1, 1},
    {"GatherND", 2, 2, 1, 1},
    {"Gemm", 2, 3, 1, 1},
    {"Greater", 2, 2, 1, 1},
    {"GreaterOrEqual", 2, 2, 1, 1},
    {"Identity", 1, 1, 1, 1},
    {"IsNaN", 1, 1, 1, 1},
    {"LayerNormalization", 2, 3, 1, 3},
    {"Less", 2, 2, 1, 1},
    {"LessOrEqual", 2, 2, 1, 1},
    {"Log", 1, 1, 1, 1},
    {"MatMul", 2, 2, 1, 1},
    {"Max", 1, kAny, 1, 1},
    {"Min", 1, kAny, 1, 1},
    {"Mul", 2, 2, 1, 1},
    {"Neg", 1, 1, 1, 1},
    {"Not", 1, 1, 1, 1},
    {"Or", 2, 2, 1, 1},
    {"Pow", 2, 2, 1, 1},
    {"Range", 3, 3, 1, 1},
    {"Reciprocal", 1, 1, 1, 1},
    {"ReduceMax", 1, 2, 1, 1},
    {"ReduceMean", 1, 2, 1, 1},
    {"ReduceSum", 1, 2, 1, 1},
    {"Relu", 1, 1, 1, 1},
    {"Reshape", 2, 2, 1, 1},
    {"Shape", 1, 1, 1, 1},
    {"Sigmoid", 1, 1, 1, 1},
    {"Sin", 1, 1, 1, 1},
    {"Slice", 3, 5, 1, 1},
    {"Softmax", 1, 1, 1, 1},
    {"Split", 1, 2, 1, kAny},
    {"Sqrt", 1, 1, 1, 1},
    {"Squeeze", 1, 2, 1, 1},
    {"Sub", 2, 2, 1, 1},
    {"Tanh", 1, 1, 1, 1},
    {"Transpose", 1, 1, 1, 1},
    {"Unsqueeze", 2, 2, 1, 1},
    {"Where", 3, 3, 1, 1},
};

ArrayRef<StringRef> mlir::ffn::getSupportedONNXOps() {
  static const std::vector<StringRef> ops = [] {
    std::vector<StringRef> names;
    for (const OpArity &op : kSupportedOps)
      names.push_back(op.name);
    return names;
  }();
  return ops;
}

static const OpArity *lookupOp(StringRef opType) {
  for (const OpArity &op : kSupportedOps)
    if (op.name == opType)
      return &op;
  return nullptr;
}

/// Why `node` does not fit `op`'s schema, or "": too few or too many inputs
/// or outputs, or a required input left empty.
static std::string arityProblem(const onnx::NodeProto &node,
                                const OpArity &op) {
  auto range = [](int lo, int hi) {
    return hi == kAny   ? llvm::formatv("at least {0}", lo).str()
           : lo == hi ? std::to_string(lo)
                      : llvm::formatv("{0} to {1}", lo, hi).str();
  };
  if (node.input_size() < op.minInputs || node.input_size() > op.maxInputs)
    return llvm::formatv("has {0} input(s); {1} takes {2}", node.input_size(),
                         op.name, range(op.minInputs, op.maxInputs));
  for (int i = 0; i < op.minInputs; ++i)
    if (node.input(i).empty())
      return llvm::formatv("its required input {0} is empty", i);
  if (node.output_size() < op.minOutputs ||
      node.output_size() > op.maxOutputs)
    return llvm::formatv("has {0} output(s); {1} gives {2}",
                         node.output_size(), op.name,
                         range(op.minOutputs, op.maxOutputs));
  return "";
}

static bool isDefaultDomain(StringRef domain) {
  return domain.empty() || domain == "ai.onnx";
}

namespace {

/// Converts ONNX tensors and types to MLIR; errors are located by the name
/// of the tensor or value at `path`.
class TensorImporter {
public:
  TensorImporter(MLIRContext *context, StringRef path)
      : context(context), path(path.str()), builder(context) {}

  Location nameLoc(StringRef name) {
    return NameLoc::get(StringAttr::get(context, name),
                        FileLineColLoc::get(context, path, 0, 0));
  }
  InFlightDiagnostic error(StringRef name, const Twine &message) {
    return emitError(nameLoc(name)) << message;
  }

  FailureOr<Type> elementType(int32_t dataType, StringRef what);
  /// `label` names the tensor in errors ("initializer 'w'").
  FailureOr<RankedTensorType> tensorType(const onnx::TensorProto &tensor,
                                         const std::string &label);
  /// `bytes` holds raw little-endian data (mapped, or copied when it has no
  /// owner); without it the typed *_data fields are read.
  FailureOr<ElementsAttr> tensorAttr(const onnx::TensorProto &tensor,
                                     std::optional<TensorBytes> bytes,
                                     const std::string &label);

protected:
  MLIRContext *context;
  std::string path;
  OpBuilder builder;
};

class Importer : public TensorImporter {
public:
  Importer(MLIRContext *context, const ModelFile &file)
      : TensorImporter(context, file.getPath()), file(file) {}

  FailureOr<OwningOpRef<ModuleOp>> run(ModelSummary *summary);

private:

  LogicalResult checkSupport(int64_t opset);
  FailureOr<RankedTensorType> valueType(const onnx::ValueInfoProto &info);
  FailureOr<Attribute> convertAttribute(const onnx::AttributeProto &attr,
                                        StringRef node);
  LogicalResult importInitializers();
  LogicalResult importConstantNode(const onnx::NodeProto &node);
  LogicalResult importNode(const onnx::NodeProto &node, int64_t opset);
  TensorSignature signature(const onnx::ValueInfoProto &info);

  const ModelFile &file;
  llvm::StringMap<Value> values;
  llvm::StringMap<const onnx::ValueInfoProto *> valueInfos;
  ModelSummary stats;
};

} // namespace

LogicalResult Importer::checkSupport(int64_t opset) {
  const onnx::GraphProto &graph = file.getModel().graph();
  std::vector<std::string> problems;
  if (opset < kMinOpset || opset > kMaxOpset)
    problems.push_back(llvm::formatv("the model imports opset {0} of the "
                                     "default domain; supported are {1} to {2}",
                                     opset, kMinOpset, kMaxOpset));
  for (const onnx::NodeProto &node : graph.node()) {
    std::string why;
    if (!isDefaultDomain(node.domain()))
      why = "domain not supported";
    else if (const OpArity *op = lookupOp(node.op_type()); !op)
      why = "operator not supported";
    else if (std::string problem = arityProblem(node, *op); !problem.empty())
      why = problem;
    else
      for (const onnx::AttributeProto &attr : node.attribute())
        if (attr.type() == onnx::AttributeProto::GRAPH ||
            attr.type() == onnx::AttributeProto::GRAPHS)
          why = "subgraph attributes not supported";
    if (why.empty())
      continue;
    problems.push_back(llvm::formatv(
        "node '{0}': {1}::{2} (opset {3}), output '{4}': {5}", node.name(),
        node.domain().empty() ? "ai.onnx" : node.domain(), node.op_type(),
        opset, node.output_size() ? node.output(0) : "", why));
  }
  if (problems.empty())
    return success();
  InFlightDiagnostic diag = emitError(FileLineColLoc::get(
      context, file.getPath(), 0, 0));
  // One construct fits on the error's line; several are listed below it.
  if (problems.size() == 1) {
    diag << "unsupported construct in '" << file.getPath()
         << "': " << problems.front();
    return failure();
  }
  diag << problems.size() << " unsupported construct(s) in '"
       << file.getPath() << "':";
  for (const std::string &problem : problems)
    diag << "\n  " << problem;
  return failure();
}

FailureOr<Type> TensorImporter::elementType(int32_t dataType, StringRef what) {
  switch (dataType) {
  case onnx::TensorProto::FLOAT:
    return builder.getF32Type();
  case onnx::TensorProto::FLOAT16:
    return builder.getF16Type();
  case onnx::TensorProto::BFLOAT16:
    return builder.getBF16Type();
  case onnx::TensorProto::DOUBLE:
    return builder.getF64Type();
  case onnx::TensorProto::BOOL:
    return builder.getI1Type();
  case onnx::TensorProto::INT8:
    return builder.getIntegerType(8);
  case onnx::TensorProto::INT16:
    return builder.getIntegerType(16);
  case onnx::TensorProto::INT32:
    return builder.getI32Type();
  case onnx::TensorProto::INT64:
    return builder.getI64Type();
  case onnx::TensorProto::UINT8:
    return builder.getIntegerType(8, /*isSigned=*/false);
  case onnx::TensorProto::UINT16:
    return builder.getIntegerType(16, /*isSigned=*/false);
  case onnx::TensorProto::UINT32:
    return builder.getIntegerType(32, /*isSigned=*/false);
  case onnx::TensorProto::UINT64:
    return builder.getIntegerType(64, /*isSigned=*/false);
  default:
    return error(what, "'" + what + "' has unsupported element type " +
                           onnx::TensorProto::DataType_Name(
                               static_cast<onnx::TensorProto::DataType>(
                                   dataType)));
  }
}

static std::string shapeProblem(ArrayRef<int64_t> shape, bool dynamic);

FailureOr<RankedTensorType>
Importer::valueType(const onnx::ValueInfoProto &info) {
  if (!info.type().has_tensor_type())
    return error(info.name(), "value '" + info.name() +
                                  "' is not a tensor; only tensors are "
                                  "supported");
  const onnx::TypeProto::Tensor &tensor = info.type().tensor_type();
  if (!tensor.has_shape())
    return error(info.name(), "value '" + info.name() +
                                  "' has no shape (unknown rank); run ONNX "
                                  "shape inference before importing");
  FailureOr<Type> element = elementType(tensor.elem_type(), info.name());
  if (failed(element))
    return failure();
  SmallVector<int64_t> shape;
  for (const onnx::TensorShapeProto::Dimension &dim : tensor.shape().dim())
    shape.push_back(dim.has_dim_value() ? dim.dim_value()
                                        : ShapedType::kDynamic);
  if (std::string why = shapeProblem(shape, /*dynamic=*/true); !why.empty())
    return error(info.name(), "value '" + info.name() + "' " + why);
  return RankedTensorType::get(shape, *element);
}

/// Why a tensor of `shape` cannot exist, or "": a negative dimension, or
/// more elements than an int64 counts (which would wrap to a small count).
/// With `dynamic`, kDynamic dims stand for unknown sizes.
static std::string shapeProblem(ArrayRef<int64_t> shape, bool dynamic) {
  constexpr int64_t kMost = int64_t(1) << 62;
  int64_t elements = 1;
  for (int64_t d : shape) {
    if (dynamic && ShapedType::isDynamic(d))
      continue;
    if (d < 0)
      return llvm::formatv("has a negative dimension ({0})", d);
    if (d && elements > kMost / d)
      return "has more than 2^62 elements";
    elements *= d;
  }
  return "";
}

FailureOr<RankedTensorType>
TensorImporter::tensorType(const onnx::TensorProto &tensor,
                           const std::string &label) {
  FailureOr<Type> element = elementType(tensor.data_type(), tensor.name());
  if (failed(element))
    return failure();
  // A segment is one piece of a tensor split over several protos.
  if (tensor.has_segment())
    return error(tensor.name(), label + " is a segment of a larger tensor; "
                                        "segments are not supported");
  SmallVector<int64_t> shape(tensor.dims().begin(), tensor.dims().end());
  if (std::string why = shapeProblem(shape, /*dynamic=*/false); !why.empty())
    return error(tensor.name(), label + " " + why);
  return RankedTensorType::get(shape, *element);
}

/// Resource keys are printed in IR; keep them to a plain alphabet.
static std::string resourceKey(StringRef name) {
  std::string key;
  for (char c : name)
    key.push_back(llvm::isAlnum(c) || c == '_' || c == '.' ? c : '_');
  return key.empty() ? std::string("weight") : key;
}

FailureOr<ElementsAttr>
TensorImporter::tensorAttr(const onnx::TensorProto &tensor,
                           std::optional<TensorBytes> bytes,
                           const std::string &label) {
  FailureOr<RankedTensorType> type = tensorType(tensor, label);
  if (failed(type))
    return failure();
  Type element = type->getElementType();
  int64_t count = type->getNumElements();
  unsigned bitWidth = element.getIntOrFloatBitWidth();

  if (bytes) {
    ArrayRef<char> data = bytes->data;
    uint64_t needed = count * std::max(1u, bitWidth / 8);
    if (data.size() != needed)
      return error(tensor.name(),
                   llvm::formatv("{0} holds {1} bytes of raw data but its "
                                 "shape needs {2}",
                                 label, data.size(), needed));
    // Booleans are one byte each in ONNX but bit-packed in MLIR.
    if (element.isInteger(1)) {
      SmallVector<bool> flags(data.begin(), data.end());
      return cast<ElementsAttr>(DenseElementsAttr::get(*type, flags));
    }
    if (data.size() <= kInlineBytes)
      return cast<ElementsAttr>(DenseElementsAttr::getFromRawBuffer(*type, data));
    size_t align = bitWidth / 8;
    AsmResourceBlob blob;
    if (bytes->owner &&
        reinterpret_cast<uintptr_t>(data.data()) % align == 0) {
      // Point into the mapping; the blob keeps the mapping alive.
      blob = UnmanagedAsmResourceBlob::allocateWithAlign(
          data, align, [owner = bytes->owner](void *, size_t, size_t) {});
    } else {
      blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(data, align);
    }
    return cast<ElementsAttr>(DenseResourceElementsAttr::get(
        *type, resourceKey(tensor.name()), std::move(blob)));
  }

  // Typed fields, as small constants usually use.
  auto checkCount = [&](int size) -> LogicalResult {
    if (size == count)
      return success();
    return error(tensor.name(),
                 llvm::formatv("{0} holds {1} values but its shape needs {2}",
                               label, size, count));
  };
  if (element.isF32()) {
    if (failed(checkCount(tensor.float_data_size())))
      return failure();
    return cast<ElementsAttr>(DenseElementsAttr::get(
        *type, ArrayRef<float>(tensor.float_data().data(), count)));
  }
  if (element.isF64()) {
    if (failed(checkCount(tensor.double_data_size())))
      return failure();
    return cast<ElementsAttr>(DenseElementsAttr::get(
        *type, ArrayRef<double>(tensor.double_data().data(), count)));
  }
  if (element.isF16() || element.isBF16()) {
    // Stored as their bit patterns in int32_data.
    if (failed(checkCount(tensor.int32_data_size())))
      return failure();
    const llvm::fltSemantics &semantics =
        cast<FloatType>(element).getFloatSemantics();
    SmallVector<APFloat> values;
    for (int32_t bits : tensor.int32_data())
      values.emplace_back(semantics, APInt(16, static_cast<uint16_t>(bits)));
    return cast<ElementsAttr>(DenseElementsAttr::get(*type, values));
  }
  SmallVector<APInt> values;
  bool isUnsigned = element.isUnsignedInteger();
  if (element.isInteger(64) && !isUnsigned) {
    if (failed(checkCount(tensor.int64_data_size())))
      return failure();
    for (int64_t v : tensor.int64_data())
      values.emplace_back(64, v, /*isSigned=*/true);
  } else if (isUnsigned && bitWidth >= 32) {
    if (failed(checkCount(tensor.uint64_data_size())))
      return failure();
    for (uint64_t v : tensor.uint64_data())
      values.emplace_back(bitWidth, v);
  } else {
    if (failed(checkCount(tensor.int32_data_size())))
      return failure();
    for (int32_t v : tensor.int32_data())
      values.emplace_back(bitWidth, static_cast<uint64_t>(v),
                          /*isSigned=*/!isUnsigned, /*implicitTrunc=*/true);
  }
  return cast<ElementsAttr>(DenseElementsAttr::get(*type, values));
}

FailureOr<Attribute>
Importer::convertAttribute(const onnx::AttributeProto &attr, StringRef node) {
  switch (attr.type()) {
  case onnx::AttributeProto::INT:
    return Attribute(builder.getI64IntegerAttr(attr.i()));
  case onnx::AttributeProto::FLOAT:
    return Attribute(builder.getF32FloatAttr(attr.f()));
  case onnx::AttributeProto::STRING:
    return Attribute(builder.getStringAttr(attr.s()));
  case onnx::AttributeProto::INTS:
    return Attribute(builder.getDenseI64ArrayAttr(
        SmallVector<int64_t>(attr.ints().begin(), attr.ints().end())));
  case onnx::AttributeProto::FLOATS:
    return Attribute(builder.getDenseF32ArrayAttr(
        SmallVector<float>(attr.floats().begin(), attr.floats().end())));
  case onnx::AttributeProto::STRINGS: {
    SmallVector<Attribute> strings;
    for (const std::string &s : attr.strings())
      strings.push_back(builder.getStringAttr(s));
    return Attribute(builder.getArrayAttr(strings));
  }
  case onnx::AttributeProto::TENSOR: {
    FailureOr<ElementsAttr> value = tensorAttr(
        attr.t(), std::nullopt,
        "attribute '" + attr.name() + "' of node '" + node.str() + "'");
    if (failed(value))
      return failure();
    return Attribute(*value);
  }
  default:
    return error(node, "node '" + node + "': attribute '" + attr.name() +
                           "' has an unsupported type");
  }
}

LogicalResult Importer::importInitializers() {
  const onnx::GraphProto &graph = file.getModel().graph();
  // Skipping them would leave their names undefined for the nodes.
  if (graph.sparse_initializer_size()) {
    const onnx::SparseTensorProto &sparse = graph.sparse_initializer(0);
    return error(sparse.values().name(),
                 "sparse initializer '" + sparse.values().name() +
                     "': sparse tensors are not supported");
  }
  for (int i = 0; i < graph.initializer_size(); ++i) {
    const onnx::TensorProto &tensor = graph.initializer(i);
    if (tensor.name().empty())
      return error("", llvm::formatv("initializer #{0} has no name", i));
    llvm::Expected<std::optional<TensorBytes>> bytes =
        file.getInitializerBytes(i);
    if (!bytes)
      return error(tensor.name(), llvm::toString(bytes.takeError()));
    FailureOr<ElementsAttr> value =
        tensorAttr(tensor, *bytes, "initializer '" + tensor.name() + "'");
    if (failed(value))
      return failure();
    auto constant = arith::ConstantOp::create(
        builder, nameLoc(tensor.name()), cast<TypedAttr>(*value));
    values[tensor.name()] = constant;
    ShapedType type = value->getShapedType();
    stats.initializers++;
    stats.parameters += type.getNumElements();
    stats.weightBytes +=
        type.getNumElements() * std::max(1u, type.getElementTypeBitWidth() / 8);
  }
  stats.externalBytes = file.getExternalBytes();
  stats.externalFiles = file.getExternalFiles();
  return success();
}

LogicalResult Importer::importConstantNode(const onnx::NodeProto &node) {
  if (node.attribute_size() != 1 || node.output_size() != 1)
    return error(node.name(), "Constant node '" + node.name() +
                                  "' must have exactly one attribute and one "
                                  "output");
  const onnx::AttributeProto &attr = node.attribute(0);
  Attribute value;
  if (attr.name() == "value") {
    // raw_data of a node attribute is not mapped: it is copied from the
    // model, which outlives the import.
    std::optional<TensorBytes> bytes;
    if (attr.t().has_raw_data())
      bytes = TensorBytes{ArrayRef<char>(attr.t().raw_data().data(),
                                         attr.t().raw_data().size()),
                          nullptr};
    FailureOr<ElementsAttr> tensor = tensorAttr(
        attr.t(), bytes, "the tensor of Constant node '" + node.name() + "'");
    if (failed(tensor))
      return failure();
    value = *tensor;
  } else if (attr.name() == "value_float" || attr.name() == "value_floats") {
    SmallVector<float> floats(attr.floats().begin(), attr.floats().end());
    if (attr.name() == "value_float")
      floats = {attr.f()};
    auto type = RankedTensorType::get(
        attr.name() == "value_float" ? ArrayRef<int64_t>{}
                                     : ArrayRef<int64_t>{(int64_t)floats.size()},
        builder.getF32Type());
    value = DenseElementsAttr::get(type, ArrayRef<float>(floats));
  } else if (attr.name() == "value_int" || attr.name() == "value_ints") {
    SmallVector<int64_t> ints(attr.ints().begin(), attr.ints().end());
    if (attr.name() == "value_int")
      ints = {attr.i()};
    auto type = RankedTensorType::get(
        attr.name() == "value_int" ? ArrayRef<int64_t>{}
                                   : ArrayRef<int64_t>{(int64_t)ints.size()},
        builder.getI64Type());
    value = DenseElementsAttr::get(type, ArrayRef<int64_t>(ints));
  } else {
    return error(node.name(), "Constant node '" + node.name() +
                                  "': attribute '" + attr.name() +
                                  "' is not supported");
  }
  values[node.output(0)] = arith::ConstantOp::create(
      builder, nameLoc(node.name()), cast<TypedAttr>(value));
  return success();
}

LogicalResult Importer::importNode(const onnx::NodeProto &node,
                                   int64_t opset) {
  SmallVector<Value> inputs;
  for (const std::string &name : node.input()) {
    if (name.empty())
      return error(node.name(), "node '" + node.name() + "' (" +
                                    node.op_type() +
                                    ") omits an optional input in the middle "
                                    "of its inputs; this is not supported");
    Value value = values.lookup(name);
    if (!value)
      return error(node.name(), "node '" + node.name() + "' (" +
                                    node.op_type() + ") reads '" + name +
                                    "', which is not defined before it");
    inputs.push_back(value);
  }
  SmallVector<NamedAttribute> attrs;
  for (const onnx::AttributeProto &attr : node.attribute()) {
    FailureOr<Attribute> value = convertAttribute(attr, node.name());
    if (failed(value))
      return failure();
    attrs.push_back(builder.getNamedAttr(attr.name(), *value));
  }
  DictionaryAttr attrDict = builder.getDictionaryAttr(attrs);
  for (auto check : {axisProblem, shapeConflict})
    if (std::string problem = check(node.op_type(), inputs, attrDict);
        !problem.empty())
      return error(node.name(), "node '" + node.name() + "' (" +
                                    node.op_type() + "): " + problem);
  for (const std::string &name : node.output())
    if (!name.empty() && values.count(name))
      return error(node.name(), "node '" + node.name() + "' (" +
                                    node.op_type() + ") writes '" + name +
                                    "', which is already defined");
  SmallVector<Type> resultTypes;
  std::optional<SmallVector<RankedTensorType>> inferred;
  for (auto [index, name] : llvm::enumerate(node.output())) {
    if (const onnx::ValueInfoProto *info = valueInfos.lookup(name)) {
      FailureOr<RankedTensorType> type = valueType(*info);
      if (failed(type))
        return failure();
      resultTypes.push_back(*type);
      continue;
    }
    // No value_info: infer the types from the operands.
    if (!inferred) {
      FailureOr<SmallVector<RankedTensorType>> types = inferResultTypes(
          node.op_type(), inputs, attrDict, node.output_size());
      if (failed(types))
        return error(node.name(), "output '" + name + "' of node '" +
                                      node.name() + "' (" + node.op_type() +
                                      ") has no type information and none "
                                      "can be inferred; run ONNX shape "
                                      "inference before importing");
      inferred = std::move(*types);
    }
    // Inferred extents come from data too: check them as declared ones.
    RankedTensorType type = (*inferred)[index];
    if (std::string why = shapeProblem(type.getShape(), /*dynamic=*/true);
        !why.empty())
      return error(node.name(), "output '" + name + "' of node '" +
                                    node.name() + "' " + why);
    resultTypes.push_back(type);
  }
  auto op = NodeOp::create(builder, nameLoc(node.name()), resultTypes, inputs,
                           node.op_type(), opset, attrDict);
  for (auto [name, result] : llvm::zip(node.output(), op.getOutputs()))
    if (!name.empty())
      values[name] = result;
  stats.opHistogram[node.op_type()]++;
  return success();
}

static std::string typeName(int32_t dataType) {
  std::string name = onnx::TensorProto::DataType_Name(
      static_cast<onnx::TensorProto::DataType>(dataType));
  std::string lower = llvm::StringRef(name).lower();
  if (lower == "float")
    return "float32";
  if (lower == "double")
    return "float64";
  return lower;
}

TensorSignature Importer::signature(const onnx::ValueInfoProto &info) {
  TensorSignature s{info.name(),
                    typeName(info.type().tensor_type().elem_type()),
                    {}};
  for (const auto &dim : info.type().tensor_type().shape().dim())
    s.dims.push_back(dim.has_dim_value() ? std::to_string(dim.dim_value())
                     : dim.has_dim_param() ? dim.dim_param()
                                           : std::string("?"));
  return s;
}

FailureOr<OwningOpRef<ModuleOp>> Importer::run(ModelSummary *summary) {
  const onnx::ModelProto &model = file.getModel();
  const onnx::GraphProto &graph = model.graph();

  int64_t opset = 0;
  for (const onnx::OperatorSetIdProto &id : model.opset_import())
    if (isDefaultDomain(id.domain()))
      opset = id.version();
  if (failed(checkSupport(opset)))
    return failure();
  if (graph.output_size() == 0)
    return error(graph.name(), "the graph has no outputs; there is nothing "
                               "to compute");

  for (const onnx::ValueInfoProto &info : graph.value_info())
    valueInfos[info.name()] = &info;
  for (const onnx::ValueInfoProto &info : graph.output())
    valueInfos[info.name()] = &info;

  Location fileLoc = FileLineColLoc::get(context, file.getPath(), 0, 0);
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  builder.setInsertionPointToEnd(module->getBody());

  // Graph inputs that are also initializers are constants (IR version < 4).
  llvm::StringSet<> initializerNames;
  for (const onnx::TensorProto &tensor : graph.initializer())
    initializerNames.insert(tensor.name());
  SmallVector<const onnx::ValueInfoProto *> inputs;
  for (const onnx::ValueInfoProto &info : graph.input())
    if (!initializerNames.contains(info.name()))
      inputs.push_back(&info);

  SmallVector<Type> argTypes, resultTypes;
  for (const onnx::ValueInfoProto *info : inputs) {
    FailureOr<RankedTensorType> type = valueType(*info);
    if (failed(type))
      return failure();
    argTypes.push_back(*type);
  }
  for (const onnx::ValueInfoProto &info : graph.output()) {
    FailureOr<RankedTensorType> type = valueType(info);
    if (failed(type))
      return failure();
    resultTypes.push_back(*type);
  }

  // Arguments and results carry their ONNX names and symbolic dims.
  auto signatureAttrs = [&](const onnx::ValueInfoProto &info) {
    TensorSignature s = signature(info);
    SmallVector<Attribute> dims;
    for (const std::string &dim : s.dims)
      dims.push_back(builder.getStringAttr(dim));
    return builder.getDictionaryAttr(
        {builder.getNamedAttr("ffn.name", builder.getStringAttr(info.name())),
         builder.getNamedAttr("ffn.dims", builder.getArrayAttr(dims))});
  };
  auto func = func::FuncOp::create(builder, fileLoc, "main",
                                   builder.getFunctionType(argTypes,
                                                           resultTypes));
  // All at once: setting them one by one makes a new array of every
  // argument's attributes each time, memory quadratic in the inputs.
  SmallVector<Attribute> argAttrs, resultAttrs;
  for (const onnx::ValueInfoProto *info : inputs)
    argAttrs.push_back(signatureAttrs(*info));
  for (const onnx::ValueInfoProto &info : graph.output())
    resultAttrs.push_back(signatureAttrs(info));
  func.setAllArgAttrs(argAttrs);
  func.setAllResultAttrs(resultAttrs);

  Block *entry = func.addEntryBlock();
  builder.setInsertionPointToStart(entry);
  for (auto [info, arg] : llvm::zip(inputs, entry->getArguments()))
    values[info->name()] = arg;

  if (failed(importInitializers()))
    return failure();
  for (const onnx::NodeProto &node : graph.node()) {
    stats.nodes++;
    if (node.op_type() == "Constant") {
      stats.opHistogram["Constant"]++;
      if (failed(importConstantNode(node)))
        return failure();
      continue;
    }
    if (failed(importNode(node, opset)))
      return failure();
  }

  SmallVector<Value> results;
  for (const onnx::ValueInfoProto &info : graph.output()) {
    Value value = values.lookup(info.name());
    if (!value)
      return error(info.name(), "graph output '" + info.name() +
                                    "' is not produced by any node");
    if (value.getType() != func.getResultTypes()[results.size()])
      return error(info.name(), "graph output '" + info.name() +
                                    "' is declared with a different type "
                                    "than the value that produces it");
    results.push_back(value);
  }
  func::ReturnOp::create(builder, fileLoc, results);

  if (failed(verify(*module)))
    return failure();

  if (summary) {
    stats.path = file.getPath().str();
    stats.producer = model.producer_name();
    if (!model.producer_version().empty())
      stats.producer += " " + model.producer_version();
    stats.irVersion = model.ir_version();
    stats.opset = opset;
    for (const onnx::ValueInfoProto *info : inputs)
      stats.inputs.push_back(signature(*info));
    for (const onnx::ValueInfoProto &info : graph.output())
      stats.outputs.push_back(signature(info));
    *summary = std::move(stats);
  }
  return module;
}

FailureOr<ElementsAttr> mlir::ffn::readTensorFile(MLIRContext *context,
                                                  StringRef path) {
  TensorImporter importer(context, path);
  auto bufferOr = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
  if (!bufferOr)
    return importer.error("", "cannot open '" + path +
                                  "': " + bufferOr.getError().message());
  onnx::TensorProto tensor;
  if (!tensor.ParseFromArray((*bufferOr)->getBufferStart(),
                             (*bufferOr)->getBufferSize()))
    return importer.error("", "'" + path + "' is not a valid ONNX tensor");
  std::optional<TensorBytes> bytes;
  if (tensor.has_raw_data())
    bytes = TensorBytes{ArrayRef<char>(tensor.raw_data().data(),
                                       tensor.raw_data().size()),
                        nullptr};
  return importer.tensorAttr(tensor, bytes,
                             ("the tensor in '" + path + "'").str());
}

static FailureOr<OwningOpRef<ModuleOp>>
importModelFile(MLIRContext *context, StringRef path,
                llvm::Expected<std::unique_ptr<ModelFile>> file,
                ModelSummary *summary) {
  context->loadDialect<FFNDialect, arith::ArithDialect, func::FuncDialect>();
  if (!file) {
    emitError(FileLineColLoc::get(context, path, 0, 0))
        << llvm::toString(file.takeError());
    return failure();
  }
  Importer importer(context, **file);
  return importer.run(summary);
}

FailureOr<OwningOpRef<ModuleOp>>
mlir::ffn::importONNXModel(MLIRContext *context, StringRef path,
                           ModelSummary *summary) {
  return importModelFile(context, path, ModelFile::open(path), summary);
}

FailureOr<OwningOpRef<ModuleOp>>
mlir::ffn::importONNXModel(MLIRContext *context,
                           std::unique_ptr<llvm::MemoryBuffer> buffer,
                           ModelSummary *summary) {
  std::string path = buffer->getBufferIdentifier().str();
  return importModelFile(context, path, ModelFile::parse(std::move(buffer)),
                         summary);
}
