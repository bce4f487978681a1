#include "dispatch/queue_waiter.h"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

namespace ar {
namespace {

using Steady = std::chrono::steady_clock;

std::chrono::milliseconds Remaining(Steady::time_point until) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Steady::now());
  return std::max(left, std::chrono::milliseconds(0));
}

}  // namespace

QueueWaiter::WakeReason QueueWaiter::Pause(std::chrono::milliseconds timeout,
                                           const std::atomic<bool>& stop) {
  TimedWaiter timed;
  return timed.Wait(timeout, stop);
}

QueueWaiter::WakeReason TimedWaiter::Wait(std::chrono::milliseconds timeout,
                                          const std::atomic<bool>& stop) {
  const auto until = Steady::now() + timeout;
  for (;;) {
    if (stop.load()) return WakeReason::kStopped;
    auto left = Remaining(until);
    if (left.count() == 0) return WakeReason::kTimeout;
    std::this_thread::sleep_for(std::min(left, kStopCheck));
  }
}

Result<std::unique_ptr<StoreChangeWaiter>> StoreChangeWaiter::Open(
    const std::string& store_directory) {
  int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) return Status::IoError(std::string("inotify_init1: ") + std::strerror(errno));
  // The directory, not the file: data.mdb may not exist yet, and a watch on
  // the directory survives the file being replaced (a restore).
  if (inotify_add_watch(fd, store_directory.c_str(),
                        IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE) < 0) {
    int error = errno;
    close(fd);
    return Status::IoError("cannot watch " + store_directory + ": " + std::strerror(error));
  }
  return std::unique_ptr<StoreChangeWaiter>(new StoreChangeWaiter(fd));
}

StoreChangeWaiter::~StoreChangeWaiter() { close(fd_); }

bool StoreChangeWaiter::DrainEvents() {
  bool data = false;
  alignas(inotify_event) char buffer[4096];
  for (;;) {
    ssize_t n = read(fd_, buffer, sizeof buffer);
    if (n <= 0) return data;  // EAGAIN: nothing more
    for (ssize_t at = 0; at < n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
      // lock.mdb is written through its map (no events); a reader's page
      // touches nothing. Only data.mdb carries commits.
      if (event->len > 0 && std::strcmp(event->name, "data.mdb") == 0) data = true;
      if (event->mask & IN_Q_OVERFLOW) data = true;  // lost events: assume a change
      at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
    }
  }
}

void StoreChangeWaiter::Forget() {
  (void)DrainEvents();
  changed_ = false;
}

QueueWaiter::WakeReason StoreChangeWaiter::Wait(std::chrono::milliseconds timeout,
                                                const std::atomic<bool>& stop) {
  const auto until = Steady::now() + timeout;
  for (;;) {
    if (stop.load()) return WakeReason::kStopped;
    if (DrainEvents()) changed_ = true;
    if (changed_) {
      changed_ = false;
      return WakeReason::kChanged;
    }
    auto left = Remaining(until);
    if (left.count() == 0) return WakeReason::kTimeout;
    pollfd pfd{fd_, POLLIN, 0};
    (void)poll(&pfd, 1, static_cast<int>(std::min(left, kStopCheck).count()));
  }
}

}  // namespace ar
