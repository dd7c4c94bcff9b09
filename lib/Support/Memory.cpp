//===- Memory.cpp - Out of memory as an error, not a crash ----------------===//

#include "ffn/Support/Memory.h"

#include <cstdint>
#include <cstdio>
#include <new>
#include <sys/mman.h>
#include <unistd.h>

namespace {
const char *toolName = "ffnc";
std::string (*describe)() = nullptr;
char *reserve = nullptr;

void onNewFailure() { ffnsupport::reportOutOfMemory(); }
} // namespace

void ffnsupport::exitOnOutOfMemory(const char *tool, std::string (*context)()) {
  toolName = tool;
  describe = context;
  if (!reserve)
    reserve = new char[1 << 20];
  std::set_new_handler(onNewFailure);
}

void ffnsupport::reportOutOfMemory() {
  delete[] reserve;
  reserve = nullptr;
  // Once: an allocation while describing must not come back here.
  std::set_new_handler(nullptr);
  std::string where = describe ? describe() : std::string();
  std::fprintf(stderr, "%s: error: out of memory%s\n", toolName, where.c_str());
  std::fflush(stderr);
  ::_exit(2);
}

void ffnsupport::unmapPages(const void *data, size_t size) {
  static const uintptr_t page = ::sysconf(_SC_PAGESIZE);
  auto at = reinterpret_cast<uintptr_t>(data);
  uintptr_t first = (at + page - 1) / page * page;
  uintptr_t last = (at + size) / page * page;
  if (last > first)
    ::madvise(reinterpret_cast<void *>(first), last - first, MADV_DONTNEED);
}

void ffnsupport::populatePages(const void *data, size_t size) {
#ifdef MADV_POPULATE_READ
  static const uintptr_t page = ::sysconf(_SC_PAGESIZE);
  auto at = reinterpret_cast<uintptr_t>(data);
  uintptr_t first = at / page * page;
  uintptr_t last = (at + size + page - 1) / page * page;
  if (last > first)
    ::madvise(reinterpret_cast<void *>(first), last - first,
              MADV_POPULATE_READ);
#endif
}
