// SkipStep: a step overdue past the catch-up limit is not sent; it goes to
// the failed list with its reason, the history marks it skipped, and the
// enrolment goes on with the next step.
#include <gtest/gtest.h>

#include "sequence_fixture.h"

namespace ar {
namespace {

using ::ar::testing::At;
using ::ar::testing::MakeEnrol;
using ::ar::testing::MakeReply;
using ::ar::testing::SequenceStoreTest;

constexpr char kKari[] = "kari@example.org";
constexpr char kSeq[] = "canon-eos-5d";

using SequenceSkip = SequenceStoreTest;

TEST_F(SequenceSkip, SkippedStepIsFailedWithReasonAndNextStepQueued) {
  Enrol(MakeEnrol(kKari, kSeq, At(100)), At(0));
  const QueueItem first = OnlyStepOf(kKari, kSeq);
  ASSERT_OK(seq().SkipStep(first.id, "overdue by 3 days", At(300000), At(300600)));

  Result<std::vector<QueueItem>> failed = store_->ListFailed(10);
  ASSERT_OK(failed);
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ((*failed)[0].id, first.id);
  EXPECT_EQ((*failed)[0].last_error, "overdue by 3 days");
  EXPECT_EQ((*failed)[0].attempts, 0u);

  std::optional<Enrolment> e = Get(kKari, kSeq);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->state, EnrolmentState::kActive);
  ASSERT_EQ(e->history.size(), 1u);
  EXPECT_EQ(e->history[0].step, 0u);
  EXPECT_TRUE(e->history[0].skipped);
  EXPECT_EQ(e->history[0].message_id, "");
  EXPECT_EQ(e->history[0].sent_at, At(300000));
  EXPECT_EQ(e->steps_since_engagement, 0u);  // nothing reached the person
  EXPECT_EQ(e->next_step, 1u);
  EXPECT_EQ(e->next_due, At(300600));

  const QueueItem second = OnlyStepOf(kKari, kSeq);
  EXPECT_EQ(second.step, 1u);
  EXPECT_EQ(second.due, At(300600));

  // A later real send is not marked skipped.
  ASSERT_OK(seq().RecordStepSent(second.id, "<s1@shop>", At(300600), std::nullopt));
  e = Get(kKari, kSeq);
  ASSERT_TRUE(e.has_value());
  ASSERT_EQ(e->history.size(), 2u);
  EXPECT_FALSE(e->history[1].skipped);
  EXPECT_EQ(e->state, EnrolmentState::kCompleted);
}

TEST_F(SequenceSkip, SkippingTheLastStepCompletes) {
  Enrol(MakeEnrol(kKari, kSeq, At(100)), At(0));
  ASSERT_OK(seq().SkipStep(OnlyStepOf(kKari, kSeq).id, "overdue", At(9000), std::nullopt));
  std::optional<Enrolment> e = Get(kKari, kSeq);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->state, EnrolmentState::kCompleted);
  EXPECT_EQ(e->next_step, 1u);
  EXPECT_FALSE(e->next_due.has_value());
  EXPECT_TRUE(Steps().empty());
}

TEST_F(SequenceSkip, StepRemovedByAnExitIsNotFoundAndChangesNothing) {
  Enrol(MakeEnrol(kKari, kSeq, At(100)), At(0));
  const QueueItem first = OnlyStepOf(kKari, kSeq);
  // The person replied (exit) while the dispatcher was deciding to skip.
  SequenceDecision exit;
  exit.exits.push_back(ExitAction{kSeq, kKari, "reply"});
  Apply(exit, At(50));
  EXPECT_TRUE(seq().SkipStep(first.id, "overdue", At(60), At(600)).IsNotFound());
  std::optional<Enrolment> e = Get(kKari, kSeq);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->state, EnrolmentState::kLeft);
  EXPECT_TRUE(e->history.empty());
  Result<std::vector<QueueItem>> failed = store_->ListFailed(10);
  ASSERT_OK(failed);
  EXPECT_TRUE(failed->empty());
}

TEST_F(SequenceSkip, RepliesAndUnknownIdsAreRefused) {
  Result<std::vector<EnqueueOutcome>> out =
      store_->Enqueue({MakeReply("ole@example.com", "a@x")}, At(0));
  ASSERT_OK(out);
  EXPECT_EQ(seq().SkipStep((*out)[0].id, "overdue", At(1), std::nullopt).code(),
            Status::Code::kInvalidArgument);
  EXPECT_TRUE(seq().SkipStep(12345, "overdue", At(1), std::nullopt).IsNotFound());
  Result<std::vector<QueueItem>> queue = store_->ListQueue(10);
  ASSERT_OK(queue);
  EXPECT_EQ(queue->size(), 1u);
}

TEST_F(SequenceSkip, SkippedFlagSurvivesReopen) {
  Enrol(MakeEnrol(kKari, kSeq, At(100)), At(0));
  ASSERT_OK(seq().SkipStep(OnlyStepOf(kKari, kSeq).id, "overdue", At(9000), At(9600)));
  store_.reset();
  store_ = OpenStore();
  ASSERT_NE(store_, nullptr);
  std::optional<Enrolment> e = Get(kKari, kSeq);
  ASSERT_TRUE(e.has_value());
  ASSERT_EQ(e->history.size(), 1u);
  EXPECT_TRUE(e->history[0].skipped);
}

}  // namespace
}  // namespace ar
