// The operator's queue control (autoresponder-ctl queue show, delete,
// retry, hold, release; FORMAT.md "held"): a held item is never claimed
// and keeps out of the due index until released; delete and retry leave
// the response log and enrolments consistent.
#include <gtest/gtest.h>

#include "sequence_fixture.h"

namespace ar {
namespace {

using ::ar::testing::At;
using ::ar::testing::MakeEnrol;
using ::ar::testing::MakeReply;
using ::ar::testing::SequenceStoreTest;

class QueueControl : public SequenceStoreTest {
 protected:
  uint64_t QueueReply(const std::string& sender, TimePoint due) {
    NewReply reply = MakeReply("ole@example.com", sender);
    reply.due = due;
    reply.origin_queue_id = "4XyZ1234";
    Result<std::vector<EnqueueOutcome>> out = store_->Enqueue({reply}, At(0));
    EXPECT_TRUE(out.ok() && (*out)[0].queued);
    return out.ok() ? (*out)[0].id : 0;
  }
  std::optional<QueueItem> Find(uint64_t id) {
    Result<std::optional<QueueItem>> found = store_->FindQueueItem(id);
    EXPECT_TRUE(found.ok()) << found.status().ToString();
    return found.ok() ? *found : std::nullopt;
  }
  size_t Claim(TimePoint now) {
    Result<std::vector<QueueItem>> claimed = store_->ClaimDue(now, 100, Seconds(600));
    EXPECT_TRUE(claimed.ok()) << claimed.status().ToString();
    return claimed.ok() ? claimed->size() : 0;
  }
};

TEST_F(QueueControl, FindQueueItemShowsQueuedHeldAndFailedItems) {
  const uint64_t id = QueueReply("a@x", At(10));
  std::optional<QueueItem> item = Find(id);
  ASSERT_TRUE(item.has_value());
  EXPECT_EQ(item->origin_queue_id, "4XyZ1234");
  EXPECT_FALSE(item->held);
  EXPECT_FALSE(item->failed);

  ASSERT_OK(store_->Hold(id));
  EXPECT_TRUE(Find(id)->held);

  ASSERT_OK(store_->MarkFailed(id, At(20), "550 no such user"));
  item = Find(id);
  ASSERT_TRUE(item.has_value());
  EXPECT_TRUE(item->failed);
  EXPECT_EQ(item->last_error, "550 no such user");
  EXPECT_FALSE(Find(id + 100).has_value());
}

TEST_F(QueueControl, HeldItemIsNeverClaimedUntilReleased) {
  const uint64_t held = QueueReply("a@x", At(10));
  const uint64_t other = QueueReply("b@x", At(10));
  ASSERT_OK(store_->Hold(held));
  ASSERT_OK(store_->Hold(held));  // twice changes nothing

  Result<std::vector<QueueItem>> claimed = store_->ClaimDue(At(100), 100, Seconds(600));
  ASSERT_OK(claimed);
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ((*claimed)[0].id, other);
  EXPECT_EQ(Claim(At(100000)), 1u);  // the lease ran out: other again, never the held one
  ASSERT_OK(store_->MarkSent(other, At(100001)));
  EXPECT_EQ(Claim(At(200000)), 0u);

  Result<std::vector<QueueItem>> listed = store_->ListQueue(10);
  ASSERT_OK(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_TRUE((*listed)[0].held);
  Result<std::optional<TimePoint>> next = store_->NextDue();
  ASSERT_OK(next);
  EXPECT_FALSE(next->has_value());

  ASSERT_OK(store_->Release(held));
  EXPECT_EQ(*store_->NextDue(), std::optional<TimePoint>(At(10)));
  EXPECT_EQ(Claim(At(200000)), 1u);
}

TEST_F(QueueControl, HoldingAClaimedItemKeepsItsDueTimeAndARetryDoesNotUnholdIt) {
  const uint64_t id = QueueReply("a@x", At(10));
  ASSERT_EQ(Claim(At(20)), 1u);
  ASSERT_OK(store_->Hold(id));
  EXPECT_EQ(Find(id)->due, At(10));
  // The send that was in flight fails temporarily: still held.
  ASSERT_OK(store_->MarkRetry(id, At(300), "451 try later"));
  EXPECT_TRUE(Find(id)->held);
  EXPECT_EQ(Claim(At(100000)), 0u);
  // The next dispatcher start does not release it either.
  Result<size_t> released = store_->ReleaseClaims();
  ASSERT_OK(released);
  EXPECT_EQ(*released, 0u);
  EXPECT_EQ(Claim(At(100000)), 0u);
}

TEST_F(QueueControl, RetryNowMakesAnItemDueAndRefusesHeldOrClaimedOnes) {
  const uint64_t later = QueueReply("a@x", At(5000));
  const uint64_t held = QueueReply("b@x", At(5000));
  ASSERT_OK(store_->Hold(held));
  ASSERT_OK(store_->RetryNow(later, At(100)));
  EXPECT_EQ(Find(later)->due, At(100));
  EXPECT_EQ(store_->RetryNow(held, At(100)).code(), Status::Code::kInvalidArgument);
  ASSERT_EQ(Claim(At(100)), 1u);
  EXPECT_EQ(store_->RetryNow(later, At(150)).code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(store_->RetryNow(9999, At(100)).IsNotFound());
}

TEST_F(QueueControl, RetryAllNowMovesEveryWaitingItemButHeldAndClaimedOnes) {
  const uint64_t a = QueueReply("a@x", At(5000));
  const uint64_t b = QueueReply("b@x", At(9000));
  const uint64_t held = QueueReply("c@x", At(7000));
  const uint64_t due = QueueReply("d@x", At(50));
  ASSERT_OK(store_->Hold(held));
  ASSERT_EQ(Claim(At(60)), 1u);  // d, leased until 660
  Result<size_t> moved = store_->RetryAllNow(At(100));
  ASSERT_OK(moved);
  EXPECT_EQ(*moved, 2u);
  EXPECT_EQ(Find(a)->due, At(100));
  EXPECT_EQ(Find(b)->due, At(100));
  EXPECT_EQ(Find(held)->due, At(7000));
  EXPECT_EQ(Find(due)->due, At(660));
}

TEST_F(QueueControl, DeletingAQueuedReplyLetsTheSenderBeAnsweredAgain) {
  const uint64_t id = QueueReply("a@x", At(10));
  ASSERT_OK(store_->Hold(id));
  ASSERT_OK(store_->DeleteQueueItem(id, At(20)));
  EXPECT_FALSE(Find(id).has_value());
  Result<std::optional<ResponseRecord>> response = store_->GetResponse("ole@example.com", "a@x");
  ASSERT_OK(response);
  EXPECT_FALSE(response->has_value());
  EXPECT_TRUE(store_->DeleteQueueItem(id, At(20)).IsNotFound());
}

TEST_F(QueueControl, DeletingAQueuedStepEndsItsEnrolment) {
  Enrol(MakeEnrol("kari@example.org", "welcome", At(100)), At(0));
  const QueueItem step = OnlyStepOf("kari@example.org", "welcome");
  ASSERT_OK(store_->DeleteQueueItem(step.id, At(50)));
  std::optional<Enrolment> e = Get("kari@example.org", "welcome");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->state, EnrolmentState::kLeft);
  EXPECT_EQ(e->left_reason, "manual");
  EXPECT_TRUE(Steps().empty());
}

TEST_F(QueueControl, DeleteRemovesFailedItemsOneOrAll) {
  const uint64_t a = QueueReply("a@x", At(10));
  const uint64_t b = QueueReply("b@x", At(10));
  const uint64_t c = QueueReply("c@x", At(10));
  ASSERT_OK(store_->MarkFailed(a, At(20), "550"));
  ASSERT_OK(store_->MarkFailed(b, At(20), "550"));
  ASSERT_OK(store_->DeleteQueueItem(a, At(30)));
  EXPECT_FALSE(Find(a).has_value());
  Result<size_t> deleted = store_->DeleteAllFailed();
  ASSERT_OK(deleted);
  EXPECT_EQ(*deleted, 1u);
  EXPECT_TRUE(store_->ListFailed(10)->empty());
  EXPECT_TRUE(Find(c).has_value());  // the queue is untouched
}

TEST_F(QueueControl, HoldOfAnUnknownItemIsNotFound) {
  EXPECT_TRUE(store_->Hold(42).IsNotFound());
  EXPECT_TRUE(store_->Release(42).IsNotFound());
}

TEST_F(QueueControl, AHoldSurvivesReopening) {
  const uint64_t id = QueueReply("a@x", At(10));
  ASSERT_OK(store_->Hold(id));
  store_.reset();
  store_ = OpenStore();
  EXPECT_TRUE(Find(id)->held);
  EXPECT_EQ(Claim(At(100)), 0u);
}

}  // namespace
}  // namespace ar
