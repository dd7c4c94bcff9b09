//===- Options.cpp - ffn-run's command line -------------------------------===//
//
// A table of options, each with the field it sets; the parser, the checks of
// which options go with which models and --help all read it.
//
//===----------------------------------------------------------------------===//

#include "Options.h"

#include "ffn/Support/Files.h"
#include "ffn/Support/Output.h"
#include "ffn/Support/Version.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <type_traits>
#include <variant>

namespace {

/// The models an option applies to.
enum class Scope { All, Interpreted, Compiled };

struct OptionInfo {
  const char *name;
  /// What the value stands for in --help; null for a flag.
  const char *value;
  const char *help;
  Scope scope;
  std::variant<std::string Options::*, double Options::*, int64_t Options::*,
               bool Options::*,
               std::vector<std::pair<std::string, std::string>> Options::*>
      field;
};

const OptionInfo kOptions[] = {
    {"device", "auto|cpu|gpu",
     "Where to run: cpu, the reference executor, for ONNX and MLIR models; "
     "gpu for compiled models (ffnc's cubins); auto (the default) by the "
     "model file's contents",
     Scope::All, &Options::device},
    {"input", "name=file.npy", "A model input, by name; one per input",
     Scope::All, &Options::inputs},
    {"output", "file.npy", "Write output 0", Scope::All, &Options::output},
    {"reference", "file.npy", "Compare output 0 with this array", Scope::All,
     &Options::reference},
    {"rtol", "r", "Largest relative L2 error allowed", Scope::All,
     &Options::rtol},
    {"atol", "a", "Largest absolute error allowed", Scope::All, &Options::atol},
    {"min-argmax-agreement", "percent",
     "With --reference: report the share of rows whose largest value sits at "
     "the same index in both, and require at least this much",
     Scope::All, &Options::minArgmaxAgreement},
    {"targets", "file.npy",
     "Next-token ids: report the cross-entropy of output 0 in bits per token",
     Scope::All, &Options::targets},
    {"expect-bits", "b",
     "With --targets: the expected cross-entropy in bits per token (e.g. from "
     "a PyTorch evaluation)",
     Scope::All, &Options::expectBits},
    {"bits-tolerance", "t", "Largest difference from --expect-bits allowed",
     Scope::All, &Options::bitsTolerance},
    {"per-row", nullptr,
     "Run each row of the inputs' first dimension on its own and stack the "
     "outputs (for models exported with batch 1)",
     Scope::All, &Options::perRow},
    {"first-rows", "n",
     "Use only the first N rows of the inputs, --targets and --reference",
     Scope::All, &Options::firstRows},
    {"help", nullptr, "Print this and exit", Scope::All, &Options::help},
    {"version", nullptr, "Print ffn-run's version and commit and exit",
     Scope::All, &Options::version},
    {"plain", nullptr, "Run ONNX models as imported, without raising",
     Scope::Interpreted, &Options::plain},
    {"max-memory", "GiB",
     "Largest tensor the reference executor may allocate (default: half "
     "the machine's memory)",
     Scope::Interpreted, &Options::maxMemory},
    {"generate", "n",
     "Generate N tokens greedily after each prompt (--input input_ids= an "
     "int64 [batch, length] array, rows right-padded with -1); --output "
     "gets prompt and new ids, --reference is compared id by id",
     Scope::All, &Options::generate},
    {"sampling", "key=value,...",
     "With --generate: temperature=T,top-k=K,top-p=P,seed=S draws each "
     "token from softmax(logits / T) over the K most likely (0: all) and "
     "the fewest of those reaching probability P (default: greedy)",
     Scope::All, &Options::samplingText},
    {"max-context", "n",
     "With --generate: positions the KV cache holds (default: the longest "
     "prompt plus N)",
     Scope::Interpreted, &Options::maxContext},
    {"no-kv-cache", nullptr,
     "With --generate: rerun the whole sequence for every token instead "
     "of using a KV cache (the oracle for the cache)",
     Scope::Interpreted, &Options::noKVCache},
    {"min-token-agreement", "percent",
     "With --generate and --reference: new ids that must match", Scope::All,
     &Options::minTokenAgreement},
    {"min-forced-agreement", "percent",
     "With --generate and --reference: share of positions where the "
     "reference's tokens, run at once, predict its next id (teacher forcing)",
     Scope::Compiled, &Options::minForcedAgreement},
    {"bench", nullptr,
     "Measure the latency of a run with CUDA events and print percentiles",
     Scope::Compiled, &Options::bench},
    {"profile", nullptr,
     "Time each launch (CUDA events between launches, in a CUDA graph unless "
     "--no-graph) and print a table per launch, kernel and layer",
     Scope::Compiled, &Options::profile},
    {"profile-json", "file.json",
     "Write the profile as JSON (implies --profile)", Scope::Compiled,
     &Options::profileJSON},
    {"warmup", "n", "With --bench or --profile: runs before measuring",
     Scope::Compiled, &Options::warmup},
    {"iterations", "n", "With --bench or --profile: runs measured",
     Scope::Compiled, &Options::iterations},
    {"no-graph", nullptr,
     "Launch the kernels on the stream instead of replaying a CUDA graph",
     Scope::Compiled, &Options::noGraph},
    {"gpu", "n", "The CUDA device to run on", Scope::Compiled, &Options::gpu},
};

const char *kOverview =
    "ffn-run runs MODEL and checks output 0 against references. .onnx models\n"
    "(imported, then raised unless --plain) and .mlir models in the ffn\n"
    "dialect run on the reference executor; compiled models (.cubin, from\n"
    "ffnc -o) run on the GPU. The last line is PASSED or FAILED whenever\n"
    "something was checked; the exit code is 1 when a check failed and 2 on\n"
    "errors.\n";

bool isFlag(const OptionInfo &option) {
  return std::holds_alternative<bool Options::*>(option.field);
}

/// Stores `value` into the option's field; returns why it cannot, or "".
std::string assign(const OptionInfo &option, const std::string &value,
                   Options &options) {
  std::string name = std::string("--") + option.name;
  return std::visit(
      [&](auto member) -> std::string {
        auto &field = options.*member;
        using T = std::decay_t<decltype(field)>;
        if constexpr (std::is_same_v<T, bool>) {
          field = true;
        } else if constexpr (std::is_same_v<T, std::string>) {
          field = value;
        } else if constexpr (std::is_same_v<T, double>) {
          char *end = nullptr;
          errno = 0;
          field = std::strtod(value.c_str(), &end);
          if (value.empty() || *end || errno)
            return name + ": not a number: '" + value + "'";
        } else if constexpr (std::is_same_v<T, int64_t>) {
          char *end = nullptr;
          errno = 0;
          field = std::strtoll(value.c_str(), &end, 10);
          if (value.empty() || *end || errno)
            return name + ": not an integer: '" + value + "'";
        } else {
          size_t eq = value.find('=');
          if (eq == std::string::npos)
            return name + " expects NAME=FILE.npy, got '" + value + "'";
          field.emplace_back(value.substr(0, eq), value.substr(eq + 1));
        }
        return "";
      },
      option.field);
}

/// The default of a numeric option, for --help; "" when it has none.
std::string defaultOf(const OptionInfo &option) {
  static const Options defaults;
  char text[32] = "";
  if (auto *member = std::get_if<double Options::*>(&option.field)) {
    if (!std::isnan(defaults.**member))
      std::snprintf(text, sizeof(text), " (default %g)", defaults.**member);
  } else if (auto *member = std::get_if<int64_t Options::*>(&option.field)) {
    if (defaults.**member >= 0)
      std::snprintf(text, sizeof(text), " (default %lld)",
                    static_cast<long long>(defaults.**member));
  }
  return text;
}

/// Prints `text` from column `indent` on, wrapped before column 80.
void printWrapped(const std::string &text, size_t indent, size_t column) {
  size_t at = 0;
  while (at < text.size()) {
    size_t width = 80 - indent, end = text.size();
    if (end - at > width) {
      end = text.rfind(' ', at + width);
      if (end == std::string::npos || end <= at)
        end = text.find(' ', at + width);
      end = std::min(end, text.size());
    }
    std::printf("%*s%s\n", static_cast<int>(indent - std::min(column, indent)),
                "", text.substr(at, end - at).c_str());
    at = end + 1;
    column = 0;
  }
}

void printHelp() {
  std::printf("USAGE: ffn-run [options] MODEL\n\n%s", kOverview);
  const struct {
    Scope scope;
    const char *heading;
  } groups[] = {{Scope::All, "OPTIONS"},
                {Scope::Interpreted, ".onnx and .mlir models (--device=cpu)"},
                {Scope::Compiled, "Compiled models (.cubin, --device=gpu)"}};
  const size_t indent = 32;
  for (const auto &group : groups) {
    std::printf("\n%s:\n", group.heading);
    for (const OptionInfo &option : kOptions) {
      if (option.scope != group.scope)
        continue;
      std::string left = std::string("  --") + option.name;
      if (option.value)
        left += std::string("=<") + option.value + ">";
      std::printf("%s", left.c_str());
      size_t column = left.size();
      if (column + 2 > indent) {
        std::printf("\n");
        column = 0;
      }
      printWrapped(option.help + defaultOf(option), indent, column);
    }
  }
}

bool endsWith(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// Parses "temperature=T,top-k=K,top-p=P,seed=S" (any subset, any order).
std::string parseSampling(const std::string &text,
                          ffnrt::SamplingOptions &sampling) {
  size_t at = 0;
  while (at <= text.size()) {
    size_t comma = text.find(',', at);
    std::string item = text.substr(at, comma - at);
    at = comma == std::string::npos ? text.size() + 1 : comma + 1;
    size_t eq = item.find('=');
    std::string key = item.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : item.substr(eq + 1);
    char *end = nullptr;
    errno = 0;
    double number = std::strtod(value.c_str(), &end);
    if (value.empty() || *end || errno)
      return "expected KEY=NUMBER, got '" + item + "'";
    if (key == "temperature")
      sampling.temperature = number;
    else if (key == "top-p")
      sampling.topP = number;
    else if ((key == "top-k" || key == "seed") &&
             (number < 0 || number != std::floor(number) || number > 9e18))
      return key + " must be a non-negative integer, got '" + value + "'";
    else if (key == "top-k")
      sampling.topK = static_cast<int64_t>(number);
    else if (key == "seed")
      sampling.seed = static_cast<uint64_t>(number);
    else
      return "unknown key '" + key + "' (temperature, top-k, top-p, seed)";
  }
  return ffnrt::samplingProblem(sampling);
}

/// Parses into `options`; returns why it cannot, or "".
std::string parse(int argc, char **argv, Options &options) {
  std::vector<const OptionInfo *> given;
  for (int k = 1; k < argc; ++k) {
    std::string arg = argv[k];
    if (arg.size() < 2 || arg[0] != '-') {
      if (!options.model.empty())
        return "more than one model given: " + options.model + " and " + arg;
      options.model = arg;
      continue;
    }
    // -name and --name, with the value after '=' or as the next argument.
    std::string name = arg.substr(arg[1] == '-' ? 2 : 1);
    size_t eq = name.find('=');
    std::string value = eq == std::string::npos ? "" : name.substr(eq + 1);
    name = name.substr(0, eq);
    const OptionInfo *option =
        std::find_if(std::begin(kOptions), std::end(kOptions),
                     [&](const OptionInfo &o) { return name == o.name; });
    if (option == std::end(kOptions))
      return "unknown option '" + arg + "' (ffn-run --help lists them)";
    if (isFlag(*option) && eq != std::string::npos)
      return "--" + name + " takes no value";
    if (!isFlag(*option) && eq == std::string::npos) {
      if (k + 1 == argc)
        return "--" + name + " needs a value";
      value = argv[++k];
    }
    std::string error = assign(*option, value, options);
    if (!error.empty())
      return error;
    given.push_back(option);
  }
  if (options.help || options.version)
    return "";
  if (options.model.empty())
    return "no model given (ffn-run --help lists the options)";
  if (std::string why = ffnsupport::whyNotReadable(options.model);
      !why.empty())
    return "model '" + options.model + "' " + why;

  if (options.device != "auto" && options.device != "cpu" &&
      options.device != "gpu")
    return "--device must be auto, cpu or gpu, got '" + options.device + "'";
  bool compiled = options.compiled();
  if (options.device == "cpu" && compiled)
    return "a compiled model (cubin) runs on --device=gpu only";
  if (options.device == "gpu" && !compiled)
    return "--device=gpu runs compiled models (cubins, from ffnc -o)";
  for (const OptionInfo *option : given) {
    if (option->scope == Scope::Interpreted && compiled)
      return std::string("--") + option->name +
             " applies to .onnx and .mlir models only";
    if (option->scope == Scope::Compiled && !compiled)
      return std::string("--") + option->name +
             " applies to compiled models (.cubin) only";
  }
  if (options.iterations < 1 || options.warmup < 0)
    return "--iterations must be >= 1 and --warmup >= 0";
  auto isGiven = [&](const char *name) {
    return std::any_of(given.begin(), given.end(),
                       [&](const OptionInfo *option) {
                         return std::strcmp(option->name, name) == 0;
                       });
  };
  if (isGiven("max-memory") && !(options.maxMemory > 0))
    return "--max-memory must be a positive number of GiB";
  for (auto [name, value] : {std::pair{"rtol", options.rtol},
                             {"atol", options.atol},
                             {"bits-tolerance", options.bitsTolerance}})
    if (!(value >= 0) || std::isinf(value))
      return std::string("--") + name + " must be a finite number >= 0";
  for (auto [name, value] :
       {std::pair{"min-argmax-agreement", options.minArgmaxAgreement},
        {"min-token-agreement", options.minTokenAgreement},
        {"min-forced-agreement", options.minForcedAgreement}})
    if (isGiven(name) && !(value >= 0 && value <= 100))
      return std::string("--") + name + " must be a percentage from 0 to 100";
  for (size_t k = 0; k < options.inputs.size(); ++k)
    for (size_t j = 0; j < k; ++j)
      if (options.inputs[j].first == options.inputs[k].first)
        return "--input '" + options.inputs[k].first + "' is given twice";
  bool generating = isGiven("generate");
  if (generating && options.generate < 1)
    return "--generate must be >= 1";
  for (const char *name : {"max-context", "no-kv-cache", "min-token-agreement",
                           "min-forced-agreement"})
    if (!generating && isGiven(name))
      return std::string("--") + name + " goes with --generate";
  if (generating && (options.perRow || !options.targets.empty()))
    return "--generate runs each prompt on its own; --per-row and "
           "--targets do not apply";
  if (!options.samplingText.empty()) {
    if (!generating)
      return "--sampling goes with --generate";
    if (std::string why = parseSampling(options.samplingText, options.sampling);
        !why.empty())
      return "--sampling: " + why;
  }
  if (!std::isnan(options.minForcedAgreement) && options.reference.empty())
    return "--min-forced-agreement needs --reference";
  if (options.maxContext != -1 && options.maxContext < 1)
    return "--max-context must be >= 1";
  // Outputs are checked before any run: never one of the inputs, and
  // writable.
  std::vector<std::string> reads = {options.model, options.reference,
                                    options.targets};
  for (const auto &input : options.inputs)
    reads.push_back(input.second);
  for (const std::string *out : {&options.output, &options.profileJSON})
    if (!out->empty())
      if (std::string why = ffnsupport::outputProblem(*out, reads);
          !why.empty())
        return why;
  return "";
}

} // namespace

bool Options::compiled() const {
  // A cubin is an ELF file whatever its name; an unreadable path falls back
  // to the name, and the loader then says what is wrong with it.
  if (std::FILE *f = ffnsupport::whyNotReadable(model).empty()
                         ? std::fopen(model.c_str(), "rb")
                         : nullptr) {
    char magic[4] = {0};
    size_t got = std::fread(magic, 1, 4, f);
    std::fclose(f);
    if (got == 4)
      return std::memcmp(magic, "\x7f" "ELF", 4) == 0;
  }
  return endsWith(model, ".cubin");
}

int reportError(const std::string &message) {
  std::fprintf(stderr, "ffn-run: error: %s\n", message.c_str());
  return 2;
}

bool parseCommandLine(int argc, char **argv, Options &options, int &exitCode) {
  std::string error = parse(argc, argv, options);
  if (!error.empty()) {
    exitCode = reportError(error);
    return false;
  }
  if (options.help || options.version) {
    if (options.help)
      printHelp();
    else
      std::printf("%s\n", ffnsupport::versionLine("ffn-run").c_str());
    exitCode = 0;
    return false;
  }
  return true;
}
