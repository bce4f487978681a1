// ApplySequenceDecision: one message's sequence decision applied in one
// transaction, in the documented order (store/sequence_store.h).
#include <gtest/gtest.h>

#include "sequence_fixture.h"

namespace ar {
namespace {

using ::ar::testing::At;
using ::ar::testing::kTokenKey;
using ::ar::testing::MakeEnrol;
using ::ar::testing::SequenceStoreTest;

constexpr char kKari[] = "kari@example.org";
constexpr char kCanon[] = "canon-eos-5d";
constexpr char kAccessories[] = "accessories";

using SequenceApply = SequenceStoreTest;

TEST_F(SequenceApply, EnrolCreatesActiveEnrolmentAndQueuesFirstStep) {
  Enrol(MakeEnrol("Kari@Example.ORG", kCanon, At(3 * 86400), "<lead-1@shop>"), At(0));

  std::optional<Enrolment> e = Get(kKari, kCanon);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->person, kKari);  // normalised
  EXPECT_EQ(e->display_name, "Kari Nordmann");
  EXPECT_EQ(e->version, "v1-canon-eos-5d");
  EXPECT_EQ(e->variables.at("product"), "EOS 5D");
  EXPECT_EQ(e->enrolled_at, At(0));
  EXPECT_EQ(e->state, EnrolmentState::kActive);
  EXPECT_EQ(e->next_step, 0u);
  EXPECT_EQ(e->next_due, At(3 * 86400));
  EXPECT_EQ(e->trigger_message_id, "<lead-1@shop>");
  EXPECT_TRUE(e->history.empty());

  QueueItem step = OnlyStepOf(kKari, kCanon);
  EXPECT_EQ(step.kind, QueueItemKind::kSequenceStep);
  EXPECT_EQ(step.step, 0u);
  EXPECT_EQ(step.envelope_recipient, kKari);
  EXPECT_EQ(step.due, At(3 * 86400));
  EXPECT_EQ(step.created, At(0));
  EXPECT_TRUE(step.message.empty());
  EXPECT_TRUE(step.message_id.empty());

  Result<bool> seen = seq().TriggerSeen("<lead-1@shop>", kCanon);
  ASSERT_OK(seen);
  EXPECT_TRUE(*seen);
  Result<std::optional<std::string>> person = seq().PersonForToken(PersonToken(kTokenKey, kKari));
  ASSERT_OK(person);
  EXPECT_EQ(*person, std::optional<std::string>(kKari));
}

TEST_F(SequenceApply, EnrolWithoutFirstDueIsCompletedAndQueuesNothing) {
  Enrol(MakeEnrol(kKari, kCanon, std::nullopt), At(0));
  std::optional<Enrolment> e = Get(kKari, kCanon);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->state, EnrolmentState::kCompleted);
  EXPECT_FALSE(e->next_due.has_value());
  EXPECT_TRUE(Steps().empty());
}

TEST_F(SequenceApply, SameTriggerMessageIdNeverEnrolsTwice) {
  Enrol(MakeEnrol(kKari, kCanon, At(100), "<lead-1@shop>"), At(0));
  // The person left meanwhile, so only the seen trigger can stop a re-enrol.
  SequenceDecision exit;
  exit.exits.push_back(ExitAction{kCanon, kKari, "purchase"});
  Apply(exit, At(10));
  Enrol(MakeEnrol(kKari, kCanon, At(200), "<lead-1@shop>", /*restart=*/true), At(20));

  std::optional<Enrolment> e = Get(kKari, kCanon);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->state, EnrolmentState::kLeft);
  EXPECT_TRUE(Steps().empty());
  // The same Message-ID may still enrol in another sequence.
  Enrol(MakeEnrol(kKari, kAccessories, At(200), "<lead-1@shop>"), At(20));
  EXPECT_TRUE(Get(kKari, kAccessories).has_value());
}

TEST_F(SequenceApply, DuplicateTriggerInsideOneDecisionEnrolsOnce) {
  SequenceDecision decision;
  decision.enrols.push_back(MakeEnrol(kKari, kCanon, At(100), "<lead-1@shop>", true));
  decision.enrols.push_back(MakeEnrol(kKari, kCanon, At(999), "<lead-1@shop>", true));
  Apply(decision, At(0));
  EXPECT_EQ(OnlyStepOf(kKari, kCanon).due, At(100));
}

TEST_F(SequenceApply, ActiveEnrolmentWithoutRestartIsSkipped) {
  Enrol(MakeEnrol(kKari, kCanon, At(100), "<lead-1@shop>"), At(0));
  Enrol(MakeEnrol(kKari, kCanon, At(500), "<lead-2@shop>"), At(50));

  std::optional<Enrolment> e = Get(kKari, kCanon);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->enrolled_at, At(0));
  EXPECT_EQ(e->trigger_message_id, "<lead-1@shop>");
  EXPECT_EQ(OnlyStepOf(kKari, kCanon).due, At(100));
  // A skipped trigger is not recorded as seen.
  Result<bool> seen = seq().TriggerSeen("<lead-2@shop>", kCanon);
  ASSERT_OK(seen);
  EXPECT_FALSE(*seen);
}

TEST_F(SequenceApply, RestartReplacesEnrolmentAndRequeues) {
  Enrol(MakeEnrol(kKari, kCanon, At(100), "<lead-1@shop>"), At(0));
  uint64_t old_id = OnlyStepOf(kKari, kCanon).id;
  EnrolAction again = MakeEnrol(kKari, kCanon, At(900), "<lead-2@shop>", /*restart=*/true);
  again.variables = {{"product", "EOS R5"}};
  Enrol(again, At(500));

  std::optional<Enrolment> e = Get(kKari, kCanon);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->state, EnrolmentState::kActive);
  EXPECT_EQ(e->enrolled_at, At(500));
  EXPECT_EQ(e->variables.at("product"), "EOS R5");
  EXPECT_EQ(e->next_due, At(900));
  QueueItem step = OnlyStepOf(kKari, kCanon);
  EXPECT_NE(step.id, old_id);
  EXPECT_EQ(step.due, At(900));
  EXPECT_EQ(step.step, 0u);
}

TEST_F(SequenceApply, CompletedEnrolmentIsEnrolledAgainWithoutRestart) {
  Enrol(MakeEnrol(kKari, kCanon, std::nullopt, "<lead-1@shop>"), At(0));
  Enrol(MakeEnrol(kKari, kCanon, At(700), "<lead-2@shop>"), At(600));
  std::optional<Enrolment> e = Get(kKari, kCanon);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->state, EnrolmentState::kActive);
  EXPECT_EQ(e->enrolled_at, At(600));
}

TEST_F(SequenceApply, ExitThenEnrolInOneDecisionIsAMove) {
  Enrol(MakeEnrol(kKari, kCanon, At(100), "<lead-1@shop>"), At(0));
  SequenceDecision move;
  move.exits.push_back(ExitAction{kCanon, kKari, "purchase"});
  EnrolAction enrol = MakeEnrol(kKari, kAccessories, At(5000), "<order-7@shop>");
  enrol.reason = "moved from canon-eos-5d";
  move.enrols.push_back(enrol);
  Apply(move, At(50));

  std::optional<Enrolment> left = Get(kKari, kCanon);
  ASSERT_TRUE(left.has_value());
  EXPECT_EQ(left->state, EnrolmentState::kLeft);
  EXPECT_EQ(left->left_reason, "purchase");
  EXPECT_EQ(left->left_at, At(50));
  EXPECT_FALSE(left->next_due.has_value());
  std::optional<Enrolment> moved = Get(kKari, kAccessories);
  ASSERT_TRUE(moved.has_value());
  EXPECT_EQ(moved->state, EnrolmentState::kActive);
  // Only the new sequence's step is queued.
  std::vector<QueueItem> steps = Steps();
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].sequence, kAccessories);
}

TEST_F(SequenceApply, ExitThenEnrolSameSequenceStartsAfresh) {
  Enrol(MakeEnrol(kKari, kCanon, At(100), "<lead-1@shop>"), At(0));
  SequenceDecision decision;
  decision.exits.push_back(ExitAction{kCanon, kKari, "purchase"});
  decision.enrols.push_back(MakeEnrol(kKari, kCanon, At(800), "<lead-2@shop>"));
  Apply(decision, At(50));
  std::optional<Enrolment> e = Get(kKari, kCanon);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->state, EnrolmentState::kActive);
  EXPECT_EQ(OnlyStepOf(kKari, kCanon).due, At(800));
}

TEST_F(SequenceApply, ExitOfMissingOrEndedEnrolmentChangesNothing) {
  Enrol(MakeEnrol(kKari, kCanon, std::nullopt), At(0));  // completed
  SequenceDecision decision;
  decision.exits.push_back(ExitAction{kCanon, kKari, "purchase"});
  decision.exits.push_back(ExitAction{kAccessories, kKari, "purchase"});
  Apply(decision, At(10));
  std::optional<Enrolment> e = Get(kKari, kCanon);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->state, EnrolmentState::kCompleted);
  EXPECT_TRUE(e->left_reason.empty());
  EXPECT_FALSE(Get(kKari, kAccessories).has_value());
}

TEST_F(SequenceApply, SuppressedInSameDecisionIsNotEnrolled) {
  SequenceDecision decision;
  decision.enrols.push_back(MakeEnrol(kKari, kCanon, At(100), "<lead-1@shop>"));
  decision.suppressions.push_back({kKari, "unsubscribe"});
  Apply(decision, At(0));
  EXPECT_FALSE(Get(kKari, kCanon).has_value());
  EXPECT_TRUE(Steps().empty());
  EXPECT_TRUE(Suppressed(kKari));
}

TEST_F(SequenceApply, SuppressedPersonIsNotEnrolledLater) {
  ASSERT_OK(seq().Suppress("KARI@example.org", "manual", At(0)));
  Enrol(MakeEnrol(kKari, kCanon, At(100), "<lead-1@shop>"), At(10));
  EXPECT_FALSE(Get(kKari, kCanon).has_value());
  EXPECT_TRUE(Steps().empty());
}

TEST_F(SequenceApply, EngagementResetsNoEngagementCount) {
  Enrol(MakeEnrol(kKari, kCanon, At(100)), At(0));
  ASSERT_OK(seq().RecordStepSent(OnlyStepOf(kKari, kCanon).id, "<s0@shop>", At(100), At(200)));
  ASSERT_EQ(Get(kKari, kCanon)->steps_since_engagement, 1u);

  SequenceDecision decision;
  decision.engagements.push_back({kKari, kCanon});
  decision.engagements.push_back({kKari, kAccessories});  // not enrolled: ignored
  Apply(decision, At(150));
  std::optional<Enrolment> e = Get(kKari, kCanon);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->steps_since_engagement, 0u);
  EXPECT_EQ(e->last_engagement, At(150));
  EXPECT_FALSE(Get(kKari, kAccessories).has_value());
}

TEST_F(SequenceApply, InvalidPersonRefusesWholeDecision) {
  SequenceDecision decision;
  decision.enrols.push_back(MakeEnrol(kKari, kCanon, At(100)));
  decision.enrols.push_back(MakeEnrol(std::string("a\0b@x", 5), kCanon, At(100)));
  Status s = seq().ApplySequenceDecision(decision, kTokenKey, 3, At(0));
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_FALSE(Get(kKari, kCanon).has_value());

  decision.enrols.pop_back();
  decision.exits.push_back(ExitAction{kCanon, std::string(600, 'a') + "@x", "purchase"});
  EXPECT_EQ(seq().ApplySequenceDecision(decision, kTokenKey, 3, At(0)).code(),
            Status::Code::kInvalidArgument);
  EXPECT_TRUE(Steps().empty());
}

TEST_F(SequenceApply, VeryLongTriggerMessageIdStillDeduplicates) {
  const std::string long_id = "<" + std::string(2000, 'x') + "@shop>";
  Enrol(MakeEnrol(kKari, kCanon, std::nullopt, long_id), At(0));
  Enrol(MakeEnrol(kKari, kCanon, At(100), long_id, true), At(10));
  EXPECT_EQ(Get(kKari, kCanon)->state, EnrolmentState::kCompleted);
  Result<bool> seen = seq().TriggerSeen(long_id, kCanon);
  ASSERT_OK(seen);
  EXPECT_TRUE(*seen);
}

TEST_F(SequenceApply, EmptyDecisionIsOk) { Apply(SequenceDecision{}, At(0)); }

}  // namespace
}  // namespace ar
