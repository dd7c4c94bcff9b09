//===- Output.cpp - Files written whole or not at all ---------------------===//

#include "ffn/Support/Output.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace ffnsupport;

static std::string cannotWrite(const std::string &path, int error) {
  return "cannot write '" + path + "': " + std::strerror(error);
}

OutputFile::~OutputFile() {
  if (file)
    std::fclose(file);
  if (!temporary.empty())
    ::unlink(temporary.c_str());
}

std::string OutputFile::open(const std::string &target) {
  path = target;
  struct stat st;
  bool exists = ::stat(path.c_str(), &st) == 0;
  if (exists && S_ISDIR(st.st_mode))
    return "cannot write '" + path + "': it is a folder";
  if (exists && !S_ISREG(st.st_mode)) {
    file = std::fopen(path.c_str(), "wb");
    return file ? "" : cannotWrite(path, errno);
  }
  size_t slash = path.rfind('/');
  std::string folder =
      slash == std::string::npos ? "" : path.substr(0, slash + 1);
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string pattern = folder + "." + name + ".XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  int fd = ::mkstemp(buffer.data());
  if (fd < 0)
    return cannotWrite(path, errno);
  temporary = buffer.data();
  // A replaced file keeps its permissions; a new one gets the umask's.
  mode_t mode = exists ? st.st_mode & 07777 : 0666 & ~[] {
    mode_t mask = ::umask(0);
    ::umask(mask);
    return mask;
  }();
  ::fchmod(fd, mode);
  file = ::fdopen(fd, "wb");
  if (!file) {
    int error = errno;
    ::close(fd);
    return cannotWrite(path, error);
  }
  return "";
}

bool OutputFile::write(const void *data, size_t size) {
  if (!writeError && std::fwrite(data, 1, size, file) != size)
    writeError = errno ? errno : EIO;
  return !writeError;
}

bool OutputFile::rewrite(uint64_t offset, const void *data, size_t size) {
  if (writeError)
    return false;
  errno = 0;
  off_t end = ftello(file);
  if (end < 0 || fseeko(file, offset, SEEK_SET) != 0 ||
      std::fwrite(data, 1, size, file) != size ||
      fseeko(file, end, SEEK_SET) != 0)
    writeError = errno ? errno : EIO;
  return !writeError;
}

std::string OutputFile::commit() {
  if (!file)
    return "cannot write '" + path + "': not open";
  errno = 0;
  bool flushed = !writeError && std::fflush(file) == 0 && !std::ferror(file);
  int error = writeError ? writeError : errno ? errno : EIO;
  if (std::fclose(file) != 0 && flushed) {
    flushed = false;
    error = errno;
  }
  file = nullptr;
  if (!flushed)
    return cannotWrite(path, error);
  if (!temporary.empty()) {
    if (::rename(temporary.c_str(), path.c_str()) != 0)
      return cannotWrite(path, errno);
    temporary.clear();
  }
  return "";
}

std::string ffnsupport::writeFile(const std::string &path,
                                  const std::string &bytes) {
  OutputFile out;
  if (std::string error = out.open(path); !error.empty())
    return error;
  out.write(bytes.data(), bytes.size());
  return out.commit();
}

/// Why `path` cannot be written, or "".
static std::string whyNotWritable(const std::string &path) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode))
      return "it is a folder";
    if (!S_ISREG(st.st_mode))
      return ::access(path.c_str(), W_OK) == 0 ? "" : std::strerror(errno);
  }
  size_t slash = path.rfind('/');
  std::string folder = slash == std::string::npos ? "."
                       : slash == 0               ? "/"
                                                  : path.substr(0, slash);
  if (::stat(folder.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return "its folder '" + folder + "' does not exist";
  if (::access(folder.c_str(), W_OK) != 0)
    return "its folder '" + folder +
           "' is not writable: " + std::strerror(errno);
  return "";
}

/// Whether `a` and `b` name the same existing file (the same inode).
static bool sameFile(const std::string &a, const std::string &b) {
  struct stat sa, sb;
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 &&
         sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

std::string ffnsupport::outputProblem(const std::string &output,
                                      const std::vector<std::string> &inputs) {
  for (const std::string &in : inputs)
    if (!in.empty() && sameFile(in, output))
      return "the output '" + output + "' is the input '" + in +
             "'; writing it would destroy it";
  if (std::string why = whyNotWritable(output); !why.empty())
    return "cannot write '" + output + "': " + why;
  return "";
}
