//===- MemoryPlanner.h - Static buffer placement by liveness ----*- C++ -*-===//

#ifndef FFN_CONVERSION_FFNTOGPU_MEMORYPLANNER_H
#define FFN_CONVERSION_FFNTOGPU_MEMORYPLANNER_H

#include <cstdint>
#include <vector>

namespace mlir::ffn {

/// A buffer live from step `first` to step `last`, both included.
struct BufferRequest {
  uint64_t bytes = 0;
  unsigned first = 0, last = 0;
};

struct MemoryLayout {
  std::vector<uint64_t> offsets; ///< one per request
  uint64_t totalBytes = 0;
};

/// Places buffers in one arena so that buffers whose lifetimes overlap never
/// share bytes: largest first, each at the lowest aligned offset that fits.
MemoryLayout planMemory(const std::vector<BufferRequest> &requests,
                        uint64_t alignment);

} // namespace mlir::ffn

#endif // FFN_CONVERSION_FFNTOGPU_MEMORYPLANNER_H
