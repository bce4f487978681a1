// FailingWritesStore: a real Store whose recording writes fail on demand, as
// a full map or an unwritable disk makes them fail. Enqueue() (out-of-office
// replies) and ApplySequenceDecision() (sequence actions) return `error`
// while failing() is true and change nothing; every other call goes to the
// wrapped store, so reads see real data and the test can look at the store
// afterwards.
//
// Not owned: the wrapped store must outlive this one. Thread-safety: that
// of the wrapped store; set_failing() between messages only.
#pragma once

#include <string>
#include <vector>

#include "store/store.h"

namespace ar {

class FailingWritesStore final : public Store, public SequenceStore {
 public:
  FailingWritesStore(Store& inner, Status error) : inner_(inner), error_(std::move(error)) {}

  void set_failing(bool failing) { failing_ = failing; }
  // How many recording writes were attempted (failed or not).
  int recording_writes() const { return recording_writes_; }

  Result<std::vector<EnqueueOutcome>> Enqueue(const std::vector<NewReply>& replies,
                                              TimePoint now) override {
    ++recording_writes_;
    if (failing_) return error_;
    return inner_.Enqueue(replies, now);
  }
  Status ApplySequenceDecision(const SequenceDecision& decision, const std::string& token_key,
                               uint32_t soft_bounce_limit, TimePoint now) override {
    ++recording_writes_;
    if (failing_) return error_;
    return seq().ApplySequenceDecision(decision, token_key, soft_bounce_limit, now);
  }

  // --- everything else: the wrapped store ---
  Status PutRule(const OutOfOfficeRule& rule) override { return inner_.PutRule(rule); }
  Result<std::optional<OutOfOfficeRule>> GetRule(const std::string& address) override {
    return inner_.GetRule(address);
  }
  Result<std::vector<OutOfOfficeRule>> ListRules() override { return inner_.ListRules(); }
  Status DeleteRule(const std::string& address) override { return inner_.DeleteRule(address); }
  Result<std::vector<OutOfOfficeRule>> FindRulesForRecipients(
      const std::vector<std::string>& recipients) override {
    return inner_.FindRulesForRecipients(recipients);
  }
  Result<std::optional<ResponseRecord>> GetResponse(const std::string& user,
                                                    const std::string& dedupe_sender) override {
    return inner_.GetResponse(user, dedupe_sender);
  }
  Result<std::vector<QueueItem>> ClaimDue(TimePoint now, size_t limit, Seconds lease) override {
    return inner_.ClaimDue(now, limit, lease);
  }
  Status MarkSent(uint64_t id, TimePoint now) override { return inner_.MarkSent(id, now); }
  Status MarkRetry(uint64_t id, TimePoint retry_at, const std::string& error) override {
    return inner_.MarkRetry(id, retry_at, error);
  }
  Status MarkFailed(uint64_t id, TimePoint now, const std::string& error) override {
    return inner_.MarkFailed(id, now, error);
  }
  Result<std::optional<TimePoint>> NextDue() override { return inner_.NextDue(); }
  Result<std::vector<QueueItem>> ListQueue(size_t limit) override {
    return inner_.ListQueue(limit);
  }
  Result<std::vector<QueueItem>> ListFailed(size_t limit) override {
    return inner_.ListFailed(limit);
  }
  SequenceStore& sequences() override { return *this; }

  Status PutSequenceVersion(const std::string& name, const std::string& version,
                            const SequenceSource& source) override {
    return seq().PutSequenceVersion(name, version, source);
  }
  Result<std::optional<SequenceSource>> GetSequenceVersion(const std::string& name,
                                                           const std::string& version) override {
    return seq().GetSequenceVersion(name, version);
  }
  Result<std::optional<Enrolment>> GetEnrolment(const std::string& person,
                                                const std::string& sequence) override {
    return seq().GetEnrolment(person, sequence);
  }
  Result<std::vector<Enrolment>> ListEnrolments(const std::string& person) override {
    return seq().ListEnrolments(person);
  }
  Result<std::vector<Enrolment>> ListMembers(const std::string& sequence, size_t limit) override {
    return seq().ListMembers(sequence, limit);
  }
  Result<std::optional<SentMessageRef>> FindSentMessage(const std::string& message_id) override {
    return seq().FindSentMessage(message_id);
  }
  Result<bool> TriggerSeen(const std::string& message_id, const std::string& sequence) override {
    return seq().TriggerSeen(message_id, sequence);
  }
  Result<std::optional<std::string>> PersonForToken(const std::string& token) override {
    return seq().PersonForToken(token);
  }
  Result<std::optional<Suppression>> GetSuppression(const std::string& person) override {
    return seq().GetSuppression(person);
  }
  Result<std::vector<Suppression>> ListSuppressions(size_t limit) override {
    return seq().ListSuppressions(limit);
  }
  Status Suppress(const std::string& person, const std::string& reason, TimePoint now) override {
    return seq().Suppress(person, reason, now);
  }
  Status Unsuppress(const std::string& person) override { return seq().Unsuppress(person); }
  Status ReplaceEnrolment(const Enrolment& enrolment) override {
    return seq().ReplaceEnrolment(enrolment);
  }
  Status RecordStepSent(uint64_t queue_id, const std::string& message_id, TimePoint sent_at,
                        std::optional<TimePoint> next_due) override {
    return seq().RecordStepSent(queue_id, message_id, sent_at, next_due);
  }
  Status DropStep(uint64_t queue_id) override { return seq().DropStep(queue_id); }
  Result<std::vector<QueueItem>> ListDueBetween(TimePoint from, TimePoint to,
                                                size_t limit) override {
    return seq().ListDueBetween(from, to, limit);
  }

 private:
  SequenceStore& seq() { return inner_.sequences(); }

  Store& inner_;
  Status error_;
  bool failing_ = true;
  int recording_writes_ = 0;
};

}  // namespace ar
