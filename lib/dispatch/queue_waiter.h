// QueueWaiter: how the Dispatcher's Run() loop waits between two looks at
// the queue. It waits until the next due time, until something may have been
// queued, or until a stop is asked for, whichever comes first; it never scans.
//
//   StoreChangeWaiter - an inotify watch on the store directory: LMDB writes
//                       each commit into data.mdb, so any process committing
//                       (the milter queueing a reply, the CLI) ends the wait.
//   TimedWaiter       - the timeout only (no store to watch; tests).
// Tests of the Dispatcher inject their own QueueWaiter to see the timeouts
// asked for and to move a ManualClock instead of sleeping.
//
// Waiting is in real time: the injected Clock says what is due, not how long
// a second lasts. Stop requests are seen within kStopCheck.
//
// Thread-safety: one thread at a time (the one that calls Run()).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "core/result.h"

namespace ar {

class QueueWaiter {
 public:
  enum class WakeReason { kChanged, kTimeout, kStopped };
  // The longest a stop request waits to be seen.
  static constexpr std::chrono::milliseconds kStopCheck{100};

  virtual ~QueueWaiter() = default;
  // Forgets the changes seen so far. Run() calls it just before it looks at
  // the queue, so a change made while it looks (its own writes, or another
  // process's) ends the following Wait() at once: nothing queued meanwhile
  // is missed.
  virtual void Forget() = 0;
  // Returns kChanged once the store changed since the last Forget(),
  // kTimeout after timeout, kStopped as soon as stop is set.
  virtual WakeReason Wait(std::chrono::milliseconds timeout, const std::atomic<bool>& stop) = 0;
  // Waits the whole timeout: kTimeout, or kStopped as soon as stop is set.
  // Store changes do NOT end it. Run() pauses so after a failed round: the
  // failing write itself touches data.mdb (a commit that runs out of disk
  // still writes pages), and waking on that would retry at once, in a loop.
  // Changes seen meanwhile are not lost: the next Forget() drops them
  // before the next look at the queue anyway.
  virtual WakeReason Pause(std::chrono::milliseconds timeout, const std::atomic<bool>& stop);
};

class TimedWaiter final : public QueueWaiter {
 public:
  void Forget() override {}
  WakeReason Wait(std::chrono::milliseconds timeout, const std::atomic<bool>& stop) override;
};

class StoreChangeWaiter final : public QueueWaiter {
 public:
  // Watches store_directory for writes to its data.mdb. An error when the
  // directory cannot be watched (the caller may fall back to TimedWaiter).
  static Result<std::unique_ptr<StoreChangeWaiter>> Open(const std::string& store_directory);
  ~StoreChangeWaiter() override;
  StoreChangeWaiter(const StoreChangeWaiter&) = delete;
  StoreChangeWaiter& operator=(const StoreChangeWaiter&) = delete;

  void Forget() override;
  WakeReason Wait(std::chrono::milliseconds timeout, const std::atomic<bool>& stop) override;

 private:
  explicit StoreChangeWaiter(int fd) : fd_(fd) {}
  // Reads every pending event; true if one was about data.mdb.
  bool DrainEvents();

  int fd_;
  bool changed_ = false;  // an event seen by an earlier Wait() slice
};

}  // namespace ar
