// SequenceCounters: what happened in each sequence, counted per sequence
// name: enrolments, steps sent, exits by reason, and the double opt-in
// enrolments that await, got or missed their confirmation.
//
// The milter counts what it decides at end of message (enrolments, the
// exits a message causes, confirmations); the dispatcher counts what it
// does when a step comes due (steps sent, no-engagement exits, expired
// confirmations). Each program exports only its own series
// (metric_samples.h), so both textfiles can sit in one collector directory.
//
// Sequence names come from the configuration and the store, so the number of
// series is bounded by the sequences an administrator wrote.
//
// Ownership: one per process, inside Counters. Thread-safety: every method
// may be called from any number of threads at once; a mutex guards the map
// (a sequence decision is rare next to the per-message hot path).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace ar {

enum class SequenceExitReason {
  kPurchase,      // an `on = trigger` exit (another message, e.g. the order)
  kReply,         // an `on = reply` exit
  kUnsubscribe,   // the person unsubscribed (every active enrolment ends)
  kBounce,        // a hard bounce, or soft bounces up to the limit
  kNoEngagement,  // an `on = no-engagement N` exit (dispatcher)
  kExpiry,        // a double opt-in enrolment never confirmed (dispatcher)
};
inline constexpr size_t kSequenceExitReasonCount = 6;
// "purchase", "reply", "unsubscribe", "bounce", "no-engagement", "expiry":
// metric labels, never renamed.
const char* SequenceExitReasonName(SequenceExitReason reason);

struct SequenceCounts {
  uint64_t enrolments = 0;
  uint64_t steps_sent = 0;
  uint64_t unconfirmed = 0;  // enrolments that began awaiting confirmation
  uint64_t confirmed = 0;
  std::array<uint64_t, kSequenceExitReasonCount> exits{};
};

class SequenceCounters {
 public:
  // Makes the sequence's series exist (at zero) before anything happens in
  // it, so rate() and alerts see them from the start.
  void Declare(const std::string& sequence);
  void CountEnrolment(const std::string& sequence);
  void CountStepSent(const std::string& sequence);
  void CountExit(const std::string& sequence, SequenceExitReason reason);
  void CountUnconfirmed(const std::string& sequence);
  void CountConfirmed(const std::string& sequence);

  // By sequence name, in name order.
  std::map<std::string, SequenceCounts> Snapshot() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, SequenceCounts> counts_;  // guarded by mu_
};

}  // namespace ar
