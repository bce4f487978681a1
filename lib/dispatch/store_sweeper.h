// StoreSweeper: keeps the store bounded. Every sweep_interval it goes
// through each database that grows with traffic (store/retention.h) and
// removes what the retention policy lets go, by Store::SweepExpired steps:
// each step reads a bounded number of records and removes at most
// sweep_batch of them in one short write transaction, so the milter's
// writes are never held up for long.
//
// The dispatcher runs it between two rounds of sends (Dispatcher::Run): a
// few steps at a time, so a large sweep never delays what is due by more
// than those steps. A failed step is logged and counted; the sweep is given
// up until the next interval.
//
// Ownership: borrows the store, clock, logger and counters (they must
// outlive it). Thread-safety: one thread at a time.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/logger.h"
#include "core/result.h"
#include "metrics/counters.h"
#include "store/retention.h"
#include "store/store.h"

namespace ar {

struct RetentionSettings {
  RetentionPolicy policy;
  Seconds sweep_interval = Seconds(3600);  // between the starts of two sweeps; 0: never sweep
  size_t sweep_batch = 1000;               // the most records one write transaction removes
};

// What one sweep removed, per database (indexed by SweptKind).
struct SweepTotals {
  std::array<uint64_t, std::size(kSweptKinds)> removed{};
  uint64_t examined = 0;
  uint64_t steps = 0;
  uint64_t total_removed() const;
};

class StoreSweeper {
 public:
  StoreSweeper(Store& store, const Clock& clock, Logger& logger, RetentionSettings settings,
               Counters* counters = nullptr);

  // Works on the sweep for at most max_steps steps: begins one when
  // sweep_interval has passed since the last one began (the first at
  // once), or goes on with the one under way. True while a sweep is
  // unfinished: call again soon.
  bool Continue(size_t max_steps);

  // A whole sweep now, step after step, whatever the interval says (the
  // benchmark, tests). Fails with the first failed step.
  Result<SweepTotals> SweepAll();

  // The last sweep that ended (all zero before the first).
  const SweepTotals& last_sweep() const { return last_; }

 private:
  // One step of the sweep under way; false when the sweep failed.
  bool Step();
  void Finish();

  Store& store_;
  const Clock& clock_;
  Logger& logger_;
  RetentionSettings settings_;
  Counters* counters_;

  bool under_way_ = false;
  std::optional<TimePoint> began_;  // when the last sweep began
  size_t kind_ = 0;                 // index into kSweptKinds
  std::string resume_after_;
  SweepTotals current_;
  SweepTotals last_;
  Status failure_;  // the failure that ended the sweep under way, if any
};

}  // namespace ar
