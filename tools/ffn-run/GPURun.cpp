//===- GPURun.cpp - ffn-run for compiled models (.cubin) ------------------===//
//
// ffn-run MODEL.cubin --input NAME=FILE.npy [--output OUT.npy]
//         [--reference REF.npy --rtol R --atol A --min-argmax-agreement P]
//         [--targets NEXT.npy
//         --expect-bits B --bits-tolerance T] [--per-row] [--first-rows N]
//         [--bench --warmup N --iterations N] [--no-graph] [--gpu N]
//
// The last line is PASSED or FAILED whenever something was checked.
//
//===----------------------------------------------------------------------===//

#include "GPURun.h"

#include "ffn/Runtime/ffnrt.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <type_traits>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

int fail(const std::string &message) {
  std::fprintf(stderr, "ffn-run: error: %s\n", message.c_str());
  return 2;
}

/// An .npy array held as doubles (floats) or int64 (integers).
struct Array {
  std::vector<int64_t> shape;
  bool isFloat = false;
  std::vector<double> f;
  std::vector<int64_t> i;
  int64_t size() const {
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    return n;
  }
};

bool readNpy(const std::string &path, Array &a, std::string &error) {
  std::ifstream is(path, std::ios::binary);
  if (!is) {
    error = "cannot open " + path;
    return false;
  }
  char magic[8];
  is.read(magic, 8);
  if (!is || std::memcmp(magic, "\x93NUMPY", 6) != 0) {
    error = path + " is not an .npy file";
    return false;
  }
  uint32_t headerLen = 0;
  if (magic[6] == 1) {
    uint16_t n;
    is.read(reinterpret_cast<char *>(&n), 2);
    headerLen = n;
  } else {
    is.read(reinterpret_cast<char *>(&headerLen), 4);
  }
  std::string header(headerLen, ' ');
  is.read(header.data(), headerLen);
  auto field = [&](const std::string &key) {
    size_t at = header.find("'" + key + "'");
    if (at == std::string::npos)
      return std::string();
    at = header.find(':', at);
    return header.substr(at + 1);
  };
  std::string descr = field("descr");
  std::string fortran = field("fortran_order");
  std::string shape = field("shape");
  if (descr.empty() || shape.empty() ||
      fortran.find("True") < fortran.find(',')) {
    error = path + ": unsupported .npy header (needs C order): " + header;
    return false;
  }
  descr = descr.substr(descr.find('\'') + 1);
  descr = descr.substr(0, descr.find('\''));
  shape = shape.substr(shape.find('(') + 1);
  shape = shape.substr(0, shape.find(')'));
  std::stringstream ss(shape);
  for (std::string item; std::getline(ss, item, ',');)
    if (item.find_first_not_of(" ") != std::string::npos)
      a.shape.push_back(std::strtoll(item.c_str(), nullptr, 10));
  int64_t n = a.size();
  static const std::map<std::string, std::pair<bool, int>> kinds = {
      {"<f4", {true, 4}}, {"<f8", {true, 8}}, {"<i8", {false, 8}},
      {"<i4", {false, 4}}, {"|u1", {false, 1}}};
  auto kind = kinds.find(descr);
  if (kind == kinds.end()) {
    error = path + ": unsupported dtype " + descr +
            " (float32, float64, int64, int32, uint8)";
    return false;
  }
  int width = kind->second.second;
  std::vector<char> raw(n * width);
  is.read(raw.data(), raw.size());
  if (!is) {
    error = path + " is truncated";
    return false;
  }
  a.isFloat = kind->second.first;
  for (int64_t e = 0; e < n; ++e) {
    const char *p = raw.data() + e * width;
    if (descr == "<f4") {
      float v;
      std::memcpy(&v, p, 4);
      a.f.push_back(v);
    } else if (descr == "<f8") {
      double v;
      std::memcpy(&v, p, 8);
      a.f.push_back(v);
    } else if (descr == "<i8") {
      int64_t v;
      std::memcpy(&v, p, 8);
      a.i.push_back(v);
    } else if (descr == "<i4") {
      int32_t v;
      std::memcpy(&v, p, 4);
      a.i.push_back(v);
    } else {
      a.i.push_back(static_cast<uint8_t>(*p));
    }
  }
  return true;
}

bool writeNpyF32(const std::string &path, const std::vector<int64_t> &shape,
                 const std::vector<float> &data) {
  std::string dims;
  for (int64_t d : shape)
    dims += std::to_string(d) + ",";
  if (shape.size() > 1)
    dims.pop_back();
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" +
                       dims + "), }";
  header.append(63 - (10 + header.size()) % 64, ' ');
  header += '\n';
  std::ofstream os(path, std::ios::binary);
  uint16_t len = header.size();
  os.write("\x93NUMPY\x01\x00", 8);
  os.write(reinterpret_cast<const char *>(&len), 2);
  os << header;
  os.write(reinterpret_cast<const char *>(data.data()), data.size() * 4);
  return static_cast<bool>(os);
}

std::string shapeString(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t k = 0; k < shape.size(); ++k)
    s += (k ? ", " : "") + std::to_string(shape[k]);
  return s + "]";
}

struct Options {
  std::string model, output, reference, targets;
  std::vector<std::pair<std::string, std::string>> inputs;
  double rtol = 1e-5, atol = 1e-4, expectBits = NAN, bitsTolerance = 1e-3;
  double minAgreement = 0;
  bool perRow = false, bench = false, graph = true;
  int64_t firstRows = -1;
  int warmup = 20, iterations = 200, gpu = 0;
};

const char *kUsage =
    "usage: ffn-run MODEL.cubin --input NAME=FILE.npy [--output OUT.npy]\n"
    "         [--reference REF.npy] [--rtol R] [--atol A]\n"
    "         [--min-argmax-agreement PERCENT]\n"
    "         [--targets NEXT.npy] [--expect-bits B] [--bits-tolerance T]\n"
    "         [--per-row] [--first-rows N] [--bench] [--warmup N]\n"
    "         [--iterations N] [--no-graph] [--gpu N]\n";

bool parse(int argc, char **argv, Options &o, std::string &error) {
  for (int k = 1; k < argc; ++k) {
    std::string arg = argv[k], value;
    if (arg.rfind("--", 0) != 0) {
      if (!o.model.empty()) {
        error = "more than one model given: " + o.model + " and " + arg;
        return false;
      }
      o.model = arg;
      continue;
    }
    size_t eq = arg.find('=');
    std::string key = arg.substr(2, eq == std::string::npos ? eq : eq - 2);
    static const char *flags[] = {"per-row", "bench", "no-graph", "help"};
    bool isFlag = std::find_if(std::begin(flags), std::end(flags),
                               [&](const char *f) { return key == f; }) !=
                  std::end(flags);
    if (!isFlag) {
      if (eq != std::string::npos)
        value = arg.substr(eq + 1);
      else if (k + 1 < argc)
        value = argv[++k];
      else {
        error = "--" + key + " needs a value";
        return false;
      }
    }
    bool badNumber = false;
    auto number = [&](auto &out) {
      char *end = nullptr;
      double v = std::strtod(value.c_str(), &end);
      badNumber = badNumber || value.empty() || *end != 0;
      out = static_cast<std::remove_reference_t<decltype(out)>>(v);
    };
    {
      if (key == "input") {
        size_t at = value.find('=');
        if (at == std::string::npos) {
          error = "--input expects NAME=FILE.npy, got '" + value + "'";
          return false;
        }
        o.inputs.push_back({value.substr(0, at), value.substr(at + 1)});
      } else if (key == "output") {
        o.output = value;
      } else if (key == "reference") {
        o.reference = value;
      } else if (key == "targets") {
        o.targets = value;
      } else if (key == "rtol") {
        number(o.rtol);
      } else if (key == "atol") {
        number(o.atol);
      } else if (key == "expect-bits") {
        number(o.expectBits);
      } else if (key == "bits-tolerance") {
        number(o.bitsTolerance);
      } else if (key == "min-argmax-agreement") {
        number(o.minAgreement);
      } else if (key == "first-rows") {
        number(o.firstRows);
      } else if (key == "warmup") {
        number(o.warmup);
      } else if (key == "iterations") {
        number(o.iterations);
      } else if (key == "gpu") {
        number(o.gpu);
      } else if (key == "device") {
        if (value != "gpu") {
          error = "a .cubin runs on --device=gpu only";
          return false;
        }
      } else if (key == "per-row") {
        o.perRow = true;
      } else if (key == "bench") {
        o.bench = true;
      } else if (key == "no-graph") {
        o.graph = false;
      } else if (key == "help") {
        std::fputs(kUsage, stdout);
        std::exit(0);
      } else {
        error = "unknown option --" + key + "\n" + kUsage;
        return false;
      }
    }
    if (badNumber) {
      error = "--" + key + ": not a number: '" + value + "'";
      return false;
    }
  }
  if (o.model.empty()) {
    error = std::string("no model given\n") + kUsage;
    return false;
  }
  if (o.iterations < 1 || o.warmup < 0) {
    error = "--iterations must be >= 1 and --warmup >= 0";
    return false;
  }
  return true;
}

/// Keeps the first n rows of a's first dimension (all when n < 0).
void keepRows(Array &a, int64_t n) {
  if (n < 0 || a.shape.empty() || n >= a.shape[0])
    return;
  int64_t row = a.size() / std::max<int64_t>(a.shape[0], 1);
  a.shape[0] = n;
  if (a.isFloat)
    a.f.resize(n * row);
  else
    a.i.resize(n * row);
}

double percentile(std::vector<float> sorted, double p) {
  std::sort(sorted.begin(), sorted.end());
  double at = p * (sorted.size() - 1);
  size_t lo = static_cast<size_t>(at);
  size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (at - lo) * (sorted[hi] - sorted[lo]);
}

} // namespace

int runCompiledModel(int argc, char **argv) {
  Options o;
  std::string error;
  if (!parse(argc, argv, o, error))
    return fail(error);

  ffnrt_model *model = nullptr;
  if (ffnrt_load(o.model.c_str(), o.gpu, &model) != FFNRT_OK)
    return fail(o.model + ": " + ffnrt_error());
  struct Guard {
    ffnrt_model *m;
    ~Guard() { ffnrt_destroy(m); }
  } guard{model};
  ffnrt_use_graphs(model, o.graph);
  if (ffnrt_num_inputs(model) != 1 || ffnrt_num_outputs(model) < 1)
    return fail("ffn-run handles models with one input");
  std::string inputName = ffnrt_input_name(model, 0);
  if (o.inputs.size() != 1 || o.inputs[0].first != inputName)
    return fail("give the model's input as --input " + inputName +
                "=FILE.npy");
  Array ids;
  if (!readNpy(o.inputs[0].second, ids, error))
    return fail("input '" + inputName + "': " + error);
  if (ids.isFloat)
    return fail("input '" + inputName + "' must hold integer token ids");
  keepRows(ids, o.firstRows);
  std::printf("model: %s on %s (%s, %s, %d launches, %.1f MiB of weights)\n",
              o.model.c_str(), ffnrt_device_name(model), ffnrt_target(model),
              ffnrt_precision(model), ffnrt_num_launches(model),
              ffnrt_weight_bytes(model) / 1048576.0);

  // One run per row with --per-row, else one run; outputs are stacked.
  int64_t rows = o.perRow && !ids.shape.empty() ? ids.shape[0] : 1;
  int64_t perRun = ids.size() / std::max<int64_t>(rows, 1);
  std::vector<int64_t> runShape = ids.shape;
  if (o.perRow)
    runShape[0] = 1;
  std::vector<float> output;
  std::vector<int64_t> outShape;
  for (int64_t r = 0; r < rows; ++r) {
    if (ffnrt_set_input(model, inputName.c_str(), FFNRT_I64, runShape.data(),
                        runShape.size(), ids.i.data() + r * perRun) !=
            FFNRT_OK ||
        ffnrt_run(model) != FFNRT_OK)
      return fail(ffnrt_error());
    int64_t shape[8];
    int rank = 0;
    ffnrt_output_shape(model, 0, shape, &rank);
    int64_t n = 1;
    for (int k = 0; k < rank; ++k)
      n *= shape[k];
    size_t at = output.size();
    output.resize(at + n);
    if (ffnrt_get_output(model, 0, output.data() + at, n * sizeof(float)) !=
        FFNRT_OK)
      return fail(ffnrt_error());
    outShape.assign(shape, shape + rank);
  }
  if (o.perRow && !outShape.empty())
    outShape[0] *= rows;
  for (float v : output)
    if (!std::isfinite(v))
      return fail("the output holds NaN or infinity");
  std::printf("output '%s': float32 %s\n", ffnrt_output_name(model, 0),
              shapeString(outShape).c_str());
  if (!o.output.empty() && !writeNpyF32(o.output, outShape, output))
    return fail("cannot write " + o.output);

  bool checked = false, passed = true;
  int64_t vocab = outShape.empty() ? 1 : outShape.back();
  int64_t positions = output.size() / std::max<int64_t>(vocab, 1);
  if (!o.targets.empty()) {
    Array targets;
    if (!readNpy(o.targets, targets, error))
      return fail("--targets: " + error);
    keepRows(targets, o.firstRows);
    if (targets.isFloat || targets.size() != positions)
      return fail("--targets " + shapeString(targets.shape) +
                  " does not match the output " + shapeString(outShape));
    double total = 0;
    for (int64_t t = 0; t < positions; ++t) {
      const float *row = output.data() + t * vocab;
      int64_t target = targets.i[t];
      if (target < 0 || target >= vocab)
        return fail("target " + std::to_string(target) +
                    " is outside the vocabulary [0, " + std::to_string(vocab) +
                    ")");
      double top = *std::max_element(row, row + vocab), sum = 0;
      for (int64_t v = 0; v < vocab; ++v)
        sum += std::exp(row[v] - top);
      total += (std::log(sum) + top - row[target]) / std::log(2.0);
    }
    double bits = total / positions;
    std::printf("cross-entropy: %.6f bits per token over %lld tokens\n", bits,
                static_cast<long long>(positions));
    if (!std::isnan(o.expectBits)) {
      double diff = std::abs(bits - o.expectBits);
      checked = true;
      passed = passed && diff <= o.bitsTolerance;
      std::printf("expected %.6f: difference %.2e (limit %.2e)\n",
                  o.expectBits, diff, o.bitsTolerance);
    }
  }
  if (!o.reference.empty()) {
    Array expected;
    if (!readNpy(o.reference, expected, error))
      return fail("--reference: " + error);
    keepRows(expected, o.firstRows);
    if (!expected.isFloat || expected.size() != (int64_t)output.size())
      return fail("reference " + shapeString(expected.shape) +
                  " differs from the output " + shapeString(outShape));
    double diff2 = 0, ref2 = 0, maxAbs = 0;
    int64_t agree = 0;
    for (size_t e = 0; e < output.size(); ++e) {
      double d = output[e] - expected.f[e];
      diff2 += d * d, ref2 += expected.f[e] * expected.f[e];
      maxAbs = std::max(maxAbs, std::abs(d));
    }
    for (int64_t t = 0; t < positions; ++t) {
      const float *row = output.data() + t * vocab;
      const double *ref = expected.f.data() + t * vocab;
      agree += std::max_element(row, row + vocab) - row ==
               std::max_element(ref, ref + vocab) - ref;
    }
    double rel = std::sqrt(diff2 / std::max(ref2, 1e-300));
    checked = true;
    passed = passed && rel <= o.rtol && maxAbs <= o.atol;
    std::printf("relative L2 error %.2e (limit %.2e), max abs error %.2e "
                "(limit %.2e)\n",
                rel, o.rtol, maxAbs, o.atol);
    double agreement = 100.0 * agree / std::max<int64_t>(positions, 1);
    passed = passed && agreement >= o.minAgreement;
    std::printf("argmax agreement: %.2f%% of %lld rows (limit %.2f%%)\n",
                agreement, static_cast<long long>(positions), o.minAgreement);
  }

  if (o.bench) {
    std::vector<float> ms(o.iterations);
    if (ffnrt_benchmark(model, o.warmup, o.iterations, ms.data()) != FFNRT_OK)
      return fail(ffnrt_error());
    double copy = 0;
    if (ffnrt_copy_bandwidth(model, &copy) != FFNRT_OK)
      return fail(ffnrt_error());
    double mean = 0;
    for (float v : ms)
      mean += v / ms.size();
    double median = percentile(ms, 0.5);
    int64_t tokens = perRun;
    double weightRate = ffnrt_weight_bytes(model) / (median * 1e-3);
    std::printf("=== Performance summary ===\n");
    std::printf("Input: %s %s = %lld tokens; warm-up %d, iterations %d, %s\n",
                inputName.c_str(), shapeString(runShape).c_str(),
                static_cast<long long>(tokens), o.warmup, o.iterations,
                o.graph ? "CUDA graph" : "stream launches");
    std::printf("Latency (GPU, CUDA events): min = %.4f ms, median = %.4f ms, "
                "mean = %.4f ms, p90 = %.4f ms, p99 = %.4f ms\n",
                percentile(ms, 0), median, mean, percentile(ms, 0.9),
                percentile(ms, 0.99));
    std::printf("Throughput: %.0f tokens/s\n", tokens / (median * 1e-3));
    std::printf("Weights: %.1f MiB per run = %.1f GB/s, %.1f%% of the "
                "measured device copy bandwidth (%.0f GB/s)\n",
                ffnrt_weight_bytes(model) / 1048576.0, weightRate / 1e9,
                100.0 * weightRate / copy, copy / 1e9);
  }
  if (checked)
    std::printf("%s\n", passed ? "PASSED" : "FAILED");
  return passed ? 0 : 1;
}
