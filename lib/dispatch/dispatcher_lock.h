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

#include "core/logger.h"
#include "core/result.h"
#include "store/store.h"

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

// What a dispatcher does at start: takes the lock on store_directory and,
// holding it, releases the claims an earlier run left (Store::ReleaseClaims),
// logging how many; without it (another dispatcher holds it, or it cannot be
// taken) it logs why and releases nothing. Returns the lock to hold for the
// life of the process, or nullptr.
std::unique_ptr<DispatcherLock> LockAndReleaseClaims(Store& store,
                                                     const std::string& store_directory,
                                                     Logger& logger);

}  // namespace ar
