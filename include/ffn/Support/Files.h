//===- Files.h - Checks on the files the tools read -------------*- C++ -*-===//
//
// Header-only, so that the runtime can use it without linking FFNSupport.
//
//===----------------------------------------------------------------------===//

#ifndef FFN_SUPPORT_FILES_H
#define FFN_SUPPORT_FILES_H

#include <cerrno>
#include <cstring>
#include <string>

#include <sys/stat.h>

namespace ffnsupport {

/// Why `path` cannot be read as an input, or "" for a regular file. A FIFO,
/// device or folder would block a reader or never end.
inline std::string whyNotReadable(const std::string &path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    return errno == ENOENT ? std::string("does not exist")
                           : std::string("cannot be opened: ") +
                                 std::strerror(errno);
  if (S_ISDIR(st.st_mode))
    return "is a folder";
  if (!S_ISREG(st.st_mode))
    return "is not a regular file (a FIFO, device or socket)";
  return "";
}

} // namespace ffnsupport

#endif // FFN_SUPPORT_FILES_H
