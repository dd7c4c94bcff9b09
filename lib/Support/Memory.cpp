//===- Memory.cpp - Out of memory as an error, not a crash ----------------===//

#include "ffn/Support/Memory.h"

#include <cstdio>
#include <new>
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
