// The invariant checker itself: it passes a healthy store and names each
// kind of damage written straight into the databases, so the fault loop's
// "all invariants held" means something.
#include "tests/fault/store_invariants.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>

#include "store/keys.h"
#include "store/lmdb_env.h"
#include "store/record_codec.h"
#include "store/store.h"

namespace ar {
namespace {

const TimePoint kNow = FromUnixSeconds(1767603600);

class StoreInvariantsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::string(::testing::TempDir()) + "/invariants_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name() + "_" +
           std::to_string(getpid());
    std::filesystem::remove_all(dir_);
    StoreOptions options;
    options.path = dir_;
    options.map_size = 16u << 20;
    auto store = Store::Open(options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();

    NewReply reply;
    reply.user = "alice@example.org";
    reply.generation = 1;
    reply.dedupe_sender = "carol@example.net";
    reply.period = Seconds(86400);
    reply.envelope_recipient = "carol@example.net";
    reply.message_id = "<r1@example.org>";
    reply.message = "Subject: Away\r\n\r\nAway.\r\n";
    reply.due = kNow;
    auto queued = (*store)->Enqueue({reply}, kNow);
    ASSERT_TRUE(queued.ok() && (*queued)[0].queued);
    reply_id_ = (*queued)[0].id;

    EnrolAction enrol;
    enrol.sequence = "camera";
    enrol.version = "v1";
    enrol.person = "ole@example.net";
    enrol.first_due = kNow + Seconds(3 * 86400);
    enrol.reason = "trigger";
    SequenceDecision decision;
    decision.enrols.push_back(enrol);
    ASSERT_TRUE((*store)->sequences().ApplySequenceDecision(decision, "key", 3, kNow).ok());
    auto items = (*store)->ListQueue(10);
    ASSERT_TRUE(items.ok() && items->size() == 2u);
    for (const QueueItem& item : *items)
      if (item.kind == QueueItemKind::kSequenceStep) step_ = item;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Writes straight into the closed store's databases.
  void Damage(const std::function<void(LmdbTxn&)>& change) {
    LmdbEnvOptions options;
    options.path = dir_;
    options.max_databases = 32;
    auto env = LmdbEnv::Open(options);
    ASSERT_TRUE(env.ok()) << env.status().ToString();
    auto txn = LmdbTxn::BeginWrite(**env);
    ASSERT_TRUE(txn.ok());
    change(*txn);
    ASSERT_TRUE(txn->Commit().ok());
  }
  MDB_dbi Db(LmdbTxn& txn, const char* name) {
    auto dbi = txn.OpenDatabase(name, false);
    EXPECT_TRUE(dbi.ok()) << name;
    return dbi.ok() ? *dbi : 0;
  }

  StoreInvariantReport Check() {
    auto report = CheckStoreInvariants(dir_);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : StoreInvariantReport{};
  }
  static bool Names(const StoreInvariantReport& report, const std::string& text) {
    for (const std::string& v : report.violations)
      if (v.find(text) != std::string::npos) return true;
    return false;
  }

  std::string dir_;
  uint64_t reply_id_ = 0;
  QueueItem step_;
};

TEST_F(StoreInvariantsTest, HoldForAStoreWrittenOnlyThroughTheStore) {
  const StoreInvariantReport report = Check();
  EXPECT_TRUE(report.ok()) << report.Summary();
  EXPECT_EQ(report.queued, 2u);
  EXPECT_EQ(report.queued_steps, 1u);
  EXPECT_EQ(report.pending_responses, 1u);
  EXPECT_EQ(report.active_enrolments, 1u);
  EXPECT_EQ(report.stalled_enrolments, 0u);
}

TEST_F(StoreInvariantsTest, NamesAQueueItemWithoutDueEntry) {
  Damage([&](LmdbTxn& txn) {
    ASSERT_TRUE(txn.Delete(Db(txn, "due"), EncodeDueKey(kNow, reply_id_)).ok());
  });
  EXPECT_TRUE(Names(Check(), "queue item " + std::to_string(reply_id_) + " has 0 due entries"));
}

TEST_F(StoreInvariantsTest, NamesADueEntryWithoutItem) {
  Damage([&](LmdbTxn& txn) {
    ASSERT_TRUE(txn.Put(Db(txn, "due"), EncodeDueKey(kNow, 999), "").ok());
  });
  EXPECT_TRUE(Names(Check(), "due entry names missing queue item 999"));
}

TEST_F(StoreInvariantsTest, NamesADueEntryAtAnotherTime) {
  Damage([&](LmdbTxn& txn) {
    ASSERT_TRUE(txn.Delete(Db(txn, "due"), EncodeDueKey(kNow, reply_id_)).ok());
    ASSERT_TRUE(txn.Put(Db(txn, "due"), EncodeDueKey(kNow + Seconds(5), reply_id_), "").ok());
  });
  EXPECT_TRUE(Names(Check(), "due entry of item " + std::to_string(reply_id_) + " is at"));
}

TEST_F(StoreInvariantsTest, NamesAnIdBothQueuedAndFailed) {
  Damage([&](LmdbTxn& txn) {
    QueueItem item;
    item.id = reply_id_;
    ASSERT_TRUE(
        txn.Put(Db(txn, "failed"), EncodeU64Key(reply_id_), EncodeFailed({item, kNow})).ok());
  });
  EXPECT_TRUE(Names(Check(), "is both queued and failed"));
}

TEST_F(StoreInvariantsTest, NamesAPendingResponseWhoseReplyIsGone) {
  Damage([&](LmdbTxn& txn) {
    ASSERT_TRUE(txn.Delete(Db(txn, "queue"), EncodeU64Key(reply_id_)).ok());
    ASSERT_TRUE(txn.Delete(Db(txn, "due"), EncodeDueKey(kNow, reply_id_)).ok());
  });
  EXPECT_TRUE(Names(Check(), "pending response alice@example.org\\0carol@example.net"));
}

TEST_F(StoreInvariantsTest, NamesAnActiveEnrolmentWhoseStepIsGone) {
  Damage([&](LmdbTxn& txn) {
    ASSERT_TRUE(txn.Delete(Db(txn, "queue"), EncodeU64Key(step_.id)).ok());
    ASSERT_TRUE(txn.Delete(Db(txn, "due"), EncodeDueKey(step_.due, step_.id)).ok());
  });
  EXPECT_TRUE(Names(Check(), "active enrolment ole@example.net in camera names missing step"));
}

TEST_F(StoreInvariantsTest, CountsAnEnrolmentWhoseStepFailedAsStalledNotBroken) {
  Damage([&](LmdbTxn& txn) {
    ASSERT_TRUE(txn.Delete(Db(txn, "queue"), EncodeU64Key(step_.id)).ok());
    ASSERT_TRUE(txn.Delete(Db(txn, "due"), EncodeDueKey(step_.due, step_.id)).ok());
    ASSERT_TRUE(
        txn.Put(Db(txn, "failed"), EncodeU64Key(step_.id), EncodeFailed({step_, kNow})).ok());
  });
  const StoreInvariantReport report = Check();
  EXPECT_TRUE(report.ok()) << report.Summary();
  EXPECT_EQ(report.stalled_enrolments, 1u);
}

TEST_F(StoreInvariantsTest, NamesAStepItemNoEnrolmentOwns) {
  Damage([&](LmdbTxn& txn) {
    QueueItem orphan = step_;
    orphan.id = 50;
    ASSERT_TRUE(txn.Put(Db(txn, "queue"), EncodeU64Key(50), EncodeQueueItem(orphan)).ok());
    ASSERT_TRUE(txn.Put(Db(txn, "due"), EncodeDueKey(orphan.due, 50), "").ok());
  });
  const StoreInvariantReport report = Check();
  EXPECT_TRUE(Names(report, "queued step 50 of ole@example.net in camera")) << report.Summary();
  EXPECT_TRUE(Names(report, "id 50 is not below next_queue_id")) << report.Summary();
}

TEST_F(StoreInvariantsTest, NamesARecordThatDoesNotDecode) {
  Damage([&](LmdbTxn& txn) {
    ASSERT_TRUE(txn.Put(Db(txn, "queue"), EncodeU64Key(reply_id_), "\x07garbage").ok());
  });
  EXPECT_TRUE(Names(Check(), "does not decode"));
}

}  // namespace
}  // namespace ar
