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
// Before sending, two policies:
//   - catch-up (catch_up_limit > 0): an item whose queue due time is older
//     than now - catch_up_limit (the dispatcher, or the whole machine, was
//     down) is not sent late: a reply goes to the failed list, a sequence
//     step is skipped and the person goes on to the next step;
//   - frequency cap (person_send_limit > 0): a person who was sent
//     person_send_limit follow-ups within person_send_window waits (Defer)
//     until the oldest of them leaves the window. Never dropped.
//
// Concurrency: `concurrency` senders, each with its own Transport (an SMTP
// session stays open per sender) and run by its own thread during a round.
// All items for one person in a batch go to the same sender, in due order,
// so the frequency cap holds. A sender that finds nothing left to take
// claims the next batch while the others are still sending (a round does
// not wait for a batch's slowest send); a person's group of a later batch
// waits while an earlier group of the same person is being sent, so one
// person's items are never sent by two senders at once. The Transport&
// constructors mean one sender, on the calling thread.
//
// Between two rounds, Run() also works on the store's retention sweep
// (store_sweeper.h), a few bounded steps at a time; RunOnce() never sweeps.
//
// With Counters, each outcome is counted (sent, deferred, failed) and every
// store failure as an internal error.
//
// Ownership: borrows the store, clock, logger and counters (they must
// outlive it); owns the transports a factory made. RunOnce() and Run() are
// called from one thread at a time.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "core/clock.h"
#include "core/logger.h"
#include "core/result.h"
#include "dispatch/queue_waiter.h"
#include "dispatch/sequence_step_sender.h"
#include "dispatch/store_sweeper.h"
#include "metrics/counters.h"
#include "store/store.h"
#include "transport/transport.h"

namespace ar {

struct DispatchSettings {
  size_t batch_size = 1000;
  Seconds lease = Seconds(300);  // how long a claimed item stays invisible
  Seconds retry_base = Seconds(60);
  Seconds retry_max = Seconds(3600);
  Seconds max_age = Seconds(5 * 86400);
  Seconds poll_interval = Seconds(5);       // longest sleep between looks at the queue
  size_t concurrency = 4;                   // sends in flight at once
  Seconds catch_up_limit = Seconds(86400);  // skip what is overdue by more; 0 sends all late
  uint32_t person_send_limit = 3;           // per person within person_send_window; 0 = none
  Seconds person_send_window = Seconds(86400);
  // Sub-address delimiters: one person's items go to one sender after
  // folding, as the store counts them (StoreOptions::recipient_delimiter).
  std::string recipient_delimiter = "+";
  // The store's retention sweep, run by Run() between rounds
  // (store_sweeper.h); person_sends are kept for person_send_window.
  RetentionSettings retention;
};

struct DispatchStats {
  size_t sent = 0;
  size_t retried = 0;
  size_t failed = 0;
  size_t dropped = 0;  // sequence steps not sent: stale, ended, suppressed or exited
  size_t skipped = 0;  // overdue by more than catch_up_limit: failed (replies) or skipped (steps)
  size_t capped = 0;   // deferred by the per-person frequency cap

  DispatchStats& operator+=(const DispatchStats& other);
};

// Makes one Transport per sender; called up to `concurrency` times.
using TransportFactory = std::function<Result<std::unique_ptr<Transport>>()>;

class Dispatcher {
 public:
  // counters may be nullptr (nothing counted); it must outlive the dispatcher.
  // One sender (concurrency 1) on this transport.
  Dispatcher(Store& store, Transport& transport, const Clock& clock, Logger& logger,
             DispatchSettings settings, Counters* counters = nullptr);
  // With sequences: steps are composed with these settings (the secret key,
  // the VERP and unsubscribe local parts, the hostname of Message-IDs).
  Dispatcher(Store& store, Transport& transport, const Clock& clock, Logger& logger,
             DispatchSettings settings, SequenceSendSettings sequences,
             Counters* counters = nullptr);
  // settings.concurrency senders, each with a transport from make_transport,
  // made when first needed. A sender whose transport cannot be made is
  // left out (logged); RunOnce() fails only when there is none at all.
  Dispatcher(Store& store, TransportFactory make_transport, const Clock& clock, Logger& logger,
             DispatchSettings settings, SequenceSendSettings sequences,
             Counters* counters = nullptr);
  ~Dispatcher();
  Dispatcher(Dispatcher&&) noexcept;
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;
  Dispatcher& operator=(Dispatcher&&) = delete;

  // Sends everything due at clock.Now(), batch after batch, then returns
  // once every send has been recorded. Stats count every item handled.
  Result<DispatchStats> RunOnce();

  // RunOnce() in a loop until stop is set. Between two rounds it waits on
  // waiter: until the next due time (Store::NextDue), a change of the store
  // or poll_interval (the safety net, e.g. for a FileClock that jumps
  // without a store write), whichever comes first. Within Run(), a RunOnce()
  // also looks at stop before each send: the sends in progress are finished
  // and recorded; items claimed but not yet sent come back when their lease
  // ends (or at once, when the next start releases claims).
  //
  // A failed round (the store cannot be read or written: a full disk, a
  // full map, an I/O error) is followed by a pause (QueueWaiter::Pause,
  // which store changes do not end) of poll_interval, doubled after each
  // further failed round up to kStoreBackoffMax, and one log line per
  // round saying when the next try is. A round that succeeds ends it.
  void Run(const std::atomic<bool>& stop, QueueWaiter& waiter);
  // The longest pause after failed rounds: long enough that a broken store
  // costs nothing, short enough that the queue moves soon after a repair.
  static constexpr Seconds kStoreBackoffMax{300};
  // The same with a TimedWaiter (no store watch).
  void Run(const std::atomic<bool>& stop);

 private:
  struct Sender;
  struct Round;

  Dispatcher(Store& store, Transport* transport, TransportFactory make_transport,
             const Clock& clock, Logger& logger, DispatchSettings settings,
             SequenceSendSettings sequences, Counters* counters);

  // Makes senders up to min(wanted, concurrency); how many there are.
  size_t EnsureSenders(size_t wanted);
  // Claims the next batch into round.groups (the caller is round's only
  // claimer at that moment); sets round.exhausted once all that is due was
  // claimed.
  Status Claim(Round& round);
  // One sender takes group after group (claiming when none is left) until
  // the round is over.
  void Work(Sender& sender, Round& round, DispatchStats& stats);
  Status Handle(Sender& sender, const QueueItem& item, std::optional<TimePoint> queued_due,
                DispatchStats& stats);
  Status HandleReply(Sender& sender, const QueueItem& item, DispatchStats& stats);
  Status HandleStep(Sender& sender, const QueueItem& item, const std::string& skip_reason,
                    DispatchStats& stats);
  // The frequency cap: the time person may next be sent to, or nullopt now.
  Result<std::optional<TimePoint>> CappedUntil(const std::string& person, TimePoint now,
                                               size_t* recent);
  Seconds Backoff(uint32_t attempts) const;
  // The pause after the failed_rounds-th failed round in a row (1 = first).
  Seconds StoreBackoff(uint32_t failed_rounds) const;
  void Count(ReplyOutcome outcome) {
    if (counters_ != nullptr) counters_->CountReply(outcome);
  }
  void CountInternalError() {
    if (counters_ != nullptr) counters_->CountInternalError();
  }

  Store& store_;
  Transport* borrowed_transport_;    // the Transport& constructors; else null
  TransportFactory make_transport_;  // the factory constructor; else empty
  const Clock& clock_;
  Logger& logger_;
  DispatchSettings settings_;
  SequenceSendSettings sequences_;
  Counters* counters_;
  std::vector<std::unique_ptr<Sender>> senders_;
  StoreSweeper sweeper_;
  const std::atomic<bool>* stop_ = nullptr;  // set while Run() runs
};

}  // namespace ar
