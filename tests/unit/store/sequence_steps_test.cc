// Sequence step items in the shared queue: the dispatcher's RecordStepSent
// and DropStep, the queue operations they share with replies, and
// ListDueBetween.
#include <gtest/gtest.h>

#include "sequence_fixture.h"

namespace ar {
namespace {

using ::ar::testing::At;
using ::ar::testing::MakeEnrol;
using ::ar::testing::MakeReply;
using ::ar::testing::SequenceStoreTest;

constexpr char kKari[] = "kari@example.org";
constexpr char kCanon[] = "canon-eos-5d";

using SequenceSteps = SequenceStoreTest;

TEST_F(SequenceSteps, RecordStepSentQueuesNextStep) {
  Enrol(MakeEnrol(kKari, kCanon, At(100), "<lead-1@shop>"), At(0));
  QueueItem first = OnlyStepOf(kKari, kCanon);
  ASSERT_OK(seq().RecordStepSent(first.id, "<s0@shop>", At(101), At(700)));

  std::optional<Enrolment> e = Get(kKari, kCanon);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->state, EnrolmentState::kActive);
  EXPECT_EQ(e->next_step, 1u);
  EXPECT_EQ(e->next_due, At(700));
  EXPECT_EQ(e->steps_since_engagement, 1u);
  ASSERT_EQ(e->history.size(), 1u);
  EXPECT_EQ(e->history[0].step, 0u);
  EXPECT_EQ(e->history[0].sent_at, At(101));
  EXPECT_EQ(e->history[0].message_id, "<s0@shop>");

  QueueItem second = OnlyStepOf(kKari, kCanon);
  EXPECT_NE(second.id, first.id);
  EXPECT_EQ(second.step, 1u);
  EXPECT_EQ(second.due, At(700));
}

TEST_F(SequenceSteps, RecordStepSentWithoutNextDueCompletes) {
  Enrol(MakeEnrol(kKari, kCanon, At(100)), At(0));
  ASSERT_OK(seq().RecordStepSent(OnlyStepOf(kKari, kCanon).id, "<s0@shop>", At(100), At(200)));
  ASSERT_OK(seq().RecordStepSent(OnlyStepOf(kKari, kCanon).id, "<s1@shop>", At(200), std::nullopt));

  std::optional<Enrolment> e = Get(kKari, kCanon);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->state, EnrolmentState::kCompleted);
  EXPECT_EQ(e->next_step, 2u);
  EXPECT_FALSE(e->next_due.has_value());
  EXPECT_EQ(e->steps_since_engagement, 2u);
  EXPECT_EQ(e->history.size(), 2u);
  EXPECT_TRUE(Steps().empty());
}

TEST_F(SequenceSteps, SentMessageIdsAreFoundAgain) {
  Enrol(MakeEnrol("Kari@Example.org", kCanon, At(100)), At(0));
  ASSERT_OK(seq().RecordStepSent(OnlyStepOf(kKari, kCanon).id, "<s0@shop>", At(100), At(200)));

  Result<std::optional<SentMessageRef>> ref = seq().FindSentMessage("<s0@shop>");
  ASSERT_OK(ref);
  ASSERT_TRUE(ref->has_value());
  EXPECT_EQ((*ref)->person, kKari);
  EXPECT_EQ((*ref)->sequence, kCanon);
  EXPECT_EQ((*ref)->step, 0u);

  Result<std::optional<SentMessageRef>> unknown = seq().FindSentMessage("<other@shop>");
  ASSERT_OK(unknown);
  EXPECT_FALSE(unknown->has_value());
  Result<std::optional<SentMessageRef>> huge = seq().FindSentMessage(std::string(4000, 'x'));
  ASSERT_OK(huge);
  EXPECT_FALSE(huge->has_value());
}

TEST_F(SequenceSteps, StepSentAfterExitIsRecordedButDoesNotAdvance) {
  Enrol(MakeEnrol(kKari, kCanon, At(100)), At(0));
  // The dispatcher claimed the step; an exit removes it while it is in flight.
  Result<std::vector<QueueItem>> claimed = store_->ClaimDue(At(100), 10, Seconds(300));
  ASSERT_OK(claimed);
  ASSERT_EQ(claimed->size(), 1u);
  SequenceDecision exit;
  exit.exits.push_back(ExitAction{kCanon, kKari, "purchase"});
  Apply(exit, At(101));
  EXPECT_EQ(seq().RecordStepSent((*claimed)[0].id, "<s0@shop>", At(102), At(900)).code(),
            Status::Code::kNotFound);
  EXPECT_TRUE(Steps().empty());
  EXPECT_EQ(Get(kKari, kCanon)->state, EnrolmentState::kLeft);
}

TEST_F(SequenceSteps, StepSentAfterRestartKeepsTheNewSchedule) {
  Enrol(MakeEnrol(kKari, kCanon, At(100), "<lead-1@shop>"), At(0));
  uint64_t old_id = OnlyStepOf(kKari, kCanon).id;
  // The dispatcher claimed step 0; a restart arrives while it is in flight.
  Result<std::vector<QueueItem>> claimed = store_->ClaimDue(At(100), 10, Seconds(300));
  ASSERT_OK(claimed);
  Enrol(MakeEnrol(kKari, kCanon, At(5000), "<lead-2@shop>", true), At(101));
  // The restart removed the claimed item: the dispatcher learns NotFound.
  EXPECT_EQ(seq().RecordStepSent(old_id, "<s0@shop>", At(102), At(900)).code(),
            Status::Code::kNotFound);
  QueueItem step = OnlyStepOf(kKari, kCanon);
  EXPECT_EQ(step.due, At(5000));
  EXPECT_EQ(Get(kKari, kCanon)->next_due, At(5000));
}

TEST_F(SequenceSteps, RecordStepSentRefusesRepliesAndBadMessageIds) {
  Result<std::vector<EnqueueOutcome>> queued =
      store_->Enqueue({MakeReply("ole@example.com", "a@x")}, At(0));
  ASSERT_OK(queued);
  uint64_t reply_id = (*queued)[0].id;
  EXPECT_EQ(seq().RecordStepSent(reply_id, "<s@shop>", At(1), std::nullopt).code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(seq().DropStep(reply_id).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(store_->ListQueue(10)->size(), 1u);  // untouched

  Enrol(MakeEnrol(kKari, kCanon, At(100)), At(0));
  uint64_t step_id = OnlyStepOf(kKari, kCanon).id;
  EXPECT_EQ(seq().RecordStepSent(step_id, "", At(1), std::nullopt).code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(seq().RecordStepSent(999, "<s@shop>", At(1), std::nullopt).code(),
            Status::Code::kNotFound);
  EXPECT_EQ(Steps().size(), 1u);
}

TEST_F(SequenceSteps, MarkSentRefusesStepItems) {
  Enrol(MakeEnrol(kKari, kCanon, At(100)), At(0));
  uint64_t id = OnlyStepOf(kKari, kCanon).id;
  EXPECT_EQ(store_->MarkSent(id, At(100)).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(Steps().size(), 1u);
}

TEST_F(SequenceSteps, DropStepRemovesItemAndKeepsEnrolment) {
  Enrol(MakeEnrol(kKari, kCanon, At(100)), At(0));
  uint64_t id = OnlyStepOf(kKari, kCanon).id;
  ASSERT_OK(seq().DropStep(id));
  EXPECT_TRUE(Steps().empty());
  std::optional<Enrolment> e = Get(kKari, kCanon);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->state, EnrolmentState::kActive);
  EXPECT_EQ(e->next_due, At(100));
  EXPECT_EQ(seq().DropStep(id).code(), Status::Code::kNotFound);
  // A later exit does not trip over the dropped item.
  SequenceDecision exit;
  exit.exits.push_back(ExitAction{kCanon, kKari, "purchase"});
  Apply(exit, At(200));
  EXPECT_EQ(Get(kKari, kCanon)->state, EnrolmentState::kLeft);
}

TEST_F(SequenceSteps, ClaimRetryAndFailWorkOnStepsWithoutTouchingResponses) {
  // A reply and a step for the same address: failing the step must leave the
  // reply's pending response alone.
  Result<std::vector<EnqueueOutcome>> queued =
      store_->Enqueue({MakeReply(kKari, "sender@x")}, At(0));
  ASSERT_OK(queued);
  Enrol(MakeEnrol(kKari, kCanon, At(10)), At(0));
  uint64_t step_id = OnlyStepOf(kKari, kCanon).id;

  Result<std::vector<QueueItem>> claimed = store_->ClaimDue(At(10), 10, Seconds(60));
  ASSERT_OK(claimed);
  ASSERT_EQ(claimed->size(), 2u);
  bool saw_step = false;
  for (const QueueItem& item : *claimed) {
    if (item.kind == QueueItemKind::kSequenceStep) {
      saw_step = true;
      EXPECT_EQ(item.sequence, kCanon);
      EXPECT_EQ(item.step, 0u);
    }
  }
  EXPECT_TRUE(saw_step);

  ASSERT_OK(store_->MarkRetry(step_id, At(500), "451 later"));
  EXPECT_EQ(OnlyStepOf(kKari, kCanon).due, At(500));
  EXPECT_EQ(OnlyStepOf(kKari, kCanon).attempts, 1u);

  ASSERT_OK(store_->MarkFailed(step_id, At(600), "550 no such user"));
  EXPECT_TRUE(Steps().empty());
  Result<std::vector<QueueItem>> failed = store_->ListFailed(10);
  ASSERT_OK(failed);
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ((*failed)[0].kind, QueueItemKind::kSequenceStep);
  EXPECT_EQ((*failed)[0].sequence, kCanon);
  Result<std::optional<ResponseRecord>> response = store_->GetResponse(kKari, "sender@x");
  ASSERT_OK(response);
  ASSERT_TRUE(response->has_value());
  EXPECT_EQ((*response)->state, ResponseState::kPending);
}

TEST_F(SequenceSteps, ListDueBetweenIsHalfOpenInDueOrderWithBothKinds) {
  NewReply reply = MakeReply("ole@example.com", "a@x");
  reply.due = At(150);
  ASSERT_OK(store_->Enqueue({reply}, At(0)));
  Enrol(MakeEnrol("a@example.org", kCanon, At(200)), At(0));
  Enrol(MakeEnrol("b@example.org", kCanon, At(100)), At(0));
  Enrol(MakeEnrol("c@example.org", kCanon, At(300)), At(0));
  Enrol(MakeEnrol("d@example.org", kCanon, At(99)), At(0));

  Result<std::vector<QueueItem>> between = seq().ListDueBetween(At(100), At(300), 100);
  ASSERT_OK(between);
  ASSERT_EQ(between->size(), 3u);
  EXPECT_EQ((*between)[0].user, "b@example.org");
  EXPECT_EQ((*between)[1].kind, QueueItemKind::kReply);
  EXPECT_EQ((*between)[2].user, "a@example.org");

  Result<std::vector<QueueItem>> limited = seq().ListDueBetween(At(0), At(1000), 2);
  ASSERT_OK(limited);
  ASSERT_EQ(limited->size(), 2u);
  EXPECT_EQ((*limited)[0].user, "d@example.org");

  Result<std::vector<QueueItem>> none = seq().ListDueBetween(At(301), At(1000), 100);
  ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
  Result<std::vector<QueueItem>> before_epoch =
      seq().ListDueBetween(FromUnixSeconds(-100), At(100), 100);
  ASSERT_OK(before_epoch);
  EXPECT_EQ(before_epoch->size(), 1u);
}

}  // namespace
}  // namespace ar
