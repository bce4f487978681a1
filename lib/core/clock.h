// Clock: the only way the project reads "now". Chosen once in main() and
// passed down, so tests can run a 30-day sequence in seconds.
//
//   SystemClock  - wall time (the default).
//   ManualClock  - unit tests: set and advance it by hand.
//   FileClock    - integration tests and operators: "now" is the number of
//                  seconds since the epoch written in a file, re-read on every
//                  call, so a test can move time for running daemons (milter,
//                  dispatcher, CLI) at once: `echo 1767225600 > clock`.
//                  The file may also hold "+N" or "-N": wall time shifted by N
//                  seconds.
//
// Thread-safety: every implementation is safe to call from many threads.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>

#include "core/result.h"

namespace ar {

using Seconds = std::chrono::seconds;
using TimePoint = std::chrono::sys_seconds;

inline TimePoint FromUnixSeconds(int64_t s) { return TimePoint(Seconds(s)); }
inline int64_t ToUnixSeconds(TimePoint t) { return t.time_since_epoch().count(); }
// t + d, pinned to the ends of the range instead of overflowing: a retention
// or period of "forever" (a huge d) must not wrap into the past.
inline TimePoint AddSaturating(TimePoint t, Seconds d) {
  int64_t sum = 0;
  if (__builtin_add_overflow(ToUnixSeconds(t), d.count(), &sum))
    sum = d.count() < 0 ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
  return FromUnixSeconds(sum);
}

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
  // Now() with whatever sub-second precision the clock has. Only for
  // deciding how long to sleep until a due second begins (the dispatcher):
  // sleeping "due - Now()" whole seconds would wake up to a second late.
  virtual std::chrono::system_clock::time_point NowPrecise() const { return Now(); }
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override;
  std::chrono::system_clock::time_point NowPrecise() const override;
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start) : now_(ToUnixSeconds(start)) {}
  TimePoint Now() const override { return FromUnixSeconds(now_.load()); }
  void Set(TimePoint t) { now_.store(ToUnixSeconds(t)); }
  void Advance(Seconds d) { now_.fetch_add(d.count()); }

 private:
  std::atomic<int64_t> now_;
};

class FileClock final : public Clock {
 public:
  explicit FileClock(std::string path) : path_(std::move(path)) {}
  // Falls back to wall time when the file is missing or unreadable, so a
  // mistyped path never stops mail; MakeClock() checks the file up front.
  TimePoint Now() const override;

 private:
  std::string path_;
};

// Parses a --clock value: "system" or "file:PATH".
Result<std::shared_ptr<const Clock>> MakeClock(const std::string& spec);

// RFC 5322 date-time in UTC, e.g. "Mon, 23 Nov 2026 10:00:00 +0000".
std::string FormatRfc5322Date(TimePoint t);
// ISO 8601 in UTC, e.g. "2026-11-23T10:00:00Z", for logs and the CLI.
std::string FormatIsoUtc(TimePoint t);

}  // namespace ar
