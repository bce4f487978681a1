#include "metrics/sequence_counters.h"

namespace ar {

const char* SequenceExitReasonName(SequenceExitReason reason) {
  switch (reason) {
    case SequenceExitReason::kPurchase:
      return "purchase";
    case SequenceExitReason::kReply:
      return "reply";
    case SequenceExitReason::kUnsubscribe:
      return "unsubscribe";
    case SequenceExitReason::kBounce:
      return "bounce";
    case SequenceExitReason::kNoEngagement:
      return "no-engagement";
    case SequenceExitReason::kExpiry:
      return "expiry";
  }
  return "unknown";
}

void SequenceCounters::Declare(const std::string& sequence) {
  std::lock_guard<std::mutex> lock(mu_);
  counts_[sequence];
}

void SequenceCounters::CountEnrolment(const std::string& sequence) {
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_[sequence].enrolments;
}

void SequenceCounters::CountStepSent(const std::string& sequence) {
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_[sequence].steps_sent;
}

void SequenceCounters::CountExit(const std::string& sequence, SequenceExitReason reason) {
  const auto index = static_cast<size_t>(reason);
  if (index >= kSequenceExitReasonCount) return;
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_[sequence].exits[index];
}

void SequenceCounters::CountUnconfirmed(const std::string& sequence) {
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_[sequence].unconfirmed;
}

void SequenceCounters::CountConfirmed(const std::string& sequence) {
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_[sequence].confirmed;
}

std::map<std::string, SequenceCounts> SequenceCounters::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counts_;
}

}  // namespace ar
