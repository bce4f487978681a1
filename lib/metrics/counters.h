// Counters: the in-process event counts of one program (decisions by
// reason, replies by outcome, internal errors). Incrementing is one relaxed
// atomic add, so the milter counts on its hot path without touching the
// store; a TextfileExporter (textfile_exporter.h) writes them out every few
// seconds. Values start at zero with each process, as Prometheus counters
// may: rate() treats a restart as a reset.
//
// Ownership: one Counters per process, made in main() and passed by pointer
// to whoever counts (nullptr: nothing is counted). Thread-safety: every
// method may be called from any number of threads at once.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "metrics/sequence_counters.h"
#include "policy/decision.h"
#include "store/retention.h"

namespace ar {

// SkipReason's values run from 0 to kTooManyRecipients without gaps.
inline constexpr size_t kSkipReasonCount = static_cast<size_t>(SkipReason::kTooManyRecipients) + 1;

enum class ReplyOutcome {
  kQueued,    // the milter recorded a reply
  kSent,      // the MTA accepted it
  kDeferred,  // a temporary failure; it will be retried
  kFailed,    // given up: a permanent failure, or too old to retry
};
inline constexpr size_t kReplyOutcomeCount = 4;
// "queued", "sent", "deferred", "failed": metric labels, never renamed.
const char* ReplyOutcomeName(ReplyOutcome outcome);

// The counts at one moment. Each number is read atomically; the set is not a
// single atomic snapshot, which a scrape every few seconds does not need.
struct CounterSnapshot {
  std::array<uint64_t, kSkipReasonCount> skipped{};    // decisions without a reply, by SkipReason
  uint64_t decided_to_reply = 0;                       // decisions with a reply queued
  std::array<uint64_t, kReplyOutcomeCount> replies{};  // by ReplyOutcome
  uint64_t internal_errors = 0;
  uint64_t unrecorded = 0;  // messages whose follow-ups the store could not record
  uint64_t store_full = 0;  // of those, refused because the store reached its reserve
  std::array<uint64_t, std::size(kSweptKinds)>
      swept{};  // records removed by retention, by SweptKind
  // Trigger enrolments refused by a rate limit, by (sequence, scope).
  std::map<std::pair<std::string, std::string>, uint64_t> rate_limited;
  std::map<std::string, SequenceCounts> sequences;  // by sequence name
};

class Counters {
 public:
  // One user's decision not to reply to one message.
  void CountSkip(SkipReason reason);
  // One user's decision to reply, recorded in the store: the decision
  // "queued" and the reply outcome kQueued at once.
  void CountQueued();
  // A dispatcher outcome (kSent, kDeferred, kFailed).
  void CountReply(ReplyOutcome outcome);
  // A failure inside the program: the store, composing, recording an outcome.
  void CountInternalError();
  // One message whose follow-ups (out-of-office replies, sequence actions)
  // the store could not record; the mail itself went on. Once per message,
  // however many parts failed.
  void CountUnrecorded();
  // Of the unrecorded messages, one refused because the store is full (its
  // data reached store_map_size less store_reserve): the alert to act on
  // before anything else fails.
  void CountStoreFull();
  // Records the dispatcher's retention sweep removed from one database.
  void CountSwept(SweptKind kind, uint64_t count);
  // One trigger enrolment into `sequence` refused because a window of
  // `scope` (sequence/enrol_windows.h: global, sequence, client, sender)
  // was full. Rare, and labelled by names known only at run time: a map
  // under a mutex, not an atomic.
  void CountRateLimited(std::string_view sequence, std::string_view scope);

  // Enrolments, steps, exits and confirmations, per sequence.
  SequenceCounters& sequences() { return sequences_; }

  CounterSnapshot Snapshot() const;

 private:
  std::array<std::atomic<uint64_t>, kSkipReasonCount> skipped_{};
  std::atomic<uint64_t> decided_to_reply_{0};
  std::array<std::atomic<uint64_t>, kReplyOutcomeCount> replies_{};
  std::atomic<uint64_t> internal_errors_{0};
  std::atomic<uint64_t> unrecorded_{0};
  std::atomic<uint64_t> store_full_{0};
  std::array<std::atomic<uint64_t>, std::size(kSweptKinds)> swept_{};
  mutable std::mutex rate_limited_mutex_;
  std::map<std::pair<std::string, std::string>, uint64_t> rate_limited_;  // guarded by the mutex
  SequenceCounters sequences_;
};

}  // namespace ar
