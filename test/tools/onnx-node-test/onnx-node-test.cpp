//===- onnx-node-test.cpp - Run ONNX's node tests on the reference --------===//
//
// onnx-node-test [--expected-failures FILE] [--markdown FILE] DIR...
//
// Each DIR is one ONNX node test (model.onnx, test_data_set_*/input_*.pb and
// output_*.pb) or a folder of them. Every test is imported, run as imported
// and after raising, and compared with its outputs with ONNX's own
// tolerances (rtol 1e-3, atol 1e-7). Tests whose operators the frontend
// does not accept count as not supported. Exits non-zero when a test fails
// that FILE does not list, or when a listed test passes.
//
//===----------------------------------------------------------------------===//

#include "ffn/Frontend/ONNXImporter.h"
#include "ffn/Reference/Executor.h"
#include "ffn/Registration.h"

#include "onnx.pb.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cmath>
#include <map>
#include <set>

using namespace mlir;
using namespace mlir::ffn;

namespace {

llvm::cl::list<std::string> paths(llvm::cl::Positional, llvm::cl::OneOrMore,
                                  llvm::cl::desc("<test dir or folder>"));
llvm::cl::opt<std::string> expectedPath(
    "expected-failures",
    llvm::cl::desc("Tests expected to fail: 'name: reason' per line"),
    llvm::cl::value_desc("file"));
llvm::cl::opt<std::string>
    markdownPath("markdown", llvm::cl::desc("Write the per-op table here"),
                 llvm::cl::value_desc("file"));

enum class Outcome { Passed, Failed, Unsupported };

struct TestResult {
  std::string name;
  std::vector<std::string> ops;
  Outcome outcome;
  std::string detail;
};

/// A folder is a test when it holds a model; otherwise its children are.
void collectTests(llvm::StringRef path, std::vector<std::string> &tests) {
  llvm::SmallString<256> model(path);
  llvm::sys::path::append(model, "model.onnx");
  if (llvm::sys::fs::exists(model)) {
    tests.push_back(path.str());
    return;
  }
  std::error_code ec;
  std::vector<std::string> children;
  for (llvm::sys::fs::directory_iterator it(path, ec), end; it != end && !ec;
       it.increment(ec))
    if (llvm::sys::fs::is_directory(it->path()))
      children.push_back(it->path());
  llvm::sort(children);
  for (const std::string &child : children)
    collectTests(child, tests);
}

/// The operator types of the model, for the per-op table.
std::vector<std::string> opsOf(llvm::StringRef modelPath) {
  std::set<std::string> ops;
  auto buffer = llvm::MemoryBuffer::getFile(modelPath);
  onnx::ModelProto model;
  if (buffer && model.ParseFromArray((*buffer)->getBufferStart(),
                                     (*buffer)->getBufferSize()))
    for (const onnx::NodeProto &node : model.graph().node())
      ops.insert(node.op_type());
  return {ops.begin(), ops.end()};
}

/// ONNX's comparison: |a - e| <= atol + rtol * |e|, NaN equals NaN.
std::string compare(const ref::Tensor &actual, const ref::Tensor &expected) {
  if (actual.dtype() != expected.dtype())
    return std::string("dtype ") + ref::dtypeName(actual.dtype()) +
           " instead of " + ref::dtypeName(expected.dtype());
  if (actual.shape() != expected.shape())
    return "shape " + actual.shapeString() + " instead of " +
           expected.shapeString();
  for (int64_t k = 0; k < actual.numElements(); ++k) {
    double a = actual.getDouble(k), e = expected.getDouble(k);
    if (std::isnan(a) && std::isnan(e))
      continue;
    bool close = actual.isFloat() ? std::abs(a - e) <= 1e-7 + 1e-3 * std::abs(e)
                                  : actual.getInt(k) == expected.getInt(k);
    if (!close && !(std::isinf(a) && a == e))
      return llvm::formatv("element {0} is {1}, expected {2}", k, a, e);
  }
  return "";
}

class Runner {
public:
  Runner() : context(registry()) { context.loadAllAvailableDialects(); }

  TestResult run(llvm::StringRef dir) {
    TestResult result{llvm::sys::path::filename(dir).str(), {},
                      Outcome::Passed, ""};
    llvm::SmallString<256> modelPath(dir);
    llvm::sys::path::append(modelPath, "model.onnx");
    result.ops = opsOf(modelPath);
    for (bool raise : {false, true}) {
      std::string problem = runOnce(dir, modelPath, raise, result.outcome);
      if (!problem.empty()) {
        result.detail = (raise ? "raised: " : "") + problem;
        return result;
      }
    }
    return result;
  }

private:
  static DialectRegistry registry() {
    DialectRegistry registry;
    registerFFNDialects(registry);
    return registry;
  }

  /// Runs every data set; returns the first problem, or "".
  std::string runOnce(llvm::StringRef dir, llvm::StringRef modelPath,
                      bool raise, Outcome &outcome) {
    std::string diagnostics;
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
      if (diagnostics.empty())
        diagnostics = diag.str();
      return success();
    });
    FailureOr<OwningOpRef<ModuleOp>> module =
        importONNXModel(&context, modelPath);
    if (failed(module)) {
      outcome = llvm::StringRef(diagnostics).contains("unsupported construct")
                    ? Outcome::Unsupported
                    : Outcome::Failed;
      return "import: " + diagnostics;
    }
    if (raise) {
      PassManager pm(&context);
      pm.addNestedPass<func::FuncOp>(createFFNRaise());
      if (failed(pm.run(**module))) {
        outcome = Outcome::Failed;
        return "raising: " + diagnostics;
      }
    }
    auto func = (*module)->lookupSymbol<func::FuncOp>("main");
    ref::Executor executor(func);

    std::error_code ec;
    std::vector<std::string> sets;
    for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
         it.increment(ec))
      if (llvm::sys::path::filename(it->path()).starts_with("test_data_set_"))
        sets.push_back(it->path());
    llvm::sort(sets);
    for (const std::string &set : sets) {
      std::vector<ref::Tensor> inputs, outputs;
      if (std::string problem = readTensors(set, "input_", inputs);
          !problem.empty() ||
          !(problem = readTensors(set, "output_", outputs)).empty()) {
        outcome = Outcome::Failed;
        return problem;
      }
      auto results = executor.run(inputs);
      if (!results) {
        outcome = Outcome::Failed;
        return llvm::toString(results.takeError());
      }
      if (results->size() != outputs.size()) {
        outcome = Outcome::Failed;
        return "wrong number of outputs";
      }
      for (auto [index, pair] :
           llvm::enumerate(llvm::zip(*results, outputs))) {
        std::string problem = compare(std::get<0>(pair), std::get<1>(pair));
        if (!problem.empty()) {
          outcome = Outcome::Failed;
          return llvm::formatv("{0} output {1}: {2}",
                               llvm::sys::path::filename(set), index, problem);
        }
      }
    }
    return "";
  }

  std::string readTensors(llvm::StringRef set, llvm::StringRef prefix,
                          std::vector<ref::Tensor> &tensors) {
    for (int k = 0;; ++k) {
      llvm::SmallString<256> file(set);
      llvm::sys::path::append(file, (prefix + llvm::Twine(k) + ".pb").str());
      if (!llvm::sys::fs::exists(file))
        return "";
      FailureOr<ElementsAttr> attr = readTensorFile(&context, file);
      if (failed(attr))
        return ("cannot read " + file).str();
      auto tensor = ref::tensorFromAttr(*attr);
      if (!tensor)
        return llvm::toString(tensor.takeError());
      tensors.push_back(std::move(*tensor));
    }
  }

  MLIRContext context;
};

/// "name: reason" lines.
std::map<std::string, std::string> readExpected(llvm::StringRef path) {
  std::map<std::string, std::string> expected;
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer) {
    llvm::errs() << "onnx-node-test: cannot read " << path << "\n";
    std::exit(2);
  }
  llvm::SmallVector<llvm::StringRef> lines;
  (*buffer)->getBuffer().split(lines, '\n', -1, false);
  for (llvm::StringRef line : lines) {
    line = line.trim();
    if (line.empty() || line.starts_with("#"))
      continue;
    auto [name, reason] = line.split(':');
    expected[name.trim().str()] = reason.trim().str();
  }
  return expected;
}

void writeMarkdown(llvm::StringRef path,
                   const std::vector<TestResult> &results) {
  struct Row {
    unsigned passed = 0, failed = 0, unsupported = 0;
    std::vector<std::string> failures;
  };
  std::map<std::string, Row> rows;
  for (const TestResult &r : results) {
    // Single-op tests count for their op; the rest for "(several ops)".
    std::string key = r.ops.size() == 1 ? r.ops[0] : "(several ops)";
    Row &row = rows[key];
    if (r.outcome == Outcome::Passed)
      ++row.passed;
    else if (r.outcome == Outcome::Unsupported)
      ++row.unsupported;
    else {
      ++row.failed;
      row.failures.push_back(r.name);
    }
  }
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  os << "| op | passed | failed | not supported | failing tests |\n"
     << "|---|---|---|---|---|\n";
  for (const auto &[op, row] : rows) {
    os << "| " << op << " | " << row.passed << " | " << row.failed << " | "
       << row.unsupported << " | ";
    llvm::interleaveComma(row.failures, os);
    os << " |\n";
  }
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  llvm::cl::ParseCommandLineOptions(argc, argv,
                                    "Run ONNX node tests on the reference\n");
  std::vector<std::string> tests;
  for (const std::string &path : paths)
    collectTests(path, tests);
  std::map<std::string, std::string> expected;
  if (!expectedPath.empty())
    expected = readExpected(expectedPath);

  Runner runner;
  std::vector<TestResult> results;
  unsigned passed = 0, failed = 0, expectedFailed = 0, unsupported = 0;
  bool ok = true;
  for (const std::string &dir : tests) {
    TestResult r = runner.run(dir);
    bool listed = expected.count(r.name);
    switch (r.outcome) {
    case Outcome::Passed:
      ++passed;
      llvm::outs() << "PASSED " << r.name << "\n";
      if (listed) {
        llvm::outs() << "  UNEXPECTED PASS: listed as an expected failure\n";
        ok = false;
      }
      break;
    case Outcome::Unsupported:
      ++unsupported;
      llvm::outs() << "UNSUPPORTED " << r.name << "\n";
      break;
    case Outcome::Failed:
      ++failed;
      expectedFailed += listed;
      ok &= listed;
      llvm::outs() << (listed ? "XFAIL " : "FAILED ") << r.name << ": "
                   << r.detail << "\n";
      break;
    }
    results.push_back(std::move(r));
  }
  if (!markdownPath.empty())
    writeMarkdown(markdownPath, results);
  llvm::outs() << llvm::formatv("node tests: {0} passed, {1} failed ({2} "
                                "expected), {3} not supported\n",
                                passed, failed, expectedFailed, unsupported);
  return ok ? 0 : 1;
}
