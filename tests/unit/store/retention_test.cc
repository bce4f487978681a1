// Store::SweepExpired: each database that grows with traffic loses a record
// only after its retention (store/retention.h, FORMAT.md "Retention"), and
// one step never removes more than its limit.
#include <gtest/gtest.h>

#include "sequence/tokens.h"
#include "sequence_fixture.h"

namespace ar {
namespace {

using ::ar::testing::At;
using ::ar::testing::kTokenKey;
using ::ar::testing::MakeEnrol;
using ::ar::testing::MakeReply;
using ::ar::testing::MakeRule;
using ::ar::testing::SequenceStoreTest;

constexpr int64_t kDay = 86400;
constexpr char kAlice[] = "alice@example.com";
constexpr char kBob[] = "bob@example.org";
constexpr char kKari[] = "kari@example.org";

class Retention : public SequenceStoreTest {
 protected:
  Retention() {
    policy_.history = Seconds(30 * kDay);
    policy_.person_sends = Seconds(kDay);
    policy_.trigger_ids = Seconds(30 * kDay);
    policy_.enrolments = Seconds(30 * kDay);
    policy_.tokens = Seconds(60 * kDay);
    policy_.failed = Seconds(30 * kDay);
  }

  // A whole pass over one database at now; how many records went.
  size_t Sweep(SweptKind kind, TimePoint now) {
    size_t removed = 0;
    std::string resume;
    for (int guard = 0; guard < 1000; ++guard) {
      Result<SweepStep> step = store_->SweepExpired(kind, resume, now, policy_, SweepLimits{});
      EXPECT_TRUE(step.ok()) << step.status().ToString();
      if (!step.ok()) return removed;
      removed += step->removed;
      if (step->finished) return removed;
      resume = step->resume_after;
    }
    ADD_FAILURE() << "sweep never finished";
    return removed;
  }
  // Every database, in the dispatcher's order.
  size_t SweepAll(TimePoint now) {
    size_t removed = 0;
    for (SweptKind kind : kSweptKinds) removed += Sweep(kind, now);
    return removed;
  }

  // alice's rule (period 7 days) answered bob at `at`: a sent response.
  void AnsweredBobAt(TimePoint at) {
    ASSERT_OK(store_->PutRule(MakeRule(kAlice)));
    auto queued = store_->Enqueue({MakeReply(kAlice, kBob)}, at);
    ASSERT_OK(queued);
    ASSERT_OK(store_->MarkSent((*queued)[0].id, at));
  }
  bool HasResponse() {
    auto r = store_->GetResponse(kAlice, kBob);
    EXPECT_OK(r);
    return r.ok() && r->has_value();
  }
  bool HasToken(const std::string& person) {
    auto p = seq().PersonForToken(PersonToken(kTokenKey, person));
    EXPECT_OK(p);
    return p.ok() && p->has_value();
  }
  bool HasSentId(const std::string& message_id) {
    auto ref = seq().FindSentMessage(message_id);
    EXPECT_OK(ref);
    return ref.ok() && ref->has_value();
  }
  // Enrols kari in sequence and completes it with one step sent at `end`.
  void CompletedAt(const std::string& sequence, TimePoint end, const std::string& message_id) {
    Enrol(MakeEnrol(kKari, sequence, end), end - Seconds(100));
    ASSERT_OK(seq().RecordStepSent(OnlyStepOf(kKari, sequence).id, message_id, end, std::nullopt));
    // The send's person_sends entry is not what these tests count.
    Sweep(SweptKind::kPersonSends, end + Seconds(2 * kDay));
  }

  RetentionPolicy policy_;
};

TEST_F(Retention, SentResponseStaysForPeriodPlusHistoryRetention) {
  AnsweredBobAt(At(0));
  // period 7 days + history_retention 30 days
  EXPECT_EQ(Sweep(SweptKind::kResponses, At(37 * kDay)), 0u);
  EXPECT_TRUE(HasResponse());
  EXPECT_EQ(Sweep(SweptKind::kResponses, At(37 * kDay + 1)), 1u);
  EXPECT_FALSE(HasResponse());
}

TEST_F(Retention, ResponseCountsTheRulesPeriodAsStoredNow) {
  AnsweredBobAt(At(0));
  OutOfOfficeRule longer = MakeRule(kAlice);
  longer.period = Seconds(20 * kDay);
  ASSERT_OK(store_->PutRule(longer));
  EXPECT_EQ(Sweep(SweptKind::kResponses, At(50 * kDay)), 0u);
  EXPECT_EQ(Sweep(SweptKind::kResponses, At(50 * kDay + 1)), 1u);
}

TEST_F(Retention, ResponseOfADeletedRuleGoesAfterHistoryRetentionAlone) {
  AnsweredBobAt(At(0));
  ASSERT_OK(store_->DeleteRule(kAlice));
  EXPECT_EQ(Sweep(SweptKind::kResponses, At(30 * kDay)), 0u);
  EXPECT_EQ(Sweep(SweptKind::kResponses, At(30 * kDay + 1)), 1u);
}

TEST_F(Retention, PendingResponseIsNeverSwept) {
  ASSERT_OK(store_->PutRule(MakeRule(kAlice)));
  ASSERT_OK(store_->Enqueue({MakeReply(kAlice, kBob)}, At(0)));
  EXPECT_EQ(SweepAll(At(1000 * kDay)), 0u);
  EXPECT_TRUE(HasResponse());
  EXPECT_EQ(store_->ListQueue(10)->size(), 1u);
}

TEST_F(Retention, PersonSendsGoOnceTheNewestLeftTheWindow) {
  AnsweredBobAt(At(0));
  EXPECT_EQ(Sweep(SweptKind::kPersonSends, At(kDay)), 0u);
  EXPECT_EQ(store_->RecentSends(kBob, At(0))->size(), 1u);
  EXPECT_EQ(Sweep(SweptKind::kPersonSends, At(kDay + 1)), 1u);
  EXPECT_TRUE(store_->RecentSends(kBob, At(0))->empty());
}

TEST_F(Retention, TriggerIdsGoAfterTheirRetention) {
  Enrol(MakeEnrol(kKari, "canon", At(1000 * kDay), "<lead-1@shop>"), At(0));
  EXPECT_EQ(Sweep(SweptKind::kTriggersSeen, At(30 * kDay)), 0u);
  EXPECT_TRUE(*seq().TriggerSeen("<lead-1@shop>", "canon"));
  EXPECT_EQ(Sweep(SweptKind::kTriggersSeen, At(30 * kDay + 1)), 1u);
  EXPECT_FALSE(*seq().TriggerSeen("<lead-1@shop>", "canon"));
}

TEST_F(Retention, FailedItemsGoAfterTheirRetention) {
  auto queued = store_->Enqueue({MakeReply(kAlice, kBob)}, At(0));
  ASSERT_OK(queued);
  ASSERT_OK(store_->MarkFailed((*queued)[0].id, At(10), "550 no such user"));
  EXPECT_EQ(Sweep(SweptKind::kFailed, At(10 + 30 * kDay)), 0u);
  EXPECT_EQ(store_->ListFailed(10)->size(), 1u);
  EXPECT_EQ(Sweep(SweptKind::kFailed, At(10 + 30 * kDay + 1)), 1u);
  EXPECT_TRUE(store_->ListFailed(10)->empty());
}

TEST_F(Retention, LastEndedEnrolmentKeepsTheTokenForTokenRetention) {
  CompletedAt("canon", At(0), "<s0@shop>");
  // Past enrolment_retention (30 days) but not token_retention (60): it is
  // the person's last enrolment, so it stays and so do token and sent id.
  EXPECT_EQ(SweepAll(At(30 * kDay + 1)), 0u);
  EXPECT_TRUE(Get(kKari, "canon").has_value());
  EXPECT_TRUE(HasToken(kKari));
  EXPECT_TRUE(HasSentId("<s0@shop>"));
  EXPECT_EQ(SweepAll(At(60 * kDay)), 0u);
  EXPECT_TRUE(HasToken(kKari));
  // enrolment + its sent id (removed with it) + token
  EXPECT_EQ(SweepAll(At(60 * kDay + 1)), 2u);
  EXPECT_FALSE(Get(kKari, "canon").has_value());
  EXPECT_FALSE(HasSentId("<s0@shop>"));
  EXPECT_FALSE(HasToken(kKari));
}

TEST_F(Retention, EarlierEndedEnrolmentGoesWhileTheLaterOneKeepsTheToken) {
  // "a-seq" sorts first but ended later: the sweep must keep it, not it
  // alone because it met the other first.
  CompletedAt("b-seq", At(0), "<b0@shop>");
  CompletedAt("a-seq", At(20 * kDay), "<a0@shop>");
  EXPECT_EQ(SweepAll(At(51 * kDay)), 1u);  // b-seq, not yet a-seq
  EXPECT_FALSE(Get(kKari, "b-seq").has_value());
  EXPECT_TRUE(Get(kKari, "a-seq").has_value());
  EXPECT_FALSE(HasSentId("<b0@shop>"));
  EXPECT_TRUE(HasSentId("<a0@shop>"));
  EXPECT_TRUE(HasToken(kKari));
  EXPECT_EQ(SweepAll(At(80 * kDay)), 0u);  // token_retention after a-seq ended
  EXPECT_TRUE(HasToken(kKari));
  SweepAll(At(80 * kDay + 1));
  EXPECT_FALSE(Get(kKari, "a-seq").has_value());
  EXPECT_FALSE(HasToken(kKari));
}

TEST_F(Retention, LeftEnrolmentCountsFromLeftAt) {
  Enrol(MakeEnrol(kKari, "canon", At(1000 * kDay)), At(0));
  SequenceDecision exit;
  exit.exits.push_back(ExitAction{"canon", kKari, "reply"});
  Apply(exit, At(10 * kDay));
  EXPECT_EQ(SweepAll(At(70 * kDay)), 0u);
  EXPECT_TRUE(HasToken(kKari));
  EXPECT_EQ(SweepAll(At(70 * kDay + 1)), 2u);  // enrolment and token
}

TEST_F(Retention, ActiveEnrolmentItsTokenAndSentIdsAreNeverSwept) {
  Enrol(MakeEnrol(kKari, "canon", At(100)), At(0));
  ASSERT_OK(
      seq().RecordStepSent(OnlyStepOf(kKari, "canon").id, "<s0@shop>", At(100), At(5000 * kDay)));
  SweepAll(At(2000 * kDay));
  ASSERT_TRUE(Get(kKari, "canon").has_value());
  EXPECT_EQ(Get(kKari, "canon")->state, EnrolmentState::kActive);
  EXPECT_TRUE(HasToken(kKari));
  EXPECT_TRUE(HasSentId("<s0@shop>"));
  EXPECT_EQ(Steps().size(), 1u);
}

TEST_F(Retention, SuppressionsAreNeverSwept) {
  ASSERT_OK(seq().Suppress(kKari, "unsubscribe", At(0)));
  EXPECT_EQ(SweepAll(At(5000 * kDay)), 0u);
  EXPECT_TRUE(Suppressed(kKari));
}

TEST_F(Retention, OneStepRemovesAtMostMaxRemoved) {
  for (int i = 0; i < 25; ++i) {
    auto queued =
        store_->Enqueue({MakeReply(kAlice, "s" + std::to_string(i) + "@example.org")}, At(0));
    ASSERT_OK(queued);
    ASSERT_OK(store_->MarkFailed((*queued)[0].id, At(0), "550"));
  }
  SweepLimits limits;
  limits.max_removed = 10;
  auto first = store_->SweepExpired(SweptKind::kFailed, "", At(31 * kDay), policy_, limits);
  ASSERT_OK(first);
  EXPECT_EQ(first->removed, 10u);
  EXPECT_FALSE(first->finished);
  EXPECT_EQ(store_->ListFailed(100)->size(), 15u);
  auto second =
      store_->SweepExpired(SweptKind::kFailed, first->resume_after, At(31 * kDay), policy_, limits);
  ASSERT_OK(second);
  EXPECT_EQ(second->removed, 10u);
  auto third = store_->SweepExpired(SweptKind::kFailed, second->resume_after, At(31 * kDay),
                                    policy_, limits);
  ASSERT_OK(third);
  EXPECT_EQ(third->removed, 5u);
  EXPECT_TRUE(third->finished);
  EXPECT_TRUE(store_->ListFailed(100)->empty());
}

TEST_F(Retention, OneStepReadsAtMostMaxExamined) {
  for (int i = 0; i < 25; ++i) {
    auto queued =
        store_->Enqueue({MakeReply(kAlice, "s" + std::to_string(i) + "@example.org")}, At(0));
    ASSERT_OK(queued);
    ASSERT_OK(store_->MarkFailed((*queued)[0].id, At(0), "550"));
  }
  SweepLimits limits;
  limits.max_examined = 10;
  auto step = store_->SweepExpired(SweptKind::kFailed, "", At(kDay), policy_, limits);
  ASSERT_OK(step);
  EXPECT_EQ(step->examined, 10u);
  EXPECT_EQ(step->removed, 0u);
  EXPECT_FALSE(step->finished);
}

TEST_F(Retention, LiveBytesShrinkAfterASweep) {
  std::vector<NewReply> replies;
  for (int i = 0; i < 200; ++i) {
    replies.push_back(MakeReply(kAlice, "s" + std::to_string(i) + "@example.org"));
    replies.back().message += std::string(2000, 'x');
  }
  auto queued = store_->Enqueue(replies, At(0));
  ASSERT_OK(queued);
  for (const EnqueueOutcome& outcome : *queued)
    ASSERT_OK(store_->MarkFailed(outcome.id, At(0), "550"));
  auto before = store_->Stats();
  ASSERT_OK(before);
  EXPECT_GT(before->live_bytes, 0u);
  EXPECT_LE(before->live_bytes, before->used_bytes);
  EXPECT_EQ(Sweep(SweptKind::kFailed, At(31 * kDay)), 200u);
  auto after = store_->Stats();
  ASSERT_OK(after);
  EXPECT_LT(after->live_bytes, before->live_bytes / 4);
}

}  // namespace
}  // namespace ar
