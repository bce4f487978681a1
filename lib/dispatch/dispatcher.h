// Dispatcher: sends the queued replies that are due through a Transport and
// records the outcome in the Store. The program in dispatcher/ runs it; tests
// drive RunOnce() with a ManualClock.
//
// A reply is marked sent only after the MTA accepted it. A temporary failure
// is retried with exponential backoff (retry_base, doubling, at most
// retry_max) until the item is older than max_age; then, like a permanent
// failure, it is recorded as failed.
//
// Sequence steps (QueueItemKind::kSequenceStep) go through a
// SequenceStepSender (sequence_step_sender.h), which composes them at send
// time; the same backoff applies, counted from the step's due time.
//
// With Counters, each outcome is counted (sent, deferred, failed) and every
// store failure as an internal error.
#pragma once

#include <atomic>
#include <cstddef>

#include "core/clock.h"
#include "core/logger.h"
#include "core/result.h"
#include "dispatch/sequence_step_sender.h"
#include "metrics/counters.h"
#include "store/store.h"
#include "transport/transport.h"

namespace ar {

struct DispatchSettings {
  size_t batch_size = 100;
  Seconds lease = Seconds(300);  // how long a claimed item stays invisible
  Seconds retry_base = Seconds(60);
  Seconds retry_max = Seconds(3600);
  Seconds max_age = Seconds(5 * 86400);
  Seconds poll_interval = Seconds(5);  // longest sleep between looks at the queue
  size_t concurrency = 4;                 // sends in flight at once
  Seconds catch_up_limit = Seconds(86400);  // skip what is overdue by more; 0 sends all late
  uint32_t person_send_limit = 3;            // per person within person_send_window; 0 = none
  Seconds person_send_window = Seconds(86400);
};

struct DispatchStats {
  size_t sent = 0;
  size_t retried = 0;
  size_t failed = 0;
  size_t dropped = 0;  // sequence steps not sent: stale, ended, suppressed or exited
};

class Dispatcher {
 public:
  // counters may be nullptr (nothing counted); it must outlive the dispatcher.
  Dispatcher(Store& store, Transport& transport, const Clock& clock, Logger& logger,
             DispatchSettings settings, Counters* counters = nullptr);
  // With sequences: steps are composed with these settings (the secret key,
  // the VERP and unsubscribe local parts, the hostname of Message-IDs).
  Dispatcher(Store& store, Transport& transport, const Clock& clock, Logger& logger,
             DispatchSettings settings, SequenceSendSettings sequences,
             Counters* counters = nullptr);

  // Sends everything due at clock.Now(), batch after batch, then returns.
  Result<DispatchStats> RunOnce();

  // RunOnce() in a loop until stop is set, sleeping (in real time) until the
  // next due item or poll_interval, whichever comes first. Within Run(), a
  // RunOnce() also looks at stop before each send: the send in progress is
  // finished and recorded; items claimed but not yet sent come back when
  // their lease ends.
  void Run(const std::atomic<bool>& stop);

 private:
  Seconds Backoff(uint32_t attempts) const;
  Status HandleStep(const QueueItem& item, DispatchStats& stats);
  void Count(ReplyOutcome outcome) {
    if (counters_ != nullptr) counters_->CountReply(outcome);
  }
  void CountInternalError() {
    if (counters_ != nullptr) counters_->CountInternalError();
  }

  Store& store_;
  Transport& transport_;
  const Clock& clock_;
  Logger& logger_;
  DispatchSettings settings_;
  Counters* counters_;
  SequenceStepSender step_sender_;
  const std::atomic<bool>* stop_ = nullptr;  // set while Run() runs
};

}  // namespace ar
