// The reserve: once the data in use reaches map_size - reserve, new replies
// and enrolments (the milter's writes) fail with Full, while the writes that
// send and clear the queue (claim, sent, retry, failed, defer) still fit, so
// a store that filled up always drains, and takes new replies again after.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "store/lmdb_store.h"
#include "store_fixture.h"

namespace ar {
namespace {

using ::ar::testing::At;
using ::ar::testing::MakeReply;
using ::ar::testing::StoreTest;

constexpr uint64_t kMap = 2ull << 20;  // 2 MiB

class Reserve : public StoreTest {
 protected:
  StoreOptions SmallOptions() const {
    StoreOptions options = Options();
    options.map_size = kMap;
    options.initial_map_size = 256ull << 10;
    options.reserve_percent = 25;
    return options;
  }

  static NewReply BigReply(int i) {
    NewReply reply = MakeReply("ole@example.com", "s" + std::to_string(i) + "@example.org");
    reply.message = std::string(3000, 'x');
    return reply;
  }

  // Enqueues replies until the store refuses one; how many were queued.
  int FillUntilFull(Store& store, Status* refusal) {
    for (int i = 0; i < 5000; ++i) {
      Result<std::vector<EnqueueOutcome>> out = store.Enqueue({BigReply(i)}, At(0));
      if (!out.ok()) {
        *refusal = out.status();
        return i;
      }
      EXPECT_TRUE((*out)[0].queued);
    }
    return -1;
  }

  uint64_t FileSize() const { return std::filesystem::file_size(dir_ / "data.mdb"); }
};

TEST_F(Reserve, NewRepliesAreRefusedWhileTheQueueStillDrains) {
  store_.reset();
  store_ = OpenStore(SmallOptions());
  ASSERT_NE(store_, nullptr);
  Status refusal;
  const int queued = FillUntilFull(*store_, &refusal);
  ASSERT_GT(queued, 50);
  EXPECT_EQ(refusal.code(), Status::Code::kFull) << refusal.ToString();
  EXPECT_NE(refusal.message().find("store_reserve"), std::string::npos) << refusal.message();

  // Every write of the dispatcher still fits: claim a batch (claiming
  // rewrites each item, so the dispatcher claims less when a whole-queue
  // claim does not fit), retry one, defer one, fail one, send the rest.
  Result<std::vector<QueueItem>> first = store_->ClaimDue(At(10), 16, Seconds(600));
  ASSERT_OK(first);
  ASSERT_EQ(first->size(), 16u);
  ASSERT_OK(store_->MarkRetry((*first)[0].id, At(11), "451 later"));
  ASSERT_OK(store_->Defer((*first)[1].id, At(12), "frequency cap"));
  ASSERT_OK(store_->MarkFailed((*first)[2].id, At(10), "550 no such user"));
  for (size_t i = 3; i < first->size(); ++i) ASSERT_OK(store_->MarkSent((*first)[i].id, At(10)));
  for (int round = 0; round < 1000; ++round) {
    Result<std::vector<QueueItem>> claimed = store_->ClaimDue(At(20), 16, Seconds(600));
    ASSERT_OK(claimed);
    if (claimed->empty()) break;
    for (const QueueItem& item : *claimed) ASSERT_OK(store_->MarkSent(item.id, At(20)));
  }
  Result<std::vector<QueueItem>> left = store_->ListQueue(100000);
  ASSERT_OK(left);
  EXPECT_TRUE(left->empty());
  Result<std::vector<QueueItem>> failed = store_->ListFailed(100000);
  ASSERT_OK(failed);
  EXPECT_EQ(failed->size(), 1u);
  EXPECT_LE(FileSize(), kMap);

  // Drained: new replies fit again.
  Result<std::vector<EnqueueOutcome>> again = store_->Enqueue({BigReply(100000)}, At(20));
  ASSERT_OK(again);
  EXPECT_TRUE((*again)[0].queued);
}

TEST_F(Reserve, EnrolmentsAreRefusedLikeReplies) {
  store_.reset();
  store_ = OpenStore(SmallOptions());
  ASSERT_NE(store_, nullptr);
  Status refusal;
  ASSERT_GT(FillUntilFull(*store_, &refusal), 0);
  SequenceDecision decision;
  EnrolAction enrol;
  enrol.sequence = "welcome";
  enrol.version = "1";
  enrol.person = "eve@example.org";
  enrol.first_due = At(60);
  decision.enrols.push_back(enrol);
  Status applied = store_->sequences().ApplySequenceDecision(decision, "", 3, At(1));
  EXPECT_EQ(applied.code(), Status::Code::kFull) << applied.ToString();
  // A decision that only suppresses (an unsubscribe) makes room: it goes
  // in, as does an operator's own edit.
  SequenceDecision unsubscribe;
  unsubscribe.suppressions.push_back({"eve@example.org", "unsubscribed"});
  EXPECT_OK(store_->sequences().ApplySequenceDecision(unsubscribe, "", 3, At(1)));
  EXPECT_OK(store_->sequences().Suppress("mallory@example.org", "asked", At(1)));
}

TEST_F(Reserve, NoReserveMeansTheOldBehaviourAClaimThatDoesNotFit) {
  // Without a reserve the milter fills the map to the last page, and the
  // claim of the whole queue (it rewrites every item) no longer fits:
  // exactly what the reserve is for.
  store_.reset();
  StoreOptions options = SmallOptions();
  options.reserve_bytes = 0;
  options.reserve_percent = 0;
  store_ = OpenStore(options);
  ASSERT_NE(store_, nullptr);
  Status refusal;
  ASSERT_GT(FillUntilFull(*store_, &refusal), 0);
  Result<std::vector<QueueItem>> claimed = store_->ClaimDue(At(10), 100000, Seconds(600));
  EXPECT_EQ(claimed.status().code(), Status::Code::kFull);
}

TEST_F(Reserve, ReserveIsAPercentOrBytesAndAtMostHalfTheMap) {
  StoreOptions options;
  options.map_size = 1000ull << 20;
  EXPECT_EQ(options.Reserve(), 100ull << 20);  // 10 % by default
  options.reserve_bytes = 8ull << 20;
  EXPECT_EQ(options.Reserve(), 8ull << 20);
  options.reserve_bytes = 900ull << 20;
  EXPECT_EQ(options.Reserve(), 500ull << 20);
}

}  // namespace
}  // namespace ar
