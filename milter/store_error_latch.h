// StoreErrorLatch: remembers, in a small text file, that the store refused
// to record a message's follow-ups, so that an operator sees a failure of
// the night in the morning even after writes succeeded again (the file
// stays until `autoresponder-ctl store-error clear`, or rm, removes it).
//
// The file (Config::store_error_file), written via a temporary file and
// rename(2), so a reader never sees half of it:
//   first=<ISO time> queue_id=<id> error=<status>   the first failure since cleared
//   count=<n>                                       failures since then
//   last=<ISO time>                                 the latest of them
// "first" is written at once; "count" and "last" at most once per second
// (kRewriteInterval), so a full store does not add a file write to every
// message. A file already there when the process starts is continued, not
// replaced: its first failure stays the first.
//
// Ownership: one per process, made in main(); the clock and logger must
// outlive it. Thread-safety: every method may be called from any thread;
// one mutex, taken only when a failure is recorded (never on the normal
// mail path).
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/logger.h"
#include "core/status.h"

namespace ar {

class StoreErrorLatch {
 public:
  static constexpr Seconds kRewriteInterval{1};

  // path "": nothing is ever written (the failures are still logged and
  // counted by the caller).
  StoreErrorLatch(std::string path, const Clock& clock, Logger& logger)
      : path_(std::move(path)), clock_(clock), logger_(logger) {}

  // One message (queue_id, "" for none) whose follow-ups were not recorded
  // because of error. Writes the file when this is the first failure since
  // the latch was cleared, or when kRewriteInterval has passed since the
  // last write. If the file cannot be written, one warning is logged (for
  // the life of the process) and the latch keeps trying.
  void Record(std::string_view queue_id, const Status& error);

  // Writes a count and time not yet written (those of the last second).
  // For shutdown; a no-op when everything is on disk.
  void Flush();

  const std::string& path() const { return path_; }

 private:
  // Starts a new latch with this failure, or continues the file a previous
  // process left. Caller holds mu_.
  void Begin(std::string_view queue_id, const Status& error, TimePoint now, bool continue_file);
  // Caller holds mu_.
  void WriteLocked(TimePoint now);

  const std::string path_;
  const Clock& clock_;
  Logger& logger_;

  std::mutex mu_;
  bool latched_ = false;    // first_line_ holds a failure
  bool on_disk_ = false;    // the file was written (or adopted) by this process
  bool pending_ = false;    // count_/last_ changed since the last write
  bool warned_ = false;     // the one warning about an unwritable file was logged
  std::string first_line_;  // "first=... queue_id=... error=..."
  uint64_t count_ = 0;
  TimePoint last_{};
  std::optional<TimePoint> written_at_;  // last write attempt
};

// The file's text for these values (exposed for tests and for the CLI's
// documentation of the format).
std::string FormatStoreErrorFile(std::string_view first_line, uint64_t count, TimePoint last);

}  // namespace ar
