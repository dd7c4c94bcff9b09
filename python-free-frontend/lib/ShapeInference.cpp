//===- ShapeInference.cpp - Result types of ONNX nodes --------------------===//

#include "ffn/Frontend/ShapeInference.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::ffn;

namespace {

constexpr int64_t kDynamic = ShapedType::kDynamic;

RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

/// The values of a constant integer operand.
std::optional<SmallVector<int64_t>> constantInts(Value v) {
  DenseIntElementsAttr attr;
  if (!v || !matchPattern(v, m_Constant(&attr)))
    return std::nullopt;
  return llvm::to_vector(llvm::map_range(
      attr.getValues<APInt>(), [](const APInt &i) { return i.getSExtValue(); }));
}

/// The static length of `v` when it is a 1-D list of at most 64 entries, as
/// shapes, axes and starts are (more dimensions than any model has).
std::optional<int64_t> listLength(Value v) {
  RankedTensorType type = typeOf(v);
  if (type.getRank() != 1 || type.isDynamicDim(0) || type.getDimSize(0) > 64)
    return std::nullopt;
  return type.getDimSize(0);
}

int64_t intAttr(DictionaryAttr attrs, StringRef name, int64_t otherwise) {
  auto attr = dyn_cast_or_null<IntegerAttr>(attrs.get(name));
  return attr ? attr.getInt() : otherwise;
}

/// Numpy broadcasting of shapes; nullopt when they conflict.
std::optional<SmallVector<int64_t>>
broadcastShapes(ArrayRef<ArrayRef<int64_t>> shapes) {
  size_t rank = 0;
  for (ArrayRef<int64_t> shape : shapes)
    rank = std::max(rank, shape.size());
  SmallVector<int64_t> out(rank, 1);
  for (ArrayRef<int64_t> shape : shapes) {
    for (size_t k = 0; k < shape.size(); ++k) {
      int64_t &o = out[rank - shape.size() + k];
      int64_t d = shape[k];
      if (d == 1)
        continue;
      if (o == 1 || o == d)
        o = d;
      else if (o == kDynamic || d == kDynamic)
        o = d == kDynamic ? o : d;
      else
        return std::nullopt;
    }
  }
  return out;
}

/// Numpy broadcasting of the operands' shapes.
std::optional<SmallVector<int64_t>> broadcast(ValueRange inputs) {
  SmallVector<ArrayRef<int64_t>> shapes;
  for (Value v : inputs)
    shapes.push_back(typeOf(v).getShape());
  return broadcastShapes(shapes);
}

/// ONNX's TensorProto data type numbers for Cast's `to`.
Type castTarget(MLIRContext *context, int64_t to) {
  Builder b(context);
  switch (to) {
  case 1: return b.getF32Type();
  case 2: return b.getIntegerType(8, false);
  case 3: return b.getIntegerType(8);
  case 5: return b.getIntegerType(16);
  case 6: return b.getI32Type();
  case 7: return b.getI64Type();
  case 9: return b.getI1Type();
  case 10: return b.getF16Type();
  case 11: return b.getF64Type();
  case 16: return b.getBF16Type();
  default: return nullptr;
  }
}

int64_t normalize(int64_t axis, int64_t rank) {
  return axis < 0 ? axis + rank : axis;
}

/// An axis an operator reads from an attribute or from a constant operand,
/// valid in [-r, r) for r the rank of operand 0 (plus, for Unsqueeze, the
/// axes it inserts).
struct AxisSource {
  llvm::StringLiteral op;
  llvm::StringLiteral attr; ///< "" when the axes are operand `operand`
  int operand;
  bool required;
  bool list; ///< several axes, each at most once
};
constexpr AxisSource kAxisSources[] = {
    {"Concat", "axis", 0, true, false},
    {"CumSum", "", 1, false, false},
    {"Gather", "axis", 0, false, false},
    {"GatherElements", "axis", 0, false, false},
    {"LayerNormalization", "axis", 0, false, false},
    {"ReduceMax", "", 1, false, true},
    {"ReduceMean", "", 1, false, true},
    {"ReduceSum", "", 1, false, true},
    {"Slice", "", 3, false, true},
    {"Softmax", "axis", 0, false, false},
    {"Split", "axis", 0, false, false},
    {"Squeeze", "", 1, false, true},
    {"Unsqueeze", "", 1, false, true},
};

} // namespace

std::string mlir::ffn::axisProblem(StringRef op, ValueRange inputs,
                                   DictionaryAttr attrs) {
  auto rankOf = [&](int operand) -> std::optional<int64_t> {
    if (operand >= static_cast<int>(inputs.size()))
      return std::nullopt;
    auto type = dyn_cast<RankedTensorType>(inputs[operand].getType());
    return type ? std::optional<int64_t>(type.getRank()) : std::nullopt;
  };
  if (op == "Transpose") {
    auto perm = dyn_cast_or_null<DenseI64ArrayAttr>(attrs.get("perm"));
    std::optional<int64_t> rank = rankOf(0);
    if (!perm || !rank)
      return "";
    SmallVector<bool> seen(*rank, false);
    if (static_cast<int64_t>(perm.size()) != *rank)
      return llvm::formatv("perm has {0} entries for rank {1}", perm.size(),
                           *rank);
    for (int64_t p : perm.asArrayRef()) {
      if (p < 0 || p >= *rank || seen[p])
        return llvm::formatv("perm is not a permutation of 0..{0}", *rank - 1);
      seen[p] = true;
    }
    return "";
  }
  for (const AxisSource &source : kAxisSources) {
    if (source.op != op)
      continue;
    std::optional<int64_t> base = rankOf(0);
    if (!base)
      return "";
    SmallVector<int64_t> axes;
    if (!source.attr.empty()) {
      auto attr = dyn_cast_or_null<IntegerAttr>(attrs.get(source.attr));
      if (!attr)
        return source.required
                   ? llvm::formatv("needs attribute '{0}'", source.attr).str()
                   : "";
      axes.push_back(attr.getInt());
    } else if (source.operand < static_cast<int>(inputs.size())) {
      std::optional<SmallVector<int64_t>> values =
          constantInts(inputs[source.operand]);
      if (!values)
        return "";
      axes = std::move(*values);
    }
    int64_t rank = *base + (op == "Unsqueeze" ? axes.size() : 0);
    SmallVector<bool> seen(rank, false);
    for (int64_t axis : axes) {
      if (axis < -rank || axis >= rank)
        return llvm::formatv("axis {0}{1} is out of range for rank {2}", axis,
                             source.list ? " in axes" : "", rank);
      int64_t k = axis < 0 ? axis + rank : axis;
      if (source.list && seen[k])
        return llvm::formatv("axes name axis {0} twice", k);
      seen[k] = true;
    }
    return "";
  }
  return "";
}

static std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [k, d] : llvm::enumerate(shape))
    s += (k ? ", " : "") +
         (d == kDynamic ? std::string("?") : std::to_string(d));
  return s + "]";
}

std::string mlir::ffn::shapeConflict(StringRef op, ValueRange inputs,
                                     DictionaryAttr attrs) {
  auto shapes = [&](ValueRange values) {
    SmallVector<ArrayRef<int64_t>> out;
    for (Value v : values)
      out.push_back(typeOf(v).getShape());
    return out;
  };
  auto listShapes = [&](ValueRange values) {
    std::string s;
    for (auto [k, v] : llvm::enumerate(values))
      s += (k ? (k + 1 == values.size() ? " and " : ", ") : "") +
           shapeString(typeOf(v).getShape());
    return s;
  };
  if (op == "Cast" && !castTarget(attrs.getContext(), intAttr(attrs, "to", 0)))
    return llvm::formatv("'to' = {0} is not a data type Cast supports",
                         intAttr(attrs, "to", 0));
  bool elementwise = llvm::is_contained(
      {"Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Equal", "Less",
       "LessOrEqual", "Greater", "GreaterOrEqual", "And", "Or", "Where"},
      op);
  if (elementwise && !broadcastShapes(shapes(inputs)))
    return "operand shapes " + listShapes(inputs) + " do not broadcast";
  if (op == "MatMul" && inputs.size() == 2) {
    ArrayRef<int64_t> a = typeOf(inputs[0]).getShape(),
                      b = typeOf(inputs[1]).getShape();
    int64_t k = a.empty() ? kDynamic : a.back();
    int64_t kb = b.empty() ? kDynamic : b[b.size() >= 2 ? b.size() - 2 : 0];
    if (k != kDynamic && kb != kDynamic && k != kb)
      return "operand shapes " + listShapes(inputs) +
             " do not agree on the contracted extent";
  }
  if (op == "Concat" && !inputs.empty()) {
    int64_t rank = typeOf(inputs[0]).getRank();
    int64_t axis = normalize(intAttr(attrs, "axis", 0), rank);
    for (Value v : inputs.drop_front()) {
      ArrayRef<int64_t> a = typeOf(inputs[0]).getShape(),
                        b = typeOf(v).getShape();
      bool clash = static_cast<int64_t>(b.size()) != rank;
      for (int64_t k = 0; !clash && k < rank; ++k)
        clash =
            k != axis && a[k] != kDynamic && b[k] != kDynamic && a[k] != b[k];
      if (clash)
        return "operand shapes " + listShapes(inputs) +
               " differ off the concatenation axis";
    }
  }
  if (op == "Reshape" && inputs.size() == 2) {
    std::optional<SmallVector<int64_t>> target = constantInts(inputs[1]);
    RankedTensorType in = typeOf(inputs[0]);
    if (!target)
      return "";
    if (llvm::count(*target, -1) > 1)
      return "the target shape " + shapeString(*target) +
             " has more than one -1";
    if (llvm::any_of(*target, [](int64_t d) { return d < -1; }))
      return "the target shape " + shapeString(*target) +
             " has a negative extent";
    bool allowZero = intAttr(attrs, "allowzero", 0);
    int64_t count = 1;
    bool known = in.hasStaticShape() && !llvm::is_contained(*target, -1);
    for (auto [k, d] : llvm::enumerate(*target)) {
      int64_t extent = d == 0 && !allowZero && k < in.getShape().size()
                           ? in.getDimSize(k)
                           : d;
      known = known && extent != kDynamic &&
              !llvm::MulOverflow(count, extent, count);
    }
    if (known && count != in.getNumElements())
      return llvm::formatv("cannot reshape {0} ({1} elements) into {2}",
                           shapeString(in.getShape()), in.getNumElements(),
                           shapeString(*target));
  }
  if (op == "Expand" && inputs.size() == 2)
    if (std::optional<SmallVector<int64_t>> target = constantInts(inputs[1]))
      if (!broadcastShapes({typeOf(inputs[0]).getShape(), *target}))
        return "cannot expand " + shapeString(typeOf(inputs[0]).getShape()) +
               " to " + shapeString(*target);
  if (op == "Gather" && inputs.size() == 2)
    if (std::optional<SmallVector<int64_t>> indices = constantInts(inputs[1])) {
      RankedTensorType data = typeOf(inputs[0]);
      int64_t axis = normalize(intAttr(attrs, "axis", 0), data.getRank());
      int64_t extent = data.getDimSize(axis);
      for (int64_t i : *indices)
        if (extent != kDynamic && (i < -extent || i >= extent))
          return llvm::formatv("index {0} is out of range for axis {1} of "
                               "extent {2}",
                               i, axis, extent);
    }
  return "";
}

FailureOr<SmallVector<RankedTensorType>>
mlir::ffn::inferResultTypes(StringRef op, ValueRange inputs,
                            DictionaryAttr attrs, unsigned numResults) {
  if (inputs.empty() && op != "ConstantOfShape")
    return failure();
  MLIRContext *context = attrs.getContext();
  Type i1 = IntegerType::get(context, 1), i64 = IntegerType::get(context, 64);
  auto one = [&](ArrayRef<int64_t> shape,
                 Type element) -> FailureOr<SmallVector<RankedTensorType>> {
    if (numResults != 1 || !element)
      return failure();
    return SmallVector<RankedTensorType>{RankedTensorType::get(shape, element)};
  };
  RankedTensorType first = inputs.empty() ? RankedTensorType() : typeOf(inputs[0]);

  bool unary = llvm::is_contained(
      {"Abs", "Cos", "Erf", "Exp", "Identity", "Log", "Neg", "Not",
       "Reciprocal", "Relu", "Sigmoid", "Sin", "Sqrt", "Tanh", "Softmax",
       "CumSum", "LayerNormalization"},
      op);
  if (unary && (op != "LayerNormalization" || numResults == 1))
    return one(first.getShape(), first.getElementType());
  if (op == "IsNaN")
    return one(first.getShape(), i1);
  if (op == "Cast")
    return one(first.getShape(), castTarget(context, intAttr(attrs, "to", 0)));

  bool compare = llvm::is_contained({"Equal", "Less", "LessOrEqual",
                                     "Greater", "GreaterOrEqual", "And", "Or"},
                                    op);
  bool arithmetic = llvm::is_contained(
      {"Add", "Sub", "Mul", "Div", "Pow", "Max", "Min"}, op);
  if (compare || arithmetic || op == "Where") {
    ValueRange operands = op == "Where" ? inputs.drop_front() : inputs;
    std::optional<SmallVector<int64_t>> shape =
        op == "Where" ? broadcast(inputs) : broadcast(operands);
    if (!shape)
      return failure();
    return one(*shape, compare ? i1 : typeOf(operands[0]).getElementType());
  }

  int64_t rank = first ? first.getRank() : 0;
  if (op == "Shape") {
    int64_t start = normalize(intAttr(attrs, "start", 0), rank);
    int64_t end = normalize(intAttr(attrs, "end", rank), rank);
    start = std::clamp<int64_t>(start, 0, rank);
    end = std::clamp<int64_t>(end, 0, rank);
    return one({std::max<int64_t>(0, end - start)}, i64);
  }
  if (op == "Transpose") {
    SmallVector<int64_t> perm;
    if (auto attr = dyn_cast_or_null<DenseI64ArrayAttr>(attrs.get("perm")))
      perm.assign(attr.asArrayRef().begin(), attr.asArrayRef().end());
    else
      for (int64_t k = rank - 1; k >= 0; --k)
        perm.push_back(k);
    SmallVector<int64_t> shape;
    for (int64_t p : perm)
      shape.push_back(first.getDimSize(p));
    return one(shape, first.getElementType());
  }
  if (op == "MatMul") {
    RankedTensorType b = typeOf(inputs[1]);
    if (rank < 2 || b.getRank() < 2)
      return failure();
    auto batch = broadcastShapes(
        {first.getShape().drop_back(2), b.getShape().drop_back(2)});
    if (!batch)
      return failure();
    SmallVector<int64_t> shape(*batch);
    shape.push_back(first.getDimSize(rank - 2));
    shape.push_back(b.getDimSize(b.getRank() - 1));
    return one(shape, first.getElementType());
  }
  if (op == "Gemm") {
    RankedTensorType b = typeOf(inputs[1]);
    if (rank != 2 || b.getRank() != 2)
      return failure();
    int64_t m = first.getDimSize(intAttr(attrs, "transA", 0) ? 1 : 0);
    int64_t n = b.getDimSize(intAttr(attrs, "transB", 0) ? 0 : 1);
    return one({m, n}, first.getElementType());
  }
  if (op == "Reshape") {
    std::optional<SmallVector<int64_t>> target = constantInts(inputs[1]);
    if (!target) {
      std::optional<int64_t> length = listLength(inputs[1]);
      if (!length)
        return failure();
      return one(SmallVector<int64_t>(*length, kDynamic),
                 first.getElementType());
    }
    bool allowZero = intAttr(attrs, "allowzero", 0);
    SmallVector<int64_t> shape;
    int64_t known = 1, inferred = -1;
    bool allKnown = true;
    for (auto [k, t] : llvm::enumerate(*target)) {
      int64_t d = t == 0 && !allowZero && static_cast<int64_t>(k) < rank
                      ? first.getDimSize(k)
                      : t;
      if (d == -1)
        inferred = k;
      else if (d == kDynamic)
        allKnown = false;
      else if (d < 0 || llvm::MulOverflow(known, d, known))
        return failure(); // not a shape (found by fuzzing)
      shape.push_back(d == -1 ? kDynamic : d);
    }
    // The one -1 extent is known when everything else is.
    if (inferred >= 0 && allKnown && known > 0 && first.hasStaticShape() &&
        first.getNumElements() % known == 0)
      shape[inferred] = first.getNumElements() / known;
    return one(shape, first.getElementType());
  }
  if (op == "Unsqueeze" || op == "Squeeze") {
    std::optional<SmallVector<int64_t>> axes =
        inputs.size() > 1 ? constantInts(inputs[1]) : std::nullopt;
    if (!axes && inputs.size() == 1)
      if (auto attr = dyn_cast_or_null<DenseI64ArrayAttr>(attrs.get("axes")))
        axes = SmallVector<int64_t>(attr.asArrayRef());
    if (op == "Unsqueeze") {
      if (!axes)
        return failure();
      int64_t outRank = rank + axes->size();
      SmallVector<int64_t> shape;
      int64_t next = 0;
      for (int64_t k = 0; k < outRank; ++k) {
        bool listed = llvm::any_of(*axes, [&](int64_t a) {
          return normalize(a, outRank) == k;
        });
        shape.push_back(listed ? 1 : first.getDimSize(next++));
      }
      return one(shape, first.getElementType());
    }
    SmallVector<int64_t> shape;
    for (int64_t k = 0; k < rank; ++k) {
      bool listed = axes ? llvm::any_of(*axes, [&](int64_t a) {
        return normalize(a, rank) == k;
      })
                         : first.getDimSize(k) == 1;
      if (!axes && first.isDynamicDim(k))
        return failure();
      if (!listed)
        shape.push_back(first.getDimSize(k));
    }
    return one(shape, first.getElementType());
  }
  if (op == "ReduceMean" || op == "ReduceSum" || op == "ReduceMax") {
    std::optional<SmallVector<int64_t>> axes =
        inputs.size() > 1 ? constantInts(inputs[1]) : std::nullopt;
    if (!axes && inputs.size() == 1) {
      if (auto attr = dyn_cast_or_null<DenseI64ArrayAttr>(attrs.get("axes")))
        axes = SmallVector<int64_t>(attr.asArrayRef());
      else
        axes = SmallVector<int64_t>();
    }
    if (!axes)
      return failure();
    bool keep = intAttr(attrs, "keepdims", 1);
    bool all = axes->empty() && !intAttr(attrs, "noop_with_empty_axes", 0);
    SmallVector<int64_t> shape;
    for (int64_t k = 0; k < rank; ++k) {
      bool reduced = all || llvm::any_of(*axes, [&](int64_t a) {
                       return normalize(a, rank) == k;
                     });
      if (!reduced)
        shape.push_back(first.getDimSize(k));
      else if (keep)
        shape.push_back(1);
    }
    return one(shape, first.getElementType());
  }
  if (op == "Concat") {
    int64_t axis = normalize(intAttr(attrs, "axis", 0), rank);
    SmallVector<int64_t> shape(first.getShape());
    shape[axis] = 0;
    for (Value v : inputs) {
      int64_t d = typeOf(v).getDimSize(axis);
      shape[axis] = shape[axis] == kDynamic || d == kDynamic
                        ? kDynamic
                        : shape[axis] + d;
    }
    return one(shape, first.getElementType());
  }
  if (op == "Gather") {
    int64_t axis = normalize(intAttr(attrs, "axis", 0), rank);
    SmallVector<int64_t> shape(first.getShape().take_front(axis));
    llvm::append_range(shape, typeOf(inputs[1]).getShape());
    llvm::append_range(shape, first.getShape().drop_front(axis + 1));
    return one(shape, first.getElementType());
  }
  if (op == "GatherElements")
    return one(typeOf(inputs[1]).getShape(), first.getElementType());
  if (op == "Range")
    return one({kDynamic}, first.getElementType());
  if (op == "Expand" || op == "ConstantOfShape") {
    Value shapeInput = op == "Expand" ? inputs[1] : inputs[0];
    std::optional<SmallVector<int64_t>> target = constantInts(shapeInput);
    std::optional<int64_t> listed = listLength(shapeInput);
    if (!listed)
      return failure();
    int64_t length = *listed;
    if (op == "ConstantOfShape") {
      // ONNX's default value is a float32 zero.
      Type element = Builder(context).getF32Type();
      if (auto value = dyn_cast_or_null<ElementsAttr>(attrs.get("value")))
        element = value.getElementType();
      if (target)
        return one(*target, element);
      return one(SmallVector<int64_t>(length, kDynamic), element);
    }
    if (!target)
      return one(SmallVector<int64_t>(std::max(length, rank), kDynamic),
                 first.getElementType());
    SmallVector<int64_t> shape(std::max<size_t>(target->size(), rank), 1);
    for (size_t k = 0; k < shape.size(); ++k) {
      int64_t t = k + target->size() >= shape.size()
                      ? (*target)[k + target->size() - shape.size()]
                      : 1;
      int64_t d = k + rank >= shape.size()
                      ? first.getDimSize(k + rank - shape.size())
                      : 1;
      shape[k] = t == 1 ? d : t;
    }
    return one(shape, first.getElementType());
  }
  if (op == "Slice") {
    // Sliced axes take unknown extents unless everything is constant.
    SmallVector<int64_t> shape(first.getShape());
    std::optional<SmallVector<int64_t>> axes =
        inputs.size() > 3 ? constantInts(inputs[3]) : std::nullopt;
    if (inputs.size() > 3 && !axes)
      return one(SmallVector<int64_t>(rank, kDynamic), first.getElementType());
    std::optional<int64_t> count = listLength(inputs[1]);
    if (!count || *count > rank ||
        (axes && static_cast<int64_t>(axes->size()) != *count))
      return failure();
    for (int64_t k = 0; k < *count; ++k)
      shape[normalize(axes ? (*axes)[k] : k, rank)] = kDynamic;
    return one(shape, first.getElementType());
  }
  if (op == "Split") {
    int64_t axis = normalize(intAttr(attrs, "axis", 0), rank);
    SmallVector<RankedTensorType> types;
    std::optional<SmallVector<int64_t>> sizes =
        inputs.size() > 1 ? constantInts(inputs[1]) : std::nullopt;
    for (unsigned r = 0; r < numResults; ++r) {
      SmallVector<int64_t> shape(first.getShape());
      int64_t d = first.getDimSize(axis);
      shape[axis] = sizes && sizes->size() == numResults ? (*sizes)[r]
                    : d != kDynamic && d % numResults == 0 && inputs.size() == 1
                        ? d / numResults
                        : kDynamic;
      types.push_back(RankedTensorType::get(shape, first.getElementType()));
    }
    return types;
  }
  return failure();
}
