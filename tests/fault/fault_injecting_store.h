// FaultInjectingStore: a Store (and its SequenceStore) in front of a real
// one that asks a StoreFaults before every write method, with the contract
// of StoreOptions::faults: a non-ok status fails the call and the inner store
// is not called, so nothing is written. Used when the store in this build
// does not honour StoreOptions::faults itself; reads pass straight through.
//
// Ownership: borrows inner and faults, which must outlive it. Thread-safety:
// that of the inner store and the faults.
#pragma once

#include "store/store.h"

namespace ar {

class FaultInjectingStore final : public Store, public SequenceStore {
 public:
  FaultInjectingStore(Store& inner, StoreFaults& faults)
      : inner_(inner), seq_(inner.sequences()), faults_(faults) {}

  // --- Store ---
  Status PutRule(const OutOfOfficeRule& rule) override;
  Result<std::optional<OutOfOfficeRule>> GetRule(const std::string& address) override {
    return inner_.GetRule(address);
  }
  Result<std::vector<OutOfOfficeRule>> ListRules() override { return inner_.ListRules(); }
  Status DeleteRule(const std::string& address) override;
  Result<std::vector<OutOfOfficeRule>> FindRulesForRecipients(
      const std::vector<std::string>& recipients) override {
    return inner_.FindRulesForRecipients(recipients);
  }
  Result<std::optional<ResponseRecord>> GetResponse(const std::string& user,
                                                    const std::string& dedupe_sender) override {
    return inner_.GetResponse(user, dedupe_sender);
  }
  Result<std::vector<EnqueueOutcome>> Enqueue(const std::vector<NewReply>& replies,
                                              TimePoint now) override;
  Result<std::vector<QueueItem>> ClaimDue(TimePoint now, size_t limit, Seconds lease) override;
  Status MarkSent(uint64_t id, TimePoint now) override;
  Status MarkRetry(uint64_t id, TimePoint retry_at, const std::string& error) override;
  Status MarkFailed(uint64_t id, TimePoint now, const std::string& error) override;
  Status Defer(uint64_t id, TimePoint until, const std::string& reason) override;
  Result<std::optional<TimePoint>> NextDue() override { return inner_.NextDue(); }
  Result<size_t> ReleaseClaims() override;
  Result<std::vector<TimePoint>> RecentSends(const std::string& person, TimePoint since) override {
    return inner_.RecentSends(person, since);
  }
  Result<std::vector<QueueItem>> ListQueue(size_t limit) override { return inner_.ListQueue(limit); }
  Result<std::vector<QueueItem>> ListFailed(size_t limit) override {
    return inner_.ListFailed(limit);
  }
  Result<StoreStats> Stats() override { return inner_.Stats(); }
  SequenceStore& sequences() override { return *this; }

  // --- SequenceStore ---
  Status PutSequenceVersion(const std::string& name, const std::string& version,
                            const SequenceSource& source) override;
  Result<std::optional<SequenceSource>> GetSequenceVersion(const std::string& name,
                                                           const std::string& version) override {
    return seq_.GetSequenceVersion(name, version);
  }
  Result<std::optional<Enrolment>> GetEnrolment(const std::string& person,
                                                const std::string& sequence) override {
    return seq_.GetEnrolment(person, sequence);
  }
  Result<std::vector<Enrolment>> ListEnrolments(const std::string& person) override {
    return seq_.ListEnrolments(person);
  }
  Result<std::vector<Enrolment>> ListMembers(const std::string& sequence, size_t limit) override {
    return seq_.ListMembers(sequence, limit);
  }
  Result<std::optional<SentMessageRef>> FindSentMessage(const std::string& message_id) override {
    return seq_.FindSentMessage(message_id);
  }
  Result<bool> TriggerSeen(const std::string& message_id, const std::string& sequence) override {
    return seq_.TriggerSeen(message_id, sequence);
  }
  Result<std::optional<std::string>> PersonForToken(const std::string& token) override {
    return seq_.PersonForToken(token);
  }
  Result<std::optional<Suppression>> GetSuppression(const std::string& person) override {
    return seq_.GetSuppression(person);
  }
  Result<std::vector<Suppression>> ListSuppressions(size_t limit) override {
    return seq_.ListSuppressions(limit);
  }
  Status Suppress(const std::string& person, const std::string& reason, TimePoint now) override;
  Status Unsuppress(const std::string& person) override;
  Status ApplySequenceDecision(const SequenceDecision& decision, const std::string& token_key,
                               uint32_t soft_bounce_limit, TimePoint now) override;
  Status ReplaceEnrolment(const Enrolment& enrolment) override;
  Status RecordStepSent(uint64_t queue_id, const std::string& message_id, TimePoint sent_at,
                        std::optional<TimePoint> next_due) override;
  Status SkipStep(uint64_t queue_id, const std::string& reason, TimePoint now,
                  std::optional<TimePoint> next_due) override;
  Status DropStep(uint64_t queue_id) override;
  Result<std::vector<QueueItem>> ListDueBetween(TimePoint from, TimePoint to,
                                                size_t limit) override {
    return seq_.ListDueBetween(from, to, limit);
  }

 private:
  Store& inner_;
  SequenceStore& seq_;
  StoreFaults& faults_;
};

}  // namespace ar
