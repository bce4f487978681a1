// SequenceStepSender: sends one due sequence step (a kSequenceStep queue
// item) for the Dispatcher, composing it only now so that the enrolment and
// the suppression list are checked just before the mail goes out:
//   - enrolment gone, not active, or at another step: the item is dropped;
//   - person suppressed: the item is dropped;
//   - an `on = no-engagement N` exit and N steps already sent without
//     engagement: the person leaves (or moves) instead of getting the step;
//   - otherwise the step is rendered from the definition version the person
//     entered, sent from the VERP address bounces+TOKEN@<From domain>, and
//     on acceptance recorded with the next step's due time;
//   - unless the Dispatcher found it overdue after downtime (catch-up): then
//     the step is skipped, and the next one is due as if this one had been
//     sent now.
// A temporary transport failure is retried at the time the Dispatcher
// chooses; a permanent one, a definition that no longer parses, or a step
// that does not compose is recorded as failed, and the log line says why.
// One log line per outcome.
//
// Ownership: borrows the store, transport and logger, which must outlive it.
// Used by one thread at a time (like the Transport).
#pragma once

#include <cstdint>
#include <string>

#include "compose/reply_composer.h"
#include "core/clock.h"
#include "core/logger.h"
#include "core/result.h"
#include "dispatch/step_variables.h"
#include "store/store.h"
#include "transport/transport.h"

namespace ar {

struct SequenceSendSettings {
  // sequence_dir: read again when a no-engagement exit moves someone, to
  // find the target sequence's current version. "" = no moves (leave only).
  std::string directory;
  StepAddressSettings addresses;
  uint32_t soft_bounce_limit = 3;
  ComposeSettings compose;
};

enum class StepOutcome {
  kSent,      // the MTA accepted it; the next step is queued
  kDeferred,  // will be tried again
  kFailed,    // given up; on the failed list
  kDropped,   // not sent: stale item, enrolment ended, person suppressed
  kExited,    // not sent: the no-engagement exit ended (or moved) the enrolment
  kSkipped,   // not sent: overdue after downtime; the next step is queued
  kConfirmationSent,  // a double opt-in confirmation mail; the expiry is queued
  kExpired,           // not sent: the confirmation never came; the enrolment ended
};

// What the Dispatcher decided about retrying this item.
struct StepRetry {
  TimePoint retry_at;  // when a temporary failure is tried again
  Seconds max_age;     // past its due time by more than this: failed instead
  // Non-empty: overdue by more than catch_up_limit; skip instead of sending
  // (SequenceStore::SkipStep) with this reason, if the step is still current.
  std::string skip_reason;
};

class SequenceStepSender {
 public:
  SequenceStepSender(Store& store, Transport& transport, Logger& logger,
                     SequenceSendSettings settings);

  // Handles one claimed step item at now and records the outcome. An error
  // only when the store could not read or record (the item stays claimed
  // and comes back after its lease).
  Result<StepOutcome> Handle(const QueueItem& item, TimePoint now, const StepRetry& retry);

 private:
  struct Prepared;
  Result<StepOutcome> Drop(const QueueItem& item, const std::string& why);
  Result<StepOutcome> Fail(const QueueItem& item, TimePoint now, const std::string& why);
  Result<StepOutcome> Defer(const QueueItem& item, const StepRetry& retry, const std::string& why);
  Result<StepOutcome> Skip(const QueueItem& item, const Prepared& prepared, TimePoint now,
                           const std::string& why);
  Result<StepOutcome> HandleConfirmation(const QueueItem& item, const Prepared& prepared,
                                         TimePoint now, const StepRetry& retry);
  Result<StepOutcome> ExitWithoutEngagement(const QueueItem& item, const Prepared& prepared,
                                            size_t exit_index, TimePoint now);

  Store& store_;
  Transport& transport_;
  Logger& logger_;
  SequenceSendSettings settings_;
};

}  // namespace ar
