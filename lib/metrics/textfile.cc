#include "metrics/textfile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ar {

namespace {

Status ErrnoStatus(const std::string& what, int error) {
  return Status::IoError(what + ": " + std::strerror(error));
}

Status WriteAll(int fd, const std::string& content) {
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("write", errno);
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

}  // namespace

Status WriteTextfileAtomically(const std::string& path, const std::string& content) {
  const std::string temporary = path + ".tmp";
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus("cannot create " + temporary, errno);
  Status status = WriteAll(fd, content);
  if (status.ok() && ::fchmod(fd, 0644) != 0) status = ErrnoStatus("fchmod " + temporary, errno);
  if (::close(fd) != 0 && status.ok()) status = ErrnoStatus("close " + temporary, errno);
  if (status.ok() && ::rename(temporary.c_str(), path.c_str()) != 0)
    status = ErrnoStatus("cannot rename " + temporary + " to " + path, errno);
  if (!status.ok()) ::unlink(temporary.c_str());
  return status;
}

Result<std::string> ReadTextfile(const std::string& path, size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound(path + " does not exist");
    return ErrnoStatus("cannot open " + path, errno);
  }
  std::string content;
  char buffer[8192];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int error = errno;
      ::close(fd);
      return ErrnoStatus("read " + path, error);
    }
    if (n == 0) break;
    content.append(buffer, static_cast<size_t>(n));
    if (content.size() > max_bytes) {
      ::close(fd);
      return Status::IoError(path + " is larger than " + std::to_string(max_bytes) + " bytes");
    }
  }
  ::close(fd);
  return content;
}

}  // namespace ar
