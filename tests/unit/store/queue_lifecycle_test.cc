// The dispatcher's side of the queue: claim, lease, retry, sent, failed.
#include <gtest/gtest.h>

#include "store_fixture.h"

namespace ar {
namespace {

using ::ar::testing::At;
using ::ar::testing::MakeReply;
using ::ar::testing::StoreTest;

class StoreQueue : public StoreTest {
 protected:
  uint64_t QueueDue(const std::string& sender, TimePoint due) {
    NewReply reply = MakeReply("ole@example.com", sender);
    reply.due = due;
    Result<std::vector<EnqueueOutcome>> outcomes = store_->Enqueue({reply}, At(0));
    EXPECT_TRUE(outcomes.ok() && (*outcomes)[0].queued);
    return outcomes.ok() ? (*outcomes)[0].id : 0;
  }
  std::vector<uint64_t> Claim(TimePoint now, size_t limit, Seconds lease = Seconds(300)) {
    Result<std::vector<QueueItem>> items = store_->ClaimDue(now, limit, lease);
    EXPECT_TRUE(items.ok()) << items.status().ToString();
    std::vector<uint64_t> ids;
    if (items.ok()) {
      for (const QueueItem& item : *items) ids.push_back(item.id);
    }
    return ids;
  }
  std::optional<ResponseRecord> Response(const std::string& sender) {
    Result<std::optional<ResponseRecord>> r = store_->GetResponse("ole@example.com", sender);
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : std::nullopt;
  }
};

TEST_F(StoreQueue, ClaimReturnsOnlyDueItemsInDueOrder) {
  uint64_t late = QueueDue("a@x", At(50));
  uint64_t early = QueueDue("b@x", At(10));
  uint64_t future = QueueDue("c@x", At(1000));
  uint64_t same_time = QueueDue("d@x", At(10));
  EXPECT_EQ(Claim(At(100), 10), (std::vector<uint64_t>{early, same_time, late}));
  (void)future;
}

TEST_F(StoreQueue, ClaimHonoursLimit) {
  uint64_t first = QueueDue("a@x", At(1));
  uint64_t second = QueueDue("b@x", At(2));
  QueueDue("c@x", At(3));
  EXPECT_EQ(Claim(At(100), 2), (std::vector<uint64_t>{first, second}));
  EXPECT_TRUE(Claim(At(100), 0).empty());
}

TEST_F(StoreQueue, ClaimedItemIsLeasedAndReturnsAfterLease) {
  uint64_t id = QueueDue("a@x", At(10));
  Result<std::vector<QueueItem>> claimed = store_->ClaimDue(At(20), 10, Seconds(300));
  ASSERT_OK(claimed);
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ((*claimed)[0].due, At(320));
  EXPECT_EQ((*claimed)[0].attempts, 0u);
  // A second dispatcher does not see it during the lease...
  EXPECT_TRUE(Claim(At(319), 10).empty());
  Result<std::optional<TimePoint>> next = store_->NextDue();
  ASSERT_OK(next);
  EXPECT_EQ(*next, At(320));
  // ...but does once the lease ran out (the first one died).
  EXPECT_EQ(Claim(At(320), 10), std::vector<uint64_t>{id});
}

TEST_F(StoreQueue, MarkSentRemovesItemAndRecordsSentResponse) {
  uint64_t id = QueueDue("a@x", At(10));
  ASSERT_EQ(Claim(At(10), 10).size(), 1u);
  ASSERT_OK(store_->MarkSent(id, At(15)));
  Result<std::vector<QueueItem>> queue = store_->ListQueue(10);
  ASSERT_OK(queue);
  EXPECT_TRUE(queue->empty());
  Result<std::optional<TimePoint>> next = store_->NextDue();
  ASSERT_OK(next);
  EXPECT_FALSE(next->has_value());
  std::optional<ResponseRecord> response = Response("a@x");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->state, ResponseState::kSent);
  EXPECT_EQ(response->at, At(15));
  EXPECT_TRUE(store_->MarkSent(id, At(16)).IsNotFound());
}

TEST_F(StoreQueue, MarkRetryReschedulesAndCountsAttempts) {
  uint64_t id = QueueDue("a@x", At(10));
  ASSERT_EQ(Claim(At(10), 10).size(), 1u);
  ASSERT_OK(store_->MarkRetry(id, At(70), "451 4.3.0 try later"));
  EXPECT_TRUE(Claim(At(69), 10).empty());
  Result<std::vector<QueueItem>> claimed = store_->ClaimDue(At(70), 10, Seconds(300));
  ASSERT_OK(claimed);
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ((*claimed)[0].attempts, 1u);
  EXPECT_EQ((*claimed)[0].last_error, "451 4.3.0 try later");
  ASSERT_OK(store_->MarkRetry(id, At(500), "again"));
  Result<std::vector<QueueItem>> queue = store_->ListQueue(10);
  ASSERT_OK(queue);
  ASSERT_EQ(queue->size(), 1u);
  EXPECT_EQ((*queue)[0].attempts, 2u);
  EXPECT_EQ((*queue)[0].due, At(500));
  // Only one due entry: the old ones were moved, not copied.
  EXPECT_EQ(Claim(At(1000), 10), std::vector<uint64_t>{id});
  EXPECT_TRUE(store_->MarkRetry(999, At(1), "x").IsNotFound());
}

TEST_F(StoreQueue, MarkFailedMovesItemAndFreesTheSender) {
  uint64_t id = QueueDue("a@x", At(10));
  ASSERT_EQ(Claim(At(10), 10).size(), 1u);
  ASSERT_OK(store_->MarkFailed(id, At(20), "550 5.1.1 no such user"));
  Result<std::vector<QueueItem>> queue = store_->ListQueue(10);
  ASSERT_OK(queue);
  EXPECT_TRUE(queue->empty());
  EXPECT_TRUE(Claim(At(10000), 10).empty());
  Result<std::vector<QueueItem>> failed = store_->ListFailed(10);
  ASSERT_OK(failed);
  ASSERT_EQ(failed->size(), 1u);
  EXPECT_EQ((*failed)[0].id, id);
  EXPECT_EQ((*failed)[0].last_error, "550 5.1.1 no such user");
  EXPECT_EQ((*failed)[0].attempts, 1u);
  EXPECT_FALSE(Response("a@x").has_value());
  // The sender's next message may be answered again.
  EXPECT_NE(QueueDue("a@x", At(30)), 0u);
  EXPECT_TRUE(store_->MarkFailed(id, At(21), "x").IsNotFound());
}

TEST_F(StoreQueue, MarkFailedKeepsResponseOfANewerGeneration) {
  uint64_t old_id = QueueDue("a@x", At(10));
  NewReply newer = MakeReply("ole@example.com", "a@x", 2);
  ASSERT_OK(store_->Enqueue({newer}, At(5)));
  ASSERT_OK(store_->MarkFailed(old_id, At(20), "550"));
  std::optional<ResponseRecord> response = Response("a@x");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->generation, 2u);
  EXPECT_EQ(response->state, ResponseState::kPending);
}

TEST_F(StoreQueue, MarkSentOfOlderGenerationKeepsNewerPendingResponse) {
  uint64_t old_id = QueueDue("a@x", At(10));
  ASSERT_OK(store_->Enqueue({MakeReply("ole@example.com", "a@x", 2)}, At(5)));
  ASSERT_OK(store_->MarkSent(old_id, At(20)));
  std::optional<ResponseRecord> response = Response("a@x");
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->generation, 2u);
  EXPECT_EQ(response->state, ResponseState::kPending);
}

TEST_F(StoreQueue, NextDueIsTheEarliestDueTime) {
  Result<std::optional<TimePoint>> empty = store_->NextDue();
  ASSERT_OK(empty);
  EXPECT_FALSE(empty->has_value());
  QueueDue("a@x", At(500));
  QueueDue("b@x", At(40));
  QueueDue("c@x", At(9000));
  Result<std::optional<TimePoint>> next = store_->NextDue();
  ASSERT_OK(next);
  EXPECT_EQ(*next, At(40));
}

TEST_F(StoreQueue, ListQueueIsInIdOrderAndHonoursLimit) {
  uint64_t a = QueueDue("a@x", At(500));
  uint64_t b = QueueDue("b@x", At(40));
  QueueDue("c@x", At(9000));
  Result<std::vector<QueueItem>> queue = store_->ListQueue(2);
  ASSERT_OK(queue);
  ASSERT_EQ(queue->size(), 2u);
  EXPECT_EQ((*queue)[0].id, a);
  EXPECT_EQ((*queue)[1].id, b);
}

TEST_F(StoreQueue, HugeLeaseDoesNotOverflow) {
  uint64_t id = QueueDue("a@x", At(1));
  Result<std::vector<QueueItem>> claimed =
      store_->ClaimDue(At(10), 10, Seconds(std::numeric_limits<int64_t>::max()));
  ASSERT_OK(claimed);
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_TRUE(Claim(At(1000000), 10).empty());
  ASSERT_OK(store_->MarkRetry(id, At(5), "x"));
  EXPECT_EQ(Claim(At(10), 10), std::vector<uint64_t>{id});
}

}  // namespace
}  // namespace ar
