// Shared setup for the SequenceStore tests: a StoreTest whose store's
// sequences() is exercised through decisions built with fixed values.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "sequence/tokens.h"
#include "store_fixture.h"

namespace ar::testing {

inline constexpr char kTokenKey[] = "test-token-key";
inline constexpr uint32_t kSoftBounceLimit = 3;

inline EnrolAction MakeEnrol(const std::string& person, const std::string& sequence,
                             std::optional<TimePoint> first_due, std::string trigger_id = "",
                             bool restart = false) {
  EnrolAction enrol;
  enrol.sequence = sequence;
  enrol.version = "v1-" + sequence;
  enrol.person = person;
  enrol.display_name = "Kari Nordmann";
  enrol.variables = {{"product", "EOS 5D"}, {"order", "1234"}};
  enrol.trigger_message_id = std::move(trigger_id);
  enrol.restart = restart;
  enrol.first_due = first_due;
  enrol.reason = "trigger";
  return enrol;
}

class SequenceStoreTest : public StoreTest {
 protected:
  SequenceStore& seq() { return store_->sequences(); }

  void Apply(const SequenceDecision& decision, TimePoint now) {
    ASSERT_OK(seq().ApplySequenceDecision(decision, kTokenKey, kSoftBounceLimit, now));
  }
  void Enrol(const EnrolAction& enrol, TimePoint now) {
    SequenceDecision decision;
    decision.enrols.push_back(enrol);
    Apply(decision, now);
  }

  std::optional<Enrolment> Get(const std::string& person, const std::string& sequence) {
    Result<std::optional<Enrolment>> e = seq().GetEnrolment(person, sequence);
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    return e.ok() ? *e : std::nullopt;
  }

  // Every sequence step item in the queue, in id order.
  std::vector<QueueItem> Steps() {
    Result<std::vector<QueueItem>> all = store_->ListQueue(1000);
    EXPECT_TRUE(all.ok()) << all.status().ToString();
    std::vector<QueueItem> steps;
    if (!all.ok()) return steps;
    for (const QueueItem& item : *all) {
      if (item.kind == QueueItemKind::kSequenceStep) steps.push_back(item);
    }
    return steps;
  }

  // The queued step of (person, sequence), failing the test unless exactly one.
  QueueItem OnlyStepOf(const std::string& person, const std::string& sequence) {
    std::vector<QueueItem> found;
    for (const QueueItem& item : Steps()) {
      if (item.user == person && item.sequence == sequence) found.push_back(item);
    }
    EXPECT_EQ(found.size(), 1u) << person << " in " << sequence;
    return found.empty() ? QueueItem{} : found.front();
  }

  bool Suppressed(const std::string& person) {
    Result<std::optional<Suppression>> s = seq().GetSuppression(person);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() && s->has_value();
  }
};

}  // namespace ar::testing
