#include "daemon/pid_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "core/strings.h"

namespace ar {
namespace {

// A pid file is tiny; anything longer is not one.
constexpr size_t kMaxPidFileBytes = 64;

}  // namespace

Status WritePidFile(const std::string& path) {
  const std::string temporary = path + ".tmp";
  {
    int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0644);
    if (fd < 0)
      return Status::IoError("cannot write pid file " + temporary + ": " + std::strerror(errno));
    // 0644 whatever the umask (the units run with 0027): the pid file is for
    // others to read, autoresponder-ctl reload and monitoring among them.
    const std::string text = std::to_string(getpid()) + "\n";
    const bool written = fchmod(fd, 0644) == 0 &&
                         write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    const int error = errno;
    if (close(fd) != 0 || !written) {
      std::remove(temporary.c_str());
      return Status::IoError("cannot write pid file " + temporary + ": " +
                             std::strerror(written ? errno : error));
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    int error = errno;
    std::remove(temporary.c_str());
    return Status::IoError("cannot write pid file " + path + ": " + std::strerror(error));
  }
  return Status::Ok();
}

void RemovePidFile(const std::string& path) {
  auto pid = ReadPidFile(path);
  if (pid.ok() && *pid == getpid()) std::remove(path.c_str());
}

Result<pid_t> ReadPidFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound("no pid file " + path);
    return Status::IoError("cannot read pid file " + path + ": " + std::strerror(errno));
  }
  std::string text(kMaxPidFileBytes + 1, '\0');
  ssize_t got = read(fd, text.data(), text.size());
  close(fd);
  if (got < 0) return Status::IoError("cannot read pid file " + path);
  text.resize(static_cast<size_t>(got));
  std::string_view number = Trim(text);
  bool digits = !number.empty() && text.size() <= kMaxPidFileBytes &&
                number.find_first_not_of("0123456789") == std::string_view::npos &&
                number.size() <= 9;  // pid_max is at most 2^22
  pid_t pid = digits ? static_cast<pid_t>(std::stol(std::string(number))) : 0;
  // 0 would signal our own process group and 1 is init: never plausible.
  if (pid <= 1) return Status::InvalidArgument("pid file " + path + " does not hold a process id");
  return pid;
}

}  // namespace ar
