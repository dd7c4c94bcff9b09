//===- Profile.cpp - ffn-run --profile ------------------------------------===//
//
// Per-launch times from ffnrt_profile, summed by kernel and by layer (the
// FFN block, fused group or attention layer each launch computes), like
// trtexec's --dumpProfile: CUDA events between the launches, replayed as a
// CUDA graph unless --no-graph.
//
//===----------------------------------------------------------------------===//

#include "Profile.h"

#include "ffn/Support/Output.h"

#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace {

struct Group {
  std::string name;
  int launches = 0;
  double ms = 0;
};

/// Groups in order of first appearance.
struct Groups {
  std::vector<Group> list;
  std::map<std::string, size_t> index;
  void add(const std::string &name, double ms) {
    auto [it, inserted] = index.try_emplace(name, list.size());
    if (inserted)
      list.push_back({name, 0, 0});
    list[it->second].launches += 1;
    list[it->second].ms += ms;
  }
};

std::string quoted(const std::string &text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\')
      out += '\\', out += c;
    else if (c < 0x20) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\u%04x", c);
      out += escape;
    } else
      out += c;
  }
  return out + "\"";
}

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

std::string dims(const uint32_t d[3], const char *separator) {
  return std::to_string(d[0]) + separator + std::to_string(d[1]) + separator +
         std::to_string(d[2]);
}

void printGroups(const char *title, const Groups &groups, double total) {
  std::printf("\n%-24s %8s %10s %7s\n", title, "launches", "ms", "%");
  for (const Group &g : groups.list)
    std::printf("%-24s %8d %10.4f %7.1f\n", g.name.c_str(), g.launches, g.ms,
                100.0 * g.ms / total);
}

std::string groupsJSON(const char *key, const Groups &groups) {
  std::string out;
  for (size_t i = 0; i < groups.list.size(); ++i) {
    const Group &g = groups.list[i];
    out += std::string(i ? ",\n    " : "\n    ") + "{" + quoted(key) + ": " +
           quoted(g.name) + ", \"launches\": " + std::to_string(g.launches) +
           ", \"ms\": " + number(g.ms) + "}";
  }
  return "[" + out + "\n  ]";
}

} // namespace

std::string profileModel(const Options &o, ffnrt_model *model) {
  int n = ffnrt_num_launches(model);
  std::vector<float> ms(n);
  if (ffnrt_profile(model, o.warmup, o.iterations, ms.data()) != FFNRT_OK)
    return ffnrt_error();
  double total = 0;
  int skipped = 0;
  for (float t : ms)
    total += t > 0 ? t : 0;
  if (total <= 0)
    total = 1;

  Groups byKernel, byLayer;
  std::string launches;
  const char *how = o.noGraph ? "stream launches" : "CUDA graph replay";
  std::printf("=== Profile: median of %lld runs per launch, %s, CUDA events "
              "between launches ===\n",
              static_cast<long long>(o.iterations), how);
  std::printf("%4s  %-20s %-22s %-14s %6s %10s %7s\n", "#", "kernel", "layer",
              "grid", "block", "ms", "%");
  for (int i = 0; i < n; ++i) {
    ffnrt_launch_info info;
    if (ffnrt_get_launch_info(model, i, &info) != FFNRT_OK)
      return ffnrt_error();
    if (!info.runs) {
      ++skipped;
      continue;
    }
    std::string layer = *info.layer ? info.layer : "-";
    std::printf("%4d  %-20s %-22s %-14s %6u %10.4f %7.1f\n", i, info.kernel,
                layer.c_str(), dims(info.grid, "x").c_str(), info.block[0],
                ms[i], 100.0 * ms[i] / total);
    byKernel.add(info.kernel, ms[i]);
    byLayer.add(layer, ms[i]);
    launches += std::string(launches.empty() ? "\n    " : ",\n    ") +
                "{\"index\": " + std::to_string(i) +
                ", \"kernel\": " + quoted(info.kernel) +
                ", \"layer\": " + quoted(info.layer) + ", \"grid\": [" +
                dims(info.grid, ", ") + "], \"block\": [" +
                dims(info.block, ", ") +
                "], \"shared_bytes\": " + std::to_string(info.shared_bytes) +
                ", \"ms\": " + number(ms[i]) + "}";
  }
  if (skipped)
    std::printf("(%d launches skipped: other kernels cover this token count)\n",
                skipped);
  printGroups("kernel", byKernel, total);
  printGroups("layer", byLayer, total);
  std::printf("\nTotal: %.4f ms in %d launches (%s; the events themselves "
              "add a little, see --bench for the run's latency)\n",
              total, n - skipped, how);

  if (o.profileJSON.empty())
    return "";
  std::string json = "{\n  \"device\": " + quoted(ffnrt_device_name(model)) +
                     ",\n  \"target\": " + quoted(ffnrt_target(model)) +
                     ",\n  \"precision\": " + quoted(ffnrt_precision(model)) +
                     ",\n  \"iterations\": " + std::to_string(o.iterations) +
                     ",\n  \"graph\": " + (o.noGraph ? "false" : "true") +
                     ",\n  \"total_ms\": " + number(total) +
                     ",\n  \"launches\": [" + launches + "\n  ]" +
                     ",\n  \"by_kernel\": " + groupsJSON("kernel", byKernel) +
                     ",\n  \"by_layer\": " + groupsJSON("layer", byLayer) +
                     "\n}\n";
  return ffnsupport::writeFile(o.profileJSON, json);
}
