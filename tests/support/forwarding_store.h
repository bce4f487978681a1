// ForwardingStore: the one Store double of the tests. It forwards every call
// to a real store and records what a test asks about:
//   - the dispatcher's policies: Defer calls (carried out by the real store;
//     by one without Defer, as a MarkRetry to the same time), ReleaseClaims;
//   - the reads of the mail path: FindRulesWithResponses, and the separate
//     FindRulesForRecipients and GetResponse it stands for;
//   - sends: RecentSends answers from the real store or, when that knows of
//     no send, from the sends this wrapper saw (MarkSent) plus those a test
//     adds with AddSend (sends "of an earlier run" the real store never
//     recorded).
// After FailEveryCall(error), every call answers error without reaching the
// real store, and sequences() is a SequenceStore that fails every call: a
// full or unreadable disk.
//
// Forwarding is as thread-safe as the real store; the records take a lock.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/store.h"

namespace ar::testing {

struct DeferCall {
  uint64_t id;
  TimePoint until;
  std::string reason;
};

class ForwardingStore final : public Store {
 public:
  explicit ForwardingStore(Store& real) : real_(real) {}

  void FailEveryCall(Status error);
  // A send the real store does not know of (as if an earlier run made it).
  void AddSend(const std::string& person, TimePoint at);

  std::vector<DeferCall> defers() const;
  std::string asked_dedupe_sender() const;  // of the last FindRulesWithResponses
  std::atomic<int> release_calls{0};
  std::atomic<int> combined_lookups{0};  // FindRulesWithResponses
  std::atomic<int> rule_lookups{0};      // FindRulesForRecipients
  std::atomic<int> response_reads{0};    // GetResponse

  Status PutRule(const OutOfOfficeRule& rule) override;
  Result<std::optional<OutOfOfficeRule>> GetRule(const std::string& address) override;
  Result<std::vector<OutOfOfficeRule>> ListRules() override;
  Status DeleteRule(const std::string& address) override;
  Result<std::vector<OutOfOfficeRule>> FindRulesForRecipients(
      const std::vector<std::string>& recipients) override;
  Result<RulesWithResponses> FindRulesWithResponses(const std::vector<std::string>& recipients,
                                                    const std::string& dedupe_sender) override;
  Result<std::optional<ResponseRecord>> GetResponse(const std::string& user,
                                                    const std::string& dedupe_sender) override;
  Result<std::vector<EnqueueOutcome>> Enqueue(const std::vector<NewReply>& replies,
                                              TimePoint now) override;
  Result<std::vector<QueueItem>> ClaimDue(TimePoint now, size_t limit, Seconds lease) override;
  Status MarkSent(uint64_t id, TimePoint now) override;
  Status MarkRetry(uint64_t id, TimePoint retry_at, const std::string& error) override;
  Status MarkFailed(uint64_t id, TimePoint now, const std::string& error) override;
  Status Defer(uint64_t id, TimePoint until, const std::string& reason) override;
  Result<std::optional<TimePoint>> NextDue() override;
  Result<size_t> ReleaseClaims() override;
  Result<std::vector<TimePoint>> RecentSends(const std::string& person, TimePoint since) override;
  Result<SweepStep> SweepExpired(SweptKind kind, const std::string& resume_after, TimePoint now,
                                 const RetentionPolicy& policy, const SweepLimits& limits) override;
  Result<std::vector<QueueItem>> ListQueue(size_t limit) override;
  Result<std::vector<QueueItem>> ListFailed(size_t limit) override;
  Result<StoreStats> Stats() override;
  SequenceStore& sequences() override;

 private:
  std::optional<Status> failure() const;
  // The set failure, if any, else what call answers on the real store.
  template <typename Call>
  auto Forward(Call call) -> decltype(call(std::declval<Store&>())) {
    if (std::optional<Status> failed = failure()) return *failed;
    return call(real_);
  }

  Store& real_;
  mutable std::mutex mu_;
  std::optional<Status> failure_;
  std::map<std::string, std::vector<TimePoint>> sends_;  // oldest first
  std::vector<DeferCall> defers_;
  std::string asked_dedupe_sender_;
};

}  // namespace ar::testing
