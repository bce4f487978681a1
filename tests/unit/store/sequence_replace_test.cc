// ReplaceEnrolment: an operator's migration of an enrolment to another
// definition version rewrites the record and its queued step in one go.
#include <gtest/gtest.h>

#include "sequence_fixture.h"

namespace ar {
namespace {

using ::ar::testing::At;
using ::ar::testing::MakeEnrol;
using ::ar::testing::SequenceStoreTest;

constexpr char kKari[] = "kari@example.org";
constexpr char kCanon[] = "canon-eos-5d";

using SequenceReplace = SequenceStoreTest;

TEST_F(SequenceReplace, RequeuesTheNextStepAtItsNewDueTime) {
  Enrol(MakeEnrol(kKari, kCanon, At(100)), At(0));
  ASSERT_OK(seq().RecordStepSent(OnlyStepOf(kKari, kCanon).id, "<s0@shop>", At(100), At(700)));
  const QueueItem before = OnlyStepOf(kKari, kCanon);

  std::optional<Enrolment> e = Get(kKari, kCanon);
  ASSERT_TRUE(e.has_value());
  e->version = "v2-canon";
  e->next_step = 2;
  e->next_due = At(900);
  ASSERT_OK(seq().ReplaceEnrolment(*e));

  std::optional<Enrolment> after = Get(kKari, kCanon);
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->version, "v2-canon");
  EXPECT_EQ(after->next_step, 2u);
  EXPECT_EQ(after->next_due, At(900));
  EXPECT_EQ(after->enrolled_at, At(0));
  ASSERT_EQ(after->history.size(), 1u);
  EXPECT_EQ(after->history[0].message_id, "<s0@shop>");

  const QueueItem item = OnlyStepOf(kKari, kCanon);
  EXPECT_NE(item.id, before.id);
  EXPECT_EQ(item.step, 2u);
  EXPECT_EQ(item.due, At(900));
  EXPECT_EQ(item.created, before.created);
}

TEST_F(SequenceReplace, TheNewItemIsTheOneTheDispatcherAdvances) {
  Enrol(MakeEnrol(kKari, kCanon, At(100)), At(0));
  std::optional<Enrolment> e = Get(kKari, kCanon);
  ASSERT_TRUE(e.has_value());
  e->next_due = At(50);
  ASSERT_OK(seq().ReplaceEnrolment(*e));
  ASSERT_OK(seq().RecordStepSent(OnlyStepOf(kKari, kCanon).id, "<s0@shop>", At(50), At(500)));
  std::optional<Enrolment> after = Get(kKari, kCanon);
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->next_step, 1u);
  EXPECT_EQ(OnlyStepOf(kKari, kCanon).due, At(500));
}

TEST_F(SequenceReplace, AnEndedEnrolmentLeavesNothingQueued) {
  Enrol(MakeEnrol(kKari, kCanon, At(100)), At(0));
  std::optional<Enrolment> e = Get(kKari, kCanon);
  ASSERT_TRUE(e.has_value());
  e->state = EnrolmentState::kCompleted;
  e->next_due.reset();
  ASSERT_OK(seq().ReplaceEnrolment(*e));
  EXPECT_TRUE(Steps().empty());
  EXPECT_EQ(Get(kKari, kCanon)->state, EnrolmentState::kCompleted);
}

TEST_F(SequenceReplace, RefusesAMissingEnrolmentOrAnActiveOneWithoutDueTime) {
  Enrolment missing;
  missing.person = kKari;
  missing.sequence = kCanon;
  missing.state = EnrolmentState::kCompleted;
  EXPECT_TRUE(seq().ReplaceEnrolment(missing).IsNotFound());

  Enrol(MakeEnrol(kKari, kCanon, At(100)), At(0));
  std::optional<Enrolment> e = Get(kKari, kCanon);
  ASSERT_TRUE(e.has_value());
  e->next_due.reset();
  EXPECT_EQ(seq().ReplaceEnrolment(*e).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(OnlyStepOf(kKari, kCanon).due, At(100));
}

}  // namespace
}  // namespace ar

namespace ar {
namespace {

using ::ar::testing::At;
using ::ar::testing::MakeEnrol;
using ::ar::testing::SequenceStoreTest;

using SequenceReplaceRace = SequenceStoreTest;

TEST_F(SequenceReplaceRace, RefusesWhenAStepWasSentSinceTheRead) {
  Enrol(MakeEnrol("kari@example.org", "canon-eos-5d", At(100)), At(0));
  std::optional<Enrolment> read = Get("kari@example.org", "canon-eos-5d");
  ASSERT_TRUE(read.has_value());
  ASSERT_OK(seq().RecordStepSent(OnlyStepOf("kari@example.org", "canon-eos-5d").id, "<s0@shop>",
                                 At(100), At(700)));
  read->next_due = At(50);
  EXPECT_EQ(seq().ReplaceEnrolment(*read).code(), Status::Code::kTemporary);
  std::optional<Enrolment> after = Get("kari@example.org", "canon-eos-5d");
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->history.size(), 1u);
  EXPECT_EQ(OnlyStepOf("kari@example.org", "canon-eos-5d").due, At(700));
}

TEST_F(SequenceReplaceRace, RefusesWhileTheDispatcherHoldsTheStep) {
  Enrol(MakeEnrol("kari@example.org", "canon-eos-5d", At(100)), At(0));
  ASSERT_TRUE(store_->ClaimDue(At(100), 10, Seconds(300)).ok());
  std::optional<Enrolment> read = Get("kari@example.org", "canon-eos-5d");
  ASSERT_TRUE(read.has_value());
  read->next_due = At(900);
  EXPECT_EQ(seq().ReplaceEnrolment(*read).code(), Status::Code::kTemporary);
  EXPECT_EQ(OnlyStepOf("kari@example.org", "canon-eos-5d").due, At(400));
}

}  // namespace
}  // namespace ar
