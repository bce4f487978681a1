#include "metrics/counters.h"

namespace ar {

namespace {

// Nothing orders other memory by a counter: relaxed adds are enough and
// cost no more than a plain locked add on x86.
void Add(std::atomic<uint64_t>& counter) { counter.fetch_add(1, std::memory_order_relaxed); }

}  // namespace

const char* ReplyOutcomeName(ReplyOutcome outcome) {
  switch (outcome) {
    case ReplyOutcome::kQueued:
      return "queued";
    case ReplyOutcome::kSent:
      return "sent";
    case ReplyOutcome::kDeferred:
      return "deferred";
    case ReplyOutcome::kFailed:
      return "failed";
  }
  return "unknown";
}

void Counters::CountSkip(SkipReason reason) {
  const auto index = static_cast<size_t>(reason);
  if (index < skipped_.size()) Add(skipped_[index]);
}

void Counters::CountQueued() {
  Add(decided_to_reply_);
  Add(replies_[static_cast<size_t>(ReplyOutcome::kQueued)]);
}

void Counters::CountReply(ReplyOutcome outcome) {
  const auto index = static_cast<size_t>(outcome);
  if (index < replies_.size()) Add(replies_[index]);
}

void Counters::CountInternalError() { Add(internal_errors_); }

void Counters::CountUnrecorded() { Add(unrecorded_); }

void Counters::CountStoreFull() { Add(store_full_); }
void Counters::CountSwept(SweptKind kind, uint64_t count) {
  const auto index = static_cast<size_t>(kind);
  if (index < swept_.size()) swept_[index].fetch_add(count, std::memory_order_relaxed);
}

void Counters::CountRateLimited(std::string_view sequence, std::string_view scope) {
  std::lock_guard<std::mutex> lock(rate_limited_mutex_);
  ++rate_limited_[{std::string(sequence), std::string(scope)}];
}

CounterSnapshot Counters::Snapshot() const {
  CounterSnapshot snapshot;
  for (size_t i = 0; i < skipped_.size(); ++i)
    snapshot.skipped[i] = skipped_[i].load(std::memory_order_relaxed);
  snapshot.decided_to_reply = decided_to_reply_.load(std::memory_order_relaxed);
  for (size_t i = 0; i < replies_.size(); ++i)
    snapshot.replies[i] = replies_[i].load(std::memory_order_relaxed);
  snapshot.internal_errors = internal_errors_.load(std::memory_order_relaxed);
  snapshot.unrecorded = unrecorded_.load(std::memory_order_relaxed);
  snapshot.store_full = store_full_.load(std::memory_order_relaxed);
  for (size_t i = 0; i < swept_.size(); ++i)
    snapshot.swept[i] = swept_[i].load(std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(rate_limited_mutex_);
    snapshot.rate_limited = rate_limited_;
  }
  snapshot.sequences = sequences_.Snapshot();
  return snapshot;
}

}  // namespace ar
