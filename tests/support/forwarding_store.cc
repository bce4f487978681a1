#include "tests/support/forwarding_store.h"

#include "core/strings.h"

namespace ar::testing {

void ForwardingStore::FailEveryCall(Status error) {
  std::lock_guard<std::mutex> lock(mu_);
  failure_ = std::move(error);
}

std::optional<Status> ForwardingStore::failure() const {
  std::lock_guard<std::mutex> lock(mu_);
  return failure_;
}

void ForwardingStore::AddSend(const std::string& person, TimePoint at) {
  std::lock_guard<std::mutex> lock(mu_);
  sends_[ToLowerAscii(person)].push_back(at);
}

std::vector<DeferCall> ForwardingStore::defers() const {
  std::lock_guard<std::mutex> lock(mu_);
  return defers_;
}

std::string ForwardingStore::asked_dedupe_sender() const {
  std::lock_guard<std::mutex> lock(mu_);
  return asked_dedupe_sender_;
}

Status ForwardingStore::PutRule(const OutOfOfficeRule& rule) {
  return Forward([&](Store& real) { return real.PutRule(rule); });
}

Result<std::optional<OutOfOfficeRule>> ForwardingStore::GetRule(const std::string& address) {
  return Forward([&](Store& real) { return real.GetRule(address); });
}

Result<std::vector<OutOfOfficeRule>> ForwardingStore::ListRules() {
  return Forward([&](Store& real) { return real.ListRules(); });
}

Status ForwardingStore::DeleteRule(const std::string& address) {
  return Forward([&](Store& real) { return real.DeleteRule(address); });
}

Result<std::vector<OutOfOfficeRule>> ForwardingStore::FindRulesForRecipients(
    const std::vector<std::string>& recipients) {
  ++rule_lookups;
  return Forward([&](Store& real) { return real.FindRulesForRecipients(recipients); });
}

Result<RulesWithResponses> ForwardingStore::FindRulesWithResponses(
    const std::vector<std::string>& recipients, const std::string& dedupe_sender) {
  ++combined_lookups;
  {
    std::lock_guard<std::mutex> lock(mu_);
    asked_dedupe_sender_ = dedupe_sender;
  }
  return Forward(
      [&](Store& real) { return real.FindRulesWithResponses(recipients, dedupe_sender); });
}

Result<std::optional<ResponseRecord>> ForwardingStore::GetResponse(
    const std::string& user, const std::string& dedupe_sender) {
  ++response_reads;
  return Forward([&](Store& real) { return real.GetResponse(user, dedupe_sender); });
}

Result<std::vector<EnqueueOutcome>> ForwardingStore::Enqueue(const std::vector<NewReply>& replies,
                                                             TimePoint now) {
  return Forward([&](Store& real) { return real.Enqueue(replies, now); });
}

Result<std::vector<QueueItem>> ForwardingStore::ClaimDue(TimePoint now, size_t limit,
                                                         Seconds lease) {
  return Forward([&](Store& real) { return real.ClaimDue(now, limit, lease); });
}

Status ForwardingStore::MarkSent(uint64_t id, TimePoint now) {
  if (std::optional<Status> failed = failure()) return *failed;
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

Status ForwardingStore::MarkRetry(uint64_t id, TimePoint retry_at, const std::string& error) {
  return Forward([&](Store& real) { return real.MarkRetry(id, retry_at, error); });
}

Status ForwardingStore::MarkFailed(uint64_t id, TimePoint now, const std::string& error) {
  return Forward([&](Store& real) { return real.MarkFailed(id, now, error); });
}

Status ForwardingStore::Defer(uint64_t id, TimePoint until, const std::string& reason) {
  if (std::optional<Status> failed = failure()) return *failed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    defers_.push_back(DeferCall{id, until, reason});
  }
  Status deferred = real_.Defer(id, until, reason);
  if (deferred.code() == Status::Code::kIoError && deferred.message() == "Defer not available")
    return real_.MarkRetry(id, until, reason);
  return deferred;
}

Result<std::optional<TimePoint>> ForwardingStore::NextDue() {
  return Forward([&](Store& real) { return real.NextDue(); });
}

Result<size_t> ForwardingStore::ReleaseClaims() {
  ++release_calls;
  return Forward([&](Store& real) { return real.ReleaseClaims(); });
}

Result<std::vector<TimePoint>> ForwardingStore::RecentSends(const std::string& person,
                                                            TimePoint since) {
  if (std::optional<Status> failed = failure()) return *failed;
  Result<std::vector<TimePoint>> real = real_.RecentSends(person, since);
  if (!real.ok() || !real->empty()) return real;
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<TimePoint> recent;
  for (TimePoint at : sends_[ToLowerAscii(person)])
    if (at >= since) recent.push_back(at);
  return recent;
}

Result<SweepStep> ForwardingStore::SweepExpired(SweptKind kind, const std::string& resume_after,
                                                TimePoint now, const RetentionPolicy& policy,
                                                const SweepLimits& limits) {
  return Forward(
      [&](Store& real) { return real.SweepExpired(kind, resume_after, now, policy, limits); });
}

Result<std::vector<QueueItem>> ForwardingStore::ListQueue(size_t limit) {
  return Forward([&](Store& real) { return real.ListQueue(limit); });
}

Result<std::vector<QueueItem>> ForwardingStore::ListFailed(size_t limit) {
  return Forward([&](Store& real) { return real.ListFailed(limit); });
}

Result<StoreStats> ForwardingStore::Stats() {
  return Forward([&](Store& real) { return real.Stats(); });
}

SequenceStore& ForwardingStore::sequences() {
  if (failure()) return Store::sequences();
  return real_.sequences();
}

}  // namespace ar::testing
