// The claim cycle: ClaimDue remembers each item's due time, every completion
// (MarkSent, MarkRetry, MarkFailed, Defer, RecordStepSent, DropStep,
// SkipStep) ends the claim, and ReleaseClaims puts the rest back.
#include <gtest/gtest.h>

#include "sequence_fixture.h"
#include "store/lmdb_env.h"

namespace ar {
namespace {

using ::ar::testing::At;
using ::ar::testing::MakeEnrol;
using ::ar::testing::MakeReply;
using ::ar::testing::SequenceStoreTest;

class StoreClaims : public SequenceStoreTest {
 protected:
  // Queues a reply to sender due at `due` and returns its id.
  uint64_t QueueReply(const std::string& sender, TimePoint due) {
    NewReply reply = MakeReply("ole@example.com", sender);
    reply.due = due;
    Result<std::vector<EnqueueOutcome>> out = store_->Enqueue({reply}, At(0));
    EXPECT_TRUE(out.ok() && (*out)[0].queued);
    return out.ok() ? (*out)[0].id : 0;
  }
  // The due time of item id in the queue (nullopt when not queued).
  std::optional<TimePoint> DueOf(uint64_t id) {
    Result<std::vector<QueueItem>> queue = store_->ListQueue(1000);
    EXPECT_TRUE(queue.ok());
    if (!queue.ok()) return std::nullopt;
    for (const QueueItem& item : *queue) {
      if (item.id == id) return item.due;
    }
    return std::nullopt;
  }
  size_t Release() {
    Result<size_t> released = store_->ReleaseClaims();
    EXPECT_TRUE(released.ok()) << released.status().ToString();
    return released.ok() ? *released : 0;
  }
};

TEST_F(StoreClaims, ReleaseClaimsPutsClaimedItemsBackToTheirDueTime) {
  const uint64_t a = QueueReply("a@x", At(10));
  const uint64_t b = QueueReply("b@x", At(20));
  const uint64_t later = QueueReply("c@x", At(5000));
  Result<std::vector<QueueItem>> claimed = store_->ClaimDue(At(30), 10, Seconds(3600));
  ASSERT_OK(claimed);
  ASSERT_EQ(claimed->size(), 2u);
  EXPECT_EQ(DueOf(a), At(3630));

  // The dispatcher died; the next one releases both at once.
  EXPECT_EQ(Release(), 2u);
  EXPECT_EQ(DueOf(a), At(10));
  EXPECT_EQ(DueOf(b), At(20));
  EXPECT_EQ(DueOf(later), At(5000));
  Result<std::optional<TimePoint>> next = store_->NextDue();
  ASSERT_OK(next);
  EXPECT_EQ(*next, At(10));
  // Released means unclaimed: nothing is left to release.
  EXPECT_EQ(Release(), 0u);
  claimed = store_->ClaimDue(At(30), 10, Seconds(60));
  ASSERT_OK(claimed);
  EXPECT_EQ(claimed->size(), 2u);
}

TEST_F(StoreClaims, ClaimAgainAfterLeaseKeepsTheFirstDueTime) {
  const uint64_t a = QueueReply("a@x", At(10));
  ASSERT_OK(store_->ClaimDue(At(10), 10, Seconds(60)));
  // The lease ran out and another dispatcher run claimed it again.
  Result<std::vector<QueueItem>> again = store_->ClaimDue(At(100), 10, Seconds(60));
  ASSERT_OK(again);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ(Release(), 1u);
  EXPECT_EQ(DueOf(a), At(10));
}

TEST_F(StoreClaims, EveryCompletionEndsTheClaim) {
  const uint64_t sent = QueueReply("sent@x", At(0));
  const uint64_t retried = QueueReply("retried@x", At(0));
  const uint64_t failed = QueueReply("failed@x", At(0));
  const uint64_t deferred = QueueReply("deferred@x", At(0));
  Enrol(MakeEnrol("p1@x", "seq", At(0)), At(0));
  Enrol(MakeEnrol("p2@x", "seq", At(0)), At(0));
  Enrol(MakeEnrol("p3@x", "seq", At(0)), At(0));
  const uint64_t step_sent = OnlyStepOf("p1@x", "seq").id;
  const uint64_t step_dropped = OnlyStepOf("p2@x", "seq").id;
  const uint64_t step_skipped = OnlyStepOf("p3@x", "seq").id;
  Result<std::vector<QueueItem>> claimed = store_->ClaimDue(At(0), 100, Seconds(600));
  ASSERT_OK(claimed);
  ASSERT_EQ(claimed->size(), 7u);

  ASSERT_OK(store_->MarkSent(sent, At(1)));
  ASSERT_OK(store_->MarkRetry(retried, At(300), "451 later"));
  ASSERT_OK(store_->MarkFailed(failed, At(1), "550 no"));
  ASSERT_OK(store_->Defer(deferred, At(900), "frequency cap"));
  ASSERT_OK(seq().RecordStepSent(step_sent, "<s@x>", At(1), std::nullopt));
  ASSERT_OK(seq().DropStep(step_dropped));
  ASSERT_OK(seq().SkipStep(step_skipped, "overdue", At(1), std::nullopt));

  EXPECT_EQ(Release(), 0u);
  EXPECT_EQ(DueOf(retried), At(300));
  EXPECT_EQ(DueOf(deferred), At(900));
}

TEST_F(StoreClaims, DeferMovesDueAndKeepsAttemptsAndError) {
  const uint64_t id = QueueReply("a@x", At(0));
  ASSERT_OK(store_->ClaimDue(At(0), 10, Seconds(60)));
  ASSERT_OK(store_->MarkRetry(id, At(30), "451 greylisted"));
  ASSERT_OK(store_->ClaimDue(At(30), 10, Seconds(60)));
  ASSERT_OK(store_->Defer(id, At(7200), "person cap"));

  Result<std::vector<QueueItem>> queue = store_->ListQueue(10);
  ASSERT_OK(queue);
  ASSERT_EQ(queue->size(), 1u);
  EXPECT_EQ((*queue)[0].due, At(7200));
  EXPECT_EQ((*queue)[0].attempts, 1u);
  EXPECT_EQ((*queue)[0].last_error, "451 greylisted");
  Result<std::optional<TimePoint>> next = store_->NextDue();
  ASSERT_OK(next);
  EXPECT_EQ(*next, At(7200));
  // Not due before `until`.
  Result<std::vector<QueueItem>> early = store_->ClaimDue(At(7199), 10, Seconds(60));
  ASSERT_OK(early);
  EXPECT_TRUE(early->empty());
}

TEST_F(StoreClaims, DeferOfUnknownItemIsNotFound) {
  EXPECT_TRUE(store_->Defer(42, At(10), "cap").IsNotFound());
}

TEST_F(StoreClaims, ClaimsSurviveReopen) {
  const uint64_t id = QueueReply("a@x", At(10));
  ASSERT_OK(store_->ClaimDue(At(10), 10, Seconds(600)));
  store_.reset();
  store_ = OpenStore();
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(Release(), 1u);
  EXPECT_EQ(DueOf(id), At(10));
}

TEST_F(StoreClaims, ExitWhileClaimedLeavesNoClaimBehind) {
  Enrol(MakeEnrol("p@x", "seq", At(0)), At(0));
  ASSERT_OK(store_->ClaimDue(At(0), 10, Seconds(600)));
  ASSERT_OK(seq().Suppress("p@x", "unsubscribe", At(1)));
  EXPECT_TRUE(Steps().empty());
  EXPECT_EQ(Release(), 0u);
}

TEST_F(StoreClaims, ReadOnlyOpenOfAStoreWithoutTheNewDatabasesWorks) {
  const uint64_t id = QueueReply("a@x", At(10));
  store_.reset();
  {
    // As a store last written before claims and person_sends existed.
    LmdbEnvOptions env_options;
    env_options.path = dir_.string();
    env_options.max_databases = 32;
    Result<std::unique_ptr<LmdbEnv>> env = LmdbEnv::Open(env_options);
    ASSERT_OK(env);
    Result<LmdbTxn> txn = LmdbTxn::BeginWrite(**env);
    ASSERT_OK(txn);
    for (const char* name : {"claims", "person_sends"}) {
      Result<MDB_dbi> dbi = txn->OpenDatabase(name, false);
      ASSERT_OK(dbi);
      ASSERT_EQ(mdb_drop(txn->get(), *dbi, 1), 0);
    }
    ASSERT_OK(txn->Commit());
  }
  StoreOptions read_only = Options();
  read_only.read_only = true;
  store_ = OpenStore(read_only);
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(DueOf(id), At(10));
  Result<std::vector<TimePoint>> sends = store_->RecentSends("a@x", At(0));
  ASSERT_OK(sends);
  EXPECT_TRUE(sends->empty());

  // A writable open creates them again and everything works.
  store_.reset();
  store_ = OpenStore();
  ASSERT_NE(store_, nullptr);
  ASSERT_OK(store_->ClaimDue(At(10), 10, Seconds(60)));
  EXPECT_EQ(Release(), 1u);
}

}  // namespace
}  // namespace ar
