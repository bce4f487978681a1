// DispatcherLock: the exclusive flock(2) on <store>/dispatcher.lock that says
// "this dispatcher started alone". Only the holder may release the claims an
// earlier, killed dispatcher left (Store::ReleaseClaims): with another one
// running, those claims may be its sends in progress. Without the lock a
// dispatcher still runs; leases keep two dispatchers apart.
//
// The lock is held until the object is destroyed or the process ends (the
// kernel drops it with the descriptor, also on SIGKILL), so a crash never
// leaves a stale lock behind. Not copyable; any thread.
#pragma once

#include <memory>
#include <string>

#include "core/result.h"

namespace ar {

class DispatcherLock {
 public:
  // Tries once, without waiting. nullptr (not an error) when another
  // process holds it; an error when the file cannot be opened or locked.
  static Result<std::unique_ptr<DispatcherLock>> TryAcquire(const std::string& store_directory);
  ~DispatcherLock();
  DispatcherLock(const DispatcherLock&) = delete;
  DispatcherLock& operator=(const DispatcherLock&) = delete;

  const std::string& path() const { return path_; }

 private:
  DispatcherLock(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::string path_;
};

}  // namespace ar
