//===- FuzzNpy.cpp - Fuzz the .npy reader ---------------------------------===//

#include "ffn/Support/Npy.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ffnsupport::NpyArray array;
  std::string_view bytes(reinterpret_cast<const char *>(data), size);
  if (!ffnsupport::parseNpy(bytes, array).empty())
    return 0;
  // Read every element back, as the tools do with inputs and references.
  array.toFloats();
  array.toInts();
  return 0;
}
