#include "tests/fault/fault_injecting_store.h"

namespace ar {

// Each write asks the faults first; a failure returns before the inner
// store is touched, which is exactly "the operation changes nothing".
#define AR_FAULT_POINT(name)                              \
  do {                                                    \
    Status fault = faults_.BeforeWrite(name);             \
    if (!fault.ok()) return fault;                        \
  } while (false)

Status FaultInjectingStore::PutRule(const OutOfOfficeRule& rule) {
  AR_FAULT_POINT("PutRule");
  return inner_.PutRule(rule);
}

Status FaultInjectingStore::DeleteRule(const std::string& address) {
  AR_FAULT_POINT("DeleteRule");
  return inner_.DeleteRule(address);
}

Result<std::vector<EnqueueOutcome>> FaultInjectingStore::Enqueue(
    const std::vector<NewReply>& replies, TimePoint now) {
  AR_FAULT_POINT("Enqueue");
  return inner_.Enqueue(replies, now);
}

Result<std::vector<QueueItem>> FaultInjectingStore::ClaimDue(TimePoint now, size_t limit,
                                                             Seconds lease) {
  AR_FAULT_POINT("ClaimDue");
  return inner_.ClaimDue(now, limit, lease);
}

Status FaultInjectingStore::MarkSent(uint64_t id, TimePoint now) {
  AR_FAULT_POINT("MarkSent");
  return inner_.MarkSent(id, now);
}

Status FaultInjectingStore::MarkRetry(uint64_t id, TimePoint retry_at, const std::string& error) {
  AR_FAULT_POINT("MarkRetry");
  return inner_.MarkRetry(id, retry_at, error);
}

Status FaultInjectingStore::MarkFailed(uint64_t id, TimePoint now, const std::string& error) {
  AR_FAULT_POINT("MarkFailed");
  return inner_.MarkFailed(id, now, error);
}

Status FaultInjectingStore::Defer(uint64_t id, TimePoint until, const std::string& reason) {
  AR_FAULT_POINT("Defer");
  return inner_.Defer(id, until, reason);
}

Result<size_t> FaultInjectingStore::ReleaseClaims() {
  AR_FAULT_POINT("ReleaseClaims");
  return inner_.ReleaseClaims();
}

Status FaultInjectingStore::PutSequenceVersion(const std::string& name, const std::string& version,
                                               const SequenceSource& source) {
  AR_FAULT_POINT("PutSequenceVersion");
  return seq_.PutSequenceVersion(name, version, source);
}

Status FaultInjectingStore::Suppress(const std::string& person, const std::string& reason,
                                     TimePoint now) {
  AR_FAULT_POINT("Suppress");
  return seq_.Suppress(person, reason, now);
}

Status FaultInjectingStore::Unsuppress(const std::string& person) {
  AR_FAULT_POINT("Unsuppress");
  return seq_.Unsuppress(person);
}

Status FaultInjectingStore::ApplySequenceDecision(const SequenceDecision& decision,
                                                  const std::string& token_key,
                                                  uint32_t soft_bounce_limit, TimePoint now) {
  AR_FAULT_POINT("ApplySequenceDecision");
  return seq_.ApplySequenceDecision(decision, token_key, soft_bounce_limit, now);
}

Status FaultInjectingStore::ReplaceEnrolment(const Enrolment& enrolment) {
  AR_FAULT_POINT("ReplaceEnrolment");
  return seq_.ReplaceEnrolment(enrolment);
}

Status FaultInjectingStore::RecordStepSent(uint64_t queue_id, const std::string& message_id,
                                           TimePoint sent_at, std::optional<TimePoint> next_due) {
  AR_FAULT_POINT("RecordStepSent");
  return seq_.RecordStepSent(queue_id, message_id, sent_at, next_due);
}

Status FaultInjectingStore::SkipStep(uint64_t queue_id, const std::string& reason, TimePoint now,
                                     std::optional<TimePoint> next_due) {
  AR_FAULT_POINT("SkipStep");
  return seq_.SkipStep(queue_id, reason, now, next_due);
}

Status FaultInjectingStore::DropStep(uint64_t queue_id) {
  AR_FAULT_POINT("DropStep");
  return seq_.DropStep(queue_id);
}

#undef AR_FAULT_POINT

}  // namespace ar
