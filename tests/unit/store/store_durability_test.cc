// Durability, sharing between processes and threads, and stored data that
// cannot be decoded.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "store/keys.h"
#include "store/lmdb_env.h"
#include "store_fixture.h"

namespace ar {
namespace {

using ::ar::testing::At;
using ::ar::testing::MakeReply;
using ::ar::testing::MakeRule;
using ::ar::testing::StatusOf;
using ::ar::testing::StoreTest;

using StoreDurability = StoreTest;

// Runs body in a child process with its own Store on path; returns the
// child's exit code. The parent's Store is never touched in the child, and
// the child leaves with _exit so no destructor of the parent's state runs.
int RunInChildProcess(const StoreOptions& options, bool (*body)(Store&)) {
  pid_t pid = fork();
  if (pid == 0) {
    Result<std::unique_ptr<Store>> store = Store::Open(options);
    bool ok = store.ok() && body(**store);
    if (store.ok()) store->reset();
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Writes raw bytes under key into a named database, bypassing the codec.
void WriteRaw(const std::string& path, const char* db, std::string_view key,
              std::string_view value) {
  LmdbEnvOptions options;
  options.path = path;
  options.max_databases = 16;
  Result<std::unique_ptr<LmdbEnv>> env = LmdbEnv::Open(options);
  ASSERT_OK(env);
  Result<LmdbTxn> txn = LmdbTxn::BeginWrite(**env);
  ASSERT_OK(txn);
  Result<MDB_dbi> dbi = txn->OpenDatabase(db, false);
  ASSERT_OK(dbi);
  ASSERT_OK(txn->Put(*dbi, key, value));
  ASSERT_OK(txn->Commit());
}

TEST_F(StoreDurability, ReopenAfterCloseKeepsEverything) {
  ASSERT_OK(store_->PutRule(MakeRule("ole@example.com", {"sales@example.com"})));
  Result<std::vector<EnqueueOutcome>> queued =
      store_->Enqueue({MakeReply("ole@example.com", "a@x"), MakeReply("ole@example.com", "b@x"),
                       MakeReply("ole@example.com", "c@x")},
                      At(0));
  ASSERT_OK(queued);
  ASSERT_OK(store_->MarkSent((*queued)[0].id, At(1)));
  ASSERT_OK(store_->MarkRetry((*queued)[1].id, At(60), "451"));
  ASSERT_OK(store_->MarkFailed((*queued)[2].id, At(2), "550"));

  store_.reset();
  store_ = OpenStore();
  ASSERT_NE(store_, nullptr);

  Result<std::vector<OutOfOfficeRule>> rules =
      store_->FindRulesForRecipients({"sales@example.com"});
  ASSERT_OK(rules);
  EXPECT_EQ(rules->size(), 1u);
  Result<std::optional<ResponseRecord>> sent = store_->GetResponse("ole@example.com", "a@x");
  ASSERT_OK(sent);
  ASSERT_TRUE(sent->has_value());
  EXPECT_EQ((*sent)->state, ResponseState::kSent);
  Result<std::vector<QueueItem>> queue = store_->ListQueue(10);
  ASSERT_OK(queue);
  ASSERT_EQ(queue->size(), 1u);
  EXPECT_EQ((*queue)[0].attempts, 1u);
  Result<std::optional<TimePoint>> next = store_->NextDue();
  ASSERT_OK(next);
  EXPECT_EQ(*next, At(60));
  Result<std::vector<QueueItem>> failed = store_->ListFailed(10);
  ASSERT_OK(failed);
  EXPECT_EQ(failed->size(), 1u);
  // Queue ids are never reused.
  Result<std::vector<EnqueueOutcome>> more =
      store_->Enqueue({MakeReply("ole@example.com", "d@x")}, At(3));
  ASSERT_OK(more);
  EXPECT_EQ((*more)[0].id, (*queued)[2].id + 1);
}

TEST_F(StoreDurability, TwoProcessesSeeEachOthersWrites) {
  // The child writes while the parent holds the store open...
  int code = RunInChildProcess(Options(), [](Store& store) {
    Result<std::vector<EnqueueOutcome>> r =
        store.Enqueue({MakeReply("ole@example.com", "kari@example.org")}, At(0));
    return r.ok() && (*r)[0].queued && store.PutRule(MakeRule("ole@example.com")).ok();
  });
  ASSERT_EQ(code, 0);
  Result<std::vector<QueueItem>> queue = store_->ListQueue(10);
  ASSERT_OK(queue);
  ASSERT_EQ(queue->size(), 1u);
  EXPECT_EQ((*queue)[0].dedupe_sender, "kari@example.org");
  // ...and sees the parent's writes, including the dedupe state.
  ASSERT_OK(store_->MarkSent((*queue)[0].id, At(5)));
  code = RunInChildProcess(Options(), [](Store& store) {
    Result<std::optional<ResponseRecord>> r =
        store.GetResponse("ole@example.com", "kari@example.org");
    Result<std::vector<EnqueueOutcome>> again =
        store.Enqueue({MakeReply("ole@example.com", "kari@example.org")}, At(10));
    return r.ok() && r->has_value() && (*r)->state == ResponseState::kSent && again.ok() &&
           !(*again)[0].queued;
  });
  EXPECT_EQ(code, 0);
}

TEST_F(StoreDurability, ConcurrentEnqueueOfSameSenderQueuesExactlyOnce) {
  std::atomic<int> queued{0};
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      Result<std::vector<EnqueueOutcome>> r =
          store_->Enqueue({MakeReply("ole@example.com", "kari@example.org")}, At(0));
      if (!r.ok()) {
        ++errors;
      } else if ((*r)[0].queued) {
        ++queued;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(queued.load(), 1);
  Result<std::vector<QueueItem>> queue = store_->ListQueue(100);
  ASSERT_OK(queue);
  EXPECT_EQ(queue->size(), 1u);
}

TEST_F(StoreDurability, ConcurrentReadersAndWritersShareOneStore) {
  std::vector<std::thread> threads;
  std::atomic<int> errors{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        std::string sender = "s" + std::to_string(t) + "_" + std::to_string(i) + "@x";
        if (!store_->Enqueue({MakeReply("ole@example.com", sender)}, At(0)).ok()) ++errors;
        if (!store_->ListQueue(1000).ok()) ++errors;
        if (!store_->NextDue().ok()) ++errors;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  Result<std::vector<QueueItem>> queue = store_->ListQueue(1000);
  ASSERT_OK(queue);
  EXPECT_EQ(queue->size(), 100u);
}

TEST_F(StoreDurability, FullMapIsStatusFull) {
  store_.reset();
  StoreOptions options = Options();
  options.map_size = 512 * 1024;
  store_ = OpenStore(options);
  ASSERT_NE(store_, nullptr);
  Status last;
  for (int i = 0; i < 100 && last.ok(); ++i) {
    NewReply reply = MakeReply("ole@example.com", "s" + std::to_string(i) + "@x");
    reply.message = std::string(64 * 1024, 'm');
    last = StatusOf(store_->Enqueue({reply}, At(0)));
  }
  EXPECT_EQ(last.code(), Status::Code::kFull) << last.ToString();
  // The failed transaction left the store usable.
  EXPECT_OK(store_->ListQueue(1000));
}

TEST_F(StoreDurability, ReadOnlyStoreReadsAndRefusesWrites) {
  ASSERT_OK(store_->PutRule(MakeRule("ole@example.com")));
  store_.reset();
  StoreOptions options = Options();
  options.read_only = true;
  store_ = OpenStore(options);
  ASSERT_NE(store_, nullptr);
  Result<std::optional<OutOfOfficeRule>> rule = store_->GetRule("ole@example.com");
  ASSERT_OK(rule);
  EXPECT_TRUE(rule->has_value());
  EXPECT_FALSE(store_->PutRule(MakeRule("kari@example.com")).ok());
}

TEST_F(StoreDurability, ReadOnlyOpenOfMissingStoreFails) {
  StoreOptions options = Options();
  options.path = (dir_ / "does-not-exist").string();
  options.read_only = true;
  EXPECT_FALSE(Store::Open(options).ok());
  EXPECT_FALSE(std::filesystem::exists(options.path));
}

TEST_F(StoreDurability, MissingDirectoriesAreCreated) {
  StoreOptions options = Options();
  options.path = (dir_ / "a" / "b").string();
  Result<std::unique_ptr<Store>> store = Store::Open(options);
  ASSERT_OK(store);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "a" / "b" / "data.mdb"));
}

TEST_F(StoreDurability, UndecodableStoredRecordsAreCorruption) {
  store_.reset();
  WriteRaw(dir_.string(), "rules", "ole@example.com", "\x09garbage");
  WriteRaw(dir_.string(), "queue", EncodeU64Key(1), "\x01");
  WriteRaw(dir_.string(), "responses", EncodeResponseKey("ole@example.com", "a@x"), "");
  store_ = OpenStore();
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(StatusOf(store_->GetRule("ole@example.com")).code(), Status::Code::kCorruption);
  EXPECT_EQ(StatusOf(store_->ListRules()).code(), Status::Code::kCorruption);
  EXPECT_EQ(StatusOf(store_->ListQueue(10)).code(), Status::Code::kCorruption);
  EXPECT_EQ(store_->MarkSent(1, At(0)).code(), Status::Code::kCorruption);
  EXPECT_EQ(StatusOf(store_->GetResponse("ole@example.com", "a@x")).code(),
            Status::Code::kCorruption);
  EXPECT_EQ(StatusOf(store_->Enqueue({MakeReply("ole@example.com", "a@x")}, At(0))).code(),
            Status::Code::kCorruption);
}

TEST_F(StoreDurability, DueEntryWithoutItemIsCorruption) {
  store_.reset();
  WriteRaw(dir_.string(), "due", EncodeDueKey(At(0), 42), "");
  store_ = OpenStore();
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(StatusOf(store_->ClaimDue(At(10), 10, Seconds(60))).code(), Status::Code::kCorruption);
}

TEST_F(StoreDurability, UnknownFormatVersionRefusesToOpen) {
  store_.reset();
  WriteRaw(dir_.string(), "meta", kMetaFormatVersionKey, std::string("\x03\0\0\0\0\0\0\0", 8));
  Result<std::unique_ptr<Store>> store = Store::Open(Options());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kCorruption);
}

}  // namespace
}  // namespace ar
