// Store::sequences() for Store implementations without sequences (test
// doubles): a SequenceStore whose every call fails with IoError, so a caller
// reports an error instead of crashing. Stateless; thread-safe.
#include "store/sequence_store.h"
#include "store/store.h"

namespace ar {

namespace {

Status Unavailable() { return Status::IoError("sequence store not available"); }

class UnavailableSequenceStore final : public SequenceStore {
 public:
  Status PutSequenceVersion(const std::string&, const std::string&,
                            const SequenceSource&) override {
    return Unavailable();
  }
  Result<std::optional<SequenceSource>> GetSequenceVersion(const std::string&,
                                                           const std::string&) override {
    return Unavailable();
  }
  Result<std::optional<Enrolment>> GetEnrolment(const std::string&, const std::string&) override {
    return Unavailable();
  }
  Result<std::vector<Enrolment>> ListEnrolments(const std::string&) override {
    return Unavailable();
  }
  Result<std::vector<Enrolment>> ListMembers(const std::string&, size_t) override {
    return Unavailable();
  }
  Result<std::optional<SentMessageRef>> FindSentMessage(const std::string&) override {
    return Unavailable();
  }
  Result<bool> TriggerSeen(const std::string&, const std::string&) override {
    return Unavailable();
  }
  Result<std::optional<std::string>> PersonForToken(const std::string&) override {
    return Unavailable();
  }
  Result<std::optional<Suppression>> GetSuppression(const std::string&) override {
    return Unavailable();
  }
  Result<std::vector<Suppression>> ListSuppressions(size_t) override { return Unavailable(); }
  Status Suppress(const std::string&, const std::string&, TimePoint) override {
    return Unavailable();
  }
  Status Unsuppress(const std::string&) override { return Unavailable(); }
  Status ApplySequenceDecision(const SequenceDecision&, const std::string&, uint32_t, TimePoint,
                               std::vector<RateLimitedEnrol>*) override {
    return Unavailable();
  }
  Status ReplaceEnrolment(const Enrolment&) override { return Unavailable(); }
  Status RecordStepSent(uint64_t, const std::string&, TimePoint,
                        std::optional<TimePoint>) override {
    return Unavailable();
  }
  Status DropStep(uint64_t) override { return Unavailable(); }
  Result<std::vector<QueueItem>> ListDueBetween(TimePoint, TimePoint, size_t) override {
    return Unavailable();
  }
};

}  // namespace

SequenceStore& Store::sequences() {
  static UnavailableSequenceStore unavailable;
  return unavailable;
}

}  // namespace ar
