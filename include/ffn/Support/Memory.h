//===- Memory.h - Out of memory as an error; pages given back ---*- C++ -*-===//
//
// Every large allocation of the tools is checked against a budget before it
// is made; what slips through (many tensors within the budget at once, a
// ulimit below it) must still end as a one-line error with exit code 2, not
// an abort with a stack dump. Weights mapped from files are unmapped once
// read, so that resident memory stays at what one piece of work reads.
// Plain C++.
//
//===----------------------------------------------------------------------===//

#ifndef FFN_SUPPORT_MEMORY_H
#define FFN_SUPPORT_MEMORY_H

#include <string>

namespace ffnsupport {

/// Makes a failed allocation print "TOOL: error: out of memory" and, when
/// `context` is given, what it returns (" while evaluating ..."), then exit
/// with code 2. A small reserve is freed first so that the message can be
/// formatted.
void exitOnOutOfMemory(const char *tool, std::string (*context)() = nullptr);

/// What exitOnOutOfMemory does on a failed allocation; for allocators that
/// report failure themselves.
[[noreturn]] void reportOutOfMemory();

/// Unmaps the whole pages within [data, data + size) from the process.
/// For memory mapped from a file and only read: the pages stay in the page
/// cache and are read again if used again (never for memory written to).
void unmapPages(const void *data, size_t size);

/// Maps the pages covering [data, data + size) of a file mapping in one call
/// before they are read: faulting them in a few at a time costs more than
/// reading them. A no-op where the system cannot.
void populatePages(const void *data, size_t size);

} // namespace ffnsupport

#endif // FFN_SUPPORT_MEMORY_H
