// Enqueue and its dedupe against the response log.
#include <gtest/gtest.h>

#include "store_fixture.h"

namespace ar {
namespace {

using ::ar::testing::At;
using ::ar::testing::MakeReply;
using ::ar::testing::StoreTest;

class StoreEnqueue : public StoreTest {
 protected:
  // Enqueues one reply at now and returns whether it was queued.
  bool Queue(const NewReply& reply, TimePoint now) {
    Result<std::vector<EnqueueOutcome>> outcomes = store_->Enqueue({reply}, now);
    EXPECT_TRUE(outcomes.ok()) << outcomes.status().ToString();
    if (!outcomes.ok() || outcomes->size() != 1) return false;
    last_id_ = (*outcomes)[0].id;
    return (*outcomes)[0].queued;
  }
  // Claims and sends the last queued item at now.
  void Send(TimePoint now) {
    ASSERT_OK(store_->ClaimDue(now, 100, Seconds(300)));
    ASSERT_OK(store_->MarkSent(last_id_, now));
  }
  uint64_t last_id_ = 0;
};

TEST_F(StoreEnqueue, QueuesItemAndRecordsPendingResponse) {
  NewReply reply = MakeReply("ole@example.com", "kari@example.org", 3);
  reply.due = At(30);
  ASSERT_TRUE(Queue(reply, At(0)));
  EXPECT_EQ(last_id_, 1u);

  Result<std::vector<QueueItem>> queue = store_->ListQueue(10);
  ASSERT_OK(queue);
  ASSERT_EQ(queue->size(), 1u);
  const QueueItem& item = (*queue)[0];
  EXPECT_EQ(item.id, 1u);
  EXPECT_EQ(item.user, "ole@example.com");
  EXPECT_EQ(item.generation, 3u);
  EXPECT_EQ(item.envelope_recipient, "kari@example.org");
  EXPECT_EQ(item.message, reply.message);
  EXPECT_EQ(item.created, At(0));
  EXPECT_EQ(item.due, At(30));
  EXPECT_EQ(item.attempts, 0u);
  EXPECT_EQ(item.origin_queue_id, "4AbCdE");

  Result<std::optional<ResponseRecord>> response =
      store_->GetResponse("ole@example.com", "kari@example.org");
  ASSERT_OK(response);
  ASSERT_TRUE(response->has_value());
  EXPECT_EQ((*response)->state, ResponseState::kPending);
  EXPECT_EQ((*response)->generation, 3u);
  EXPECT_EQ((*response)->at, At(0));
}

TEST_F(StoreEnqueue, PendingResponseInSameGenerationSkips) {
  ASSERT_TRUE(Queue(MakeReply("ole@example.com", "kari@example.org"), At(0)));
  // Even long after the period: a pending reply has not been sent yet.
  EXPECT_FALSE(Queue(MakeReply("ole@example.com", "kari@example.org"), At(30 * 86400)));
  Result<std::vector<QueueItem>> queue = store_->ListQueue(10);
  ASSERT_OK(queue);
  EXPECT_EQ(queue->size(), 1u);
}

TEST_F(StoreEnqueue, SentResponseSkipsWithinPeriodOnly) {
  const Seconds period(7 * 86400);
  ASSERT_TRUE(Queue(MakeReply("ole@example.com", "kari@example.org", 1, period), At(0)));
  Send(At(100));
  EXPECT_FALSE(Queue(MakeReply("ole@example.com", "kari@example.org", 1, period),
                     At(100) + period - Seconds(1)));
  EXPECT_TRUE(Queue(MakeReply("ole@example.com", "kari@example.org", 1, period), At(100) + period));
}

TEST_F(StoreEnqueue, ResponseFromOlderGenerationDoesNotCount) {
  ASSERT_TRUE(Queue(MakeReply("ole@example.com", "kari@example.org", 1), At(0)));
  // Still pending in generation 1, but the rule was edited.
  EXPECT_TRUE(Queue(MakeReply("ole@example.com", "kari@example.org", 2), At(10)));
  Send(At(20));
  EXPECT_FALSE(Queue(MakeReply("ole@example.com", "kari@example.org", 2), At(30)));
  EXPECT_TRUE(Queue(MakeReply("ole@example.com", "kari@example.org", 3), At(40)));
}

TEST_F(StoreEnqueue, ResponseFromNewerGenerationCounts) {
  ASSERT_TRUE(Queue(MakeReply("ole@example.com", "kari@example.org", 5), At(0)));
  EXPECT_FALSE(Queue(MakeReply("ole@example.com", "kari@example.org", 4), At(10)));
  Result<std::optional<ResponseRecord>> response =
      store_->GetResponse("ole@example.com", "kari@example.org");
  ASSERT_OK(response);
  EXPECT_EQ((*response)->generation, 5u);
}

TEST_F(StoreEnqueue, DedupeIsPerUserAndSenderCaseInsensitively) {
  ASSERT_TRUE(Queue(MakeReply("ole@example.com", "kari@example.org"), At(0)));
  EXPECT_FALSE(Queue(MakeReply("OLE@example.com", "Kari@Example.ORG"), At(1)));
  EXPECT_TRUE(Queue(MakeReply("ole@example.com", "per@example.org"), At(2)));
  EXPECT_TRUE(Queue(MakeReply("kari@example.org", "ole@example.com"), At(3)));
}

TEST_F(StoreEnqueue, BatchDedupesWithinItselfAndAssignsIncreasingIds) {
  Result<std::vector<EnqueueOutcome>> outcomes =
      store_->Enqueue({MakeReply("ole@example.com", "kari@example.org"),
                       MakeReply("ole@example.com", "kari@example.org"),
                       MakeReply("per@example.com", "kari@example.org")},
                      At(0));
  ASSERT_OK(outcomes);
  ASSERT_EQ(outcomes->size(), 3u);
  EXPECT_TRUE((*outcomes)[0].queued);
  EXPECT_FALSE((*outcomes)[1].queued);
  EXPECT_TRUE((*outcomes)[2].queued);
  EXPECT_LT((*outcomes)[0].id, (*outcomes)[2].id);
}

TEST_F(StoreEnqueue, InvalidReplyQueuesNothingFromTheBatch) {
  NewReply bad = MakeReply("", "kari@example.org");
  Result<std::vector<EnqueueOutcome>> outcomes =
      store_->Enqueue({MakeReply("ole@example.com", "per@example.org"), bad}, At(0));
  ASSERT_FALSE(outcomes.ok());
  EXPECT_EQ(outcomes.status().code(), Status::Code::kInvalidArgument);
  Result<std::vector<QueueItem>> queue = store_->ListQueue(10);
  ASSERT_OK(queue);
  EXPECT_TRUE(queue->empty());

  NewReply with_nul = MakeReply(std::string("ole\0x", 5), "kari@example.org");
  EXPECT_EQ(store_->Enqueue({with_nul}, At(0)).status().code(), Status::Code::kInvalidArgument);
  NewReply too_long = MakeReply("ole@example.com", std::string(600, 'k'));
  EXPECT_EQ(store_->Enqueue({too_long}, At(0)).status().code(), Status::Code::kInvalidArgument);
}

TEST_F(StoreEnqueue, EmptyBatchIsOk) {
  Result<std::vector<EnqueueOutcome>> outcomes = store_->Enqueue({}, At(0));
  ASSERT_OK(outcomes);
  EXPECT_TRUE(outcomes->empty());
}

}  // namespace
}  // namespace ar
