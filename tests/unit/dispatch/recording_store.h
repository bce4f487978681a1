// RecordingStore: a Store for dispatcher tests that forwards to a real
// LmdbStore and records the calls of the dispatcher's policies (Defer,
// ReleaseClaims). Defer is carried out by the real store (a store without
// it: as a MarkRetry to the same time). RecentSends answers from the real
// store, or, when it knows of no send, from the sends this wrapper saw
// (MarkSent) plus those a test adds with AddSend (sends "of an earlier
// run" the real store never recorded).
// One thread at a time for the recordings; the forwarding is as safe as the
// real store.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/strings.h"
#include "store/store.h"

namespace ar {

struct DeferCall {
  uint64_t id;
  TimePoint until;
  std::string reason;
};

class RecordingStore final : public Store {
 public:
  explicit RecordingStore(Store& real) : real_(real) {}

  Status PutRule(const OutOfOfficeRule& rule) override { return real_.PutRule(rule); }
  Result<std::optional<OutOfOfficeRule>> GetRule(const std::string& address) override {
    return real_.GetRule(address);
  }
  Result<std::vector<OutOfOfficeRule>> ListRules() override { return real_.ListRules(); }
  Status DeleteRule(const std::string& address) override { return real_.DeleteRule(address); }
  Result<std::vector<OutOfOfficeRule>> FindRulesForRecipients(
      const std::vector<std::string>& recipients) override {
    return real_.FindRulesForRecipients(recipients);
  }
  Result<std::optional<ResponseRecord>> GetResponse(const std::string& user,
                                                    const std::string& dedupe_sender) override {
    return real_.GetResponse(user, dedupe_sender);
  }
  Result<std::vector<EnqueueOutcome>> Enqueue(const std::vector<NewReply>& replies,
                                              TimePoint now) override {
    return real_.Enqueue(replies, now);
  }
  Result<std::vector<QueueItem>> ClaimDue(TimePoint now, size_t limit, Seconds lease) override {
    return real_.ClaimDue(now, limit, lease);
  }
  Status MarkSent(uint64_t id, TimePoint now) override {
    std::string person;
    if (auto queue = real_.ListQueue(100000); queue.ok())
      for (const QueueItem& item : *queue)
        if (item.id == id) person = ToLowerAscii(item.envelope_recipient);
    Status sent = real_.MarkSent(id, now);
    if (sent.ok()) {
      std::lock_guard<std::mutex> lock(mu_);
      sends_[person].push_back(now);
    }
    return sent;
  }
  Status MarkRetry(uint64_t id, TimePoint retry_at, const std::string& error) override {
    return real_.MarkRetry(id, retry_at, error);
  }
  Status MarkFailed(uint64_t id, TimePoint now, const std::string& error) override {
    return real_.MarkFailed(id, now, error);
  }
  Status Defer(uint64_t id, TimePoint until, const std::string& reason) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      defers_.push_back(DeferCall{id, until, reason});
    }
    Status deferred = real_.Defer(id, until, reason);
    if (deferred.code() == Status::Code::kIoError && deferred.message() == "Defer not available")
      return real_.MarkRetry(id, until, reason);
    return deferred;
  }
  Result<std::optional<TimePoint>> NextDue() override { return real_.NextDue(); }
  Result<size_t> ReleaseClaims() override {
    ++release_calls;
    return real_.ReleaseClaims();
  }
  Result<std::vector<TimePoint>> RecentSends(const std::string& person, TimePoint since) override {
    Result<std::vector<TimePoint>> real = real_.RecentSends(person, since);
    if (!real.ok() || !real->empty()) return real;
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<TimePoint> recent;
    for (TimePoint at : sends_[ToLowerAscii(person)])
      if (at >= since) recent.push_back(at);
    return recent;
  }
  Result<std::vector<QueueItem>> ListQueue(size_t limit) override { return real_.ListQueue(limit); }
  Result<std::vector<QueueItem>> ListFailed(size_t limit) override {
    return real_.ListFailed(limit);
  }
  Result<StoreStats> Stats() override { return real_.Stats(); }
  Result<SweepStep> SweepExpired(SweptKind kind, const std::string& resume_after, TimePoint now,
                                 const RetentionPolicy& policy,
                                 const SweepLimits& limits) override {
    return real_.SweepExpired(kind, resume_after, now, policy, limits);
  }
  SequenceStore& sequences() override { return real_.sequences(); }

  // A send the real store does not know of (as if an earlier run made it).
  void AddSend(const std::string& person, TimePoint at) {
    std::lock_guard<std::mutex> lock(mu_);
    sends_[ToLowerAscii(person)].push_back(at);
  }
  std::atomic<int> release_calls{0};

  std::vector<DeferCall> defers() const {
    std::lock_guard<std::mutex> lock(mu_);
    return defers_;
  }

 private:
  Store& real_;
  mutable std::mutex mu_;
  std::map<std::string, std::vector<TimePoint>> sends_;  // oldest first
  std::vector<DeferCall> defers_;
};

}  // namespace ar
