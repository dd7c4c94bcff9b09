//===- MemoryPlanner.cpp - Static buffer placement by liveness ------------===//

#include "ffn/Conversion/FFNToGPU/MemoryPlanner.h"

#include <algorithm>
#include <numeric>

using namespace mlir::ffn;

MemoryLayout mlir::ffn::planMemory(const std::vector<BufferRequest> &requests,
                                   uint64_t alignment) {
  auto align = [&](uint64_t v) {
    return (v + alignment - 1) / alignment * alignment;
  };
  std::vector<size_t> order(requests.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return requests[a].bytes > requests[b].bytes;
  });
  MemoryLayout layout;
  layout.offsets.assign(requests.size(), 0);
  std::vector<size_t> placed;
  for (size_t i : order) {
    const BufferRequest &r = requests[i];
    // Byte ranges of placed buffers that are alive at the same time.
    std::vector<std::pair<uint64_t, uint64_t>> busy;
    for (size_t j : placed) {
      const BufferRequest &o = requests[j];
      if (o.first <= r.last && r.first <= o.last)
        busy.push_back({layout.offsets[j], layout.offsets[j] + o.bytes});
    }
    std::sort(busy.begin(), busy.end());
    uint64_t offset = 0;
    for (auto [begin, end] : busy) {
      if (offset + r.bytes <= begin)
        break;
      offset = std::max(offset, align(end));
    }
    layout.offsets[i] = offset;
    layout.totalBytes = std::max(layout.totalBytes, align(offset + r.bytes));
    placed.push_back(i);
  }
  return layout;
}
