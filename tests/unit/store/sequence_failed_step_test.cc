// MarkFailed() of a sequence step: a step the MTA refuses for good (or that
// stayed undeliverable past max_age) ends its enrolment, so no enrolment
// stays active with nothing queued.
#include <gtest/gtest.h>

#include "sequence_fixture.h"

namespace ar {
namespace {

using ::ar::testing::At;
using ::ar::testing::MakeEnrol;
using ::ar::testing::SequenceStoreTest;

constexpr char kKari[] = "kari@example.org";
constexpr char kSeq[] = "canon-eos-5d";

using SequenceFailedStep = SequenceStoreTest;

TEST_F(SequenceFailedStep, PermanentFailureEndsTheEnrolmentAndKeepsTheItemOnTheFailedList) {
  Enrol(MakeEnrol(kKari, kSeq, At(100)), At(0));
  const QueueItem step = OnlyStepOf(kKari, kSeq);
  ASSERT_OK(store_->MarkFailed(step.id, At(200), "rejected: 550 5.1.1 no such user"));

  std::optional<Enrolment> e = Get(kKari, kSeq);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->state, EnrolmentState::kLeft);
  EXPECT_EQ(e->left_reason, "delivery-failed");
  EXPECT_EQ(e->left_at, At(200));
  EXPECT_FALSE(e->next_due.has_value());
  EXPECT_TRUE(Steps().empty());

  Result<std::vector<QueueItem>> failed = store_->ListFailed(10);
  ASSERT_OK(failed);
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ((*failed)[0].id, step.id);
  EXPECT_EQ((*failed)[0].last_error, "rejected: 550 5.1.1 no such user");
}

TEST_F(SequenceFailedStep, AStaleStepFailingLeavesTheNewEnrolmentAlone) {
  Enrol(MakeEnrol(kKari, kSeq, At(100)), At(0));
  const QueueItem old_step = OnlyStepOf(kKari, kSeq);
  // Re-enrolled (restart) while the old item was in flight: a new step is
  // queued and the enrolment points at it.
  SequenceDecision again;
  EnrolAction enrol = MakeEnrol(kKari, kSeq, At(500));
  enrol.restart = true;
  again.enrols.push_back(enrol);
  Apply(again, At(400));
  const QueueItem new_step = OnlyStepOf(kKari, kSeq);
  ASSERT_NE(new_step.id, old_step.id);

  EXPECT_TRUE(store_->MarkFailed(old_step.id, At(450), "rejected").IsNotFound());
  std::optional<Enrolment> e = Get(kKari, kSeq);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->state, EnrolmentState::kActive);
  EXPECT_EQ(OnlyStepOf(kKari, kSeq).id, new_step.id);
}

}  // namespace
}  // namespace ar
