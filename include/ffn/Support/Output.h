//===- Output.h - Files written whole or not at all -------------*- C++ -*-===//
//
// Every file the tools write goes to a temporary beside its path and is
// renamed over it once complete: a failed or interrupted write leaves what
// was there before. Paths that are not regular files (/dev/null, a FIFO)
// cannot be replaced by a rename and are written in place. Plain C++.
//
//===----------------------------------------------------------------------===//

#ifndef FFN_SUPPORT_OUTPUT_H
#define FFN_SUPPORT_OUTPUT_H

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace ffnsupport {

class OutputFile {
public:
  OutputFile() = default;
  OutputFile(const OutputFile &) = delete;
  OutputFile &operator=(const OutputFile &) = delete;
  /// Removes the temporary unless commit() succeeded.
  ~OutputFile();

  /// Starts writing `path`; returns why it cannot, or "".
  std::string open(const std::string &path);
  std::FILE *stream() { return file; }
  /// Where the bytes go until commit(), for writers that open the file
  /// themselves (and truncate it): the temporary, or the path itself.
  const std::string &pathToWrite() const {
    return temporary.empty() ? path : temporary;
  }
  /// Writes `size` bytes; false once any write failed.
  bool write(const void *data, size_t size);
  /// Overwrites bytes already written at `offset` (a header completed last)
  /// and goes on writing at the end; false once any write failed.
  bool rewrite(uint64_t offset, const void *data, size_t size);
  /// Closes the temporary and renames it to the path; returns why it
  /// cannot (naming the path and the reason), or "".
  std::string commit();

private:
  std::string path, temporary;
  std::FILE *file = nullptr;
  /// The errno of the first write that failed, or 0.
  int writeError = 0;
};

/// Writes `bytes` to `path` through an OutputFile.
std::string writeFile(const std::string &path, const std::string &bytes);

/// Why `output` must not be written before any work starts, or "": it is
/// one of `inputs` (the same file: writing it would destroy it), a folder,
/// or in a missing folder or one without write permission (a rename needs
/// it).
std::string outputProblem(const std::string &output,
                          const std::vector<std::string> &inputs);

} // namespace ffnsupport

#endif // FFN_SUPPORT_OUTPUT_H
