#include "dispatch/dispatcher_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ar {

Result<std::unique_ptr<DispatcherLock>> DispatcherLock::TryAcquire(
    const std::string& store_directory) {
  std::string path = store_directory + "/dispatcher.lock";
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) return Status::IoError("cannot open " + path + ": " + std::strerror(errno));
  // flock, not fcntl locks: these belong to the open file, so no other
  // descriptor of this process can drop them by closing the file.
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int error = errno;
    close(fd);
    if (error == EWOULDBLOCK) return std::unique_ptr<DispatcherLock>();
    return Status::IoError("cannot lock " + path + ": " + std::strerror(error));
  }
  return std::unique_ptr<DispatcherLock>(new DispatcherLock(fd, std::move(path)));
}

DispatcherLock::~DispatcherLock() { close(fd_); }

std::unique_ptr<DispatcherLock> LockAndReleaseClaims(Store& store,
                                                     const std::string& store_directory,
                                                     Logger& logger) {
  auto lock = DispatcherLock::TryAcquire(store_directory);
  if (!lock.ok()) {
    logger.Warning(lock.status().message() + "; not releasing earlier claims");
    return nullptr;
  }
  if (!*lock) {
    logger.Info("another dispatcher holds " + store_directory +
                "/dispatcher.lock; running beside it without releasing its claims");
    return nullptr;
  }
  auto released = store.ReleaseClaims();
  if (released.ok()) {
    logger.Info("released " + std::to_string(*released) +
                " items claimed by an earlier run; they are due again");
  } else {
    logger.Warning("cannot release earlier claims, they come back when their lease ends: " +
                   released.status().ToString());
  }
  return std::move(*lock);
}

}  // namespace ar
