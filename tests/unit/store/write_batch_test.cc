// Group commit (store/write_batcher.h): concurrent writers share one write
// transaction, each request succeeds or fails alone, and the fault hook
// fails exactly the request it names.
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "store/lmdb_store.h"
#include "store_fixture.h"

namespace ar {
namespace {

using ::ar::testing::At;
using ::ar::testing::MakeReply;
using ::ar::testing::MakeRule;
using ::ar::testing::StoreTest;

// Fails every request whose operation is fail_operation with fail_status.
// When hold_first is set, the first request waits in the hook until
// `release` says so: writers arriving meanwhile queue up behind it and form
// the next batch, which makes batching deterministic.
class ScriptedFaults : public StoreFaults {
 public:
  Status BeforeWrite(std::string_view operation) override {
    std::unique_lock<std::mutex> lock(mu_);
    calls_.emplace_back(operation);
    if (hold_first_ && calls_.size() == 1) {
      held_ = true;
      changed_.notify_all();
      changed_.wait(lock, [this] { return released_; });
    }
    if (operation == fail_operation_) return fail_status_;
    return Status::Ok();
  }

  void FailOperation(std::string operation, Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_operation_ = std::move(operation);
    fail_status_ = std::move(status);
  }
  void HoldFirst() { hold_first_ = true; }
  void WaitUntilHeld() {
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [this] { return held_; });
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    released_ = true;
    changed_.notify_all();
  }
  std::vector<std::string> calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<std::string> calls_;
  std::string fail_operation_;
  Status fail_status_;
  bool hold_first_ = false;
  bool held_ = false;
  bool released_ = false;
};

class WriteBatch : public StoreTest {
 protected:
  std::unique_ptr<LmdbStore> OpenLmdb(std::shared_ptr<StoreFaults> faults = nullptr) {
    store_.reset();
    StoreOptions options = Options();
    options.faults = std::move(faults);
    Result<std::unique_ptr<LmdbStore>> opened = LmdbStore::OpenLmdb(options);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    return opened.ok() ? std::move(opened).value() : nullptr;
  }

  // Spins (yielding) until the store has `n` requests queued.
  static void WaitForQueued(LmdbStore& store, uint64_t n) {
    while (store.write_stats().waiting < n) std::this_thread::yield();
  }
};

TEST_F(WriteBatch, ConcurrentEnqueuesEachQueueOnceAndShareCommits) {
  std::unique_ptr<LmdbStore> store = OpenLmdb();
  ASSERT_NE(store, nullptr);
  ManualClock clock(At(0));
  constexpr int kThreads = 16;
  constexpr int kPerThread = 50;

  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string sender = "s" + std::to_string(t) + "-" + std::to_string(i) + "@x";
        Result<std::vector<EnqueueOutcome>> out =
            store->Enqueue({MakeReply("ole@example.com", sender)}, clock.Now());
        if (!out.ok() || out->size() != 1 || !(*out)[0].queued) ++failures[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;

  Result<std::vector<QueueItem>> queue = store->ListQueue(10000);
  ASSERT_OK(queue);
  ASSERT_EQ(queue->size(), static_cast<size_t>(kThreads * kPerThread));
  std::set<std::string> senders;
  std::set<uint64_t> ids;
  for (const QueueItem& item : *queue) {
    senders.insert(item.dedupe_sender);
    ids.insert(item.id);
  }
  EXPECT_EQ(senders.size(), queue->size());
  EXPECT_EQ(ids.size(), queue->size());

  WriteStats stats = store->write_stats();
  EXPECT_EQ(stats.operations, static_cast<uint64_t>(kThreads * kPerThread));
  EXPECT_LT(stats.commits, stats.operations);
  EXPECT_GT(stats.commits, 0u);
}

TEST_F(WriteBatch, QueuedWritersCommitTogetherInOneTransaction) {
  auto faults = std::make_shared<ScriptedFaults>();
  faults->HoldFirst();
  std::unique_ptr<LmdbStore> store = OpenLmdb(faults);
  ASSERT_NE(store, nullptr);

  std::thread first([&] { EXPECT_OK(store->PutRule(MakeRule("a@example.com"))); });
  faults->WaitUntilHeld();
  std::vector<std::thread> others;
  for (const char* address : {"b@example.com", "c@example.com", "d@example.com"}) {
    others.emplace_back([&, address] { EXPECT_OK(store->PutRule(MakeRule(address))); });
  }
  WaitForQueued(*store, 4);  // the held one and three behind it
  faults->Release();
  first.join();
  for (std::thread& t : others) t.join();

  WriteStats stats = store->write_stats();
  EXPECT_EQ(stats.operations, 4u);
  EXPECT_EQ(stats.commits, 2u);  // the held request alone, then the three
  Result<std::vector<OutOfOfficeRule>> rules = store->ListRules();
  ASSERT_OK(rules);
  EXPECT_EQ(rules->size(), 4u);
}

TEST_F(WriteBatch, FailingRequestInBatchLeavesOthersCommitted) {
  auto faults = std::make_shared<ScriptedFaults>();
  faults->HoldFirst();
  faults->FailOperation("Suppress", Status::IoError("injected"));
  std::unique_ptr<LmdbStore> store = OpenLmdb(faults);
  ASSERT_NE(store, nullptr);

  std::thread first([&] { EXPECT_OK(store->PutRule(MakeRule("a@example.com"))); });
  faults->WaitUntilHeld();
  Status suppressed, missing_delete;
  Result<std::vector<EnqueueOutcome>> queued = Status::IoError("not run");
  std::vector<std::thread> batch;
  batch.emplace_back([&] { EXPECT_OK(store->PutRule(MakeRule("b@example.com"))); });
  WaitForQueued(*store, 2);
  batch.emplace_back(
      [&] { suppressed = store->sequences().Suppress("kari@example.org", "manual", At(0)); });
  WaitForQueued(*store, 3);
  batch.emplace_back([&] { missing_delete = store->DeleteRule("nobody@example.com"); });
  WaitForQueued(*store, 4);
  batch.emplace_back(
      [&] { queued = store->Enqueue({MakeReply("b@example.com", "kari@example.org")}, At(0)); });
  WaitForQueued(*store, 5);
  faults->Release();
  first.join();
  for (std::thread& t : batch) t.join();

  EXPECT_EQ(store->write_stats().commits, 2u);
  EXPECT_EQ(suppressed.code(), Status::Code::kIoError);
  EXPECT_EQ(suppressed.message(), "injected");
  EXPECT_TRUE(missing_delete.IsNotFound()) << missing_delete.ToString();
  ASSERT_OK(queued);
  EXPECT_TRUE((*queued)[0].queued);

  Result<std::optional<OutOfOfficeRule>> b = store->GetRule("b@example.com");
  ASSERT_OK(b);
  EXPECT_TRUE(b->has_value());
  Result<std::optional<Suppression>> s = store->sequences().GetSuppression("kari@example.org");
  ASSERT_OK(s);
  EXPECT_FALSE(s->has_value());
  Result<std::vector<QueueItem>> queue = store->ListQueue(10);
  ASSERT_OK(queue);
  EXPECT_EQ(queue->size(), 1u);
}

TEST_F(WriteBatch, FaultHookIsAskedOncePerWriteWithItsOperationName) {
  auto faults = std::make_shared<ScriptedFaults>();
  std::unique_ptr<LmdbStore> store = OpenLmdb(faults);
  ASSERT_NE(store, nullptr);
  ASSERT_OK(store->PutRule(MakeRule("ole@example.com")));
  Result<std::vector<EnqueueOutcome>> queued =
      store->Enqueue({MakeReply("ole@example.com", "a@x")}, At(0));
  ASSERT_OK(queued);
  ASSERT_OK(store->ClaimDue(At(0), 10, Seconds(60)));
  ASSERT_OK(store->MarkSent((*queued)[0].id, At(1)));
  ASSERT_OK(store->GetRule("ole@example.com"));  // reads are not asked
  EXPECT_EQ(faults->calls(),
            (std::vector<std::string>{"PutRule", "Enqueue", "ClaimDue", "MarkSent"}));
}

TEST_F(WriteBatch, InjectedFaultWritesNothingOfThatOperation) {
  auto faults = std::make_shared<ScriptedFaults>();
  faults->FailOperation("MarkSent", Status::Full("injected full"));
  std::unique_ptr<LmdbStore> store = OpenLmdb(faults);
  ASSERT_NE(store, nullptr);
  Result<std::vector<EnqueueOutcome>> queued =
      store->Enqueue({MakeReply("ole@example.com", "a@x")}, At(0));
  ASSERT_OK(queued);
  Status sent = store->MarkSent((*queued)[0].id, At(1));
  EXPECT_EQ(sent.code(), Status::Code::kFull);
  EXPECT_EQ(sent.message(), "injected full");

  // Still queued, still pending: the failed MarkSent left no trace, and an
  // injected Full does not make the map grow.
  Result<std::vector<QueueItem>> queue = store->ListQueue(10);
  ASSERT_OK(queue);
  EXPECT_EQ(queue->size(), 1u);
  Result<std::optional<ResponseRecord>> response = store->GetResponse("ole@example.com", "a@x");
  ASSERT_OK(response);
  ASSERT_TRUE(response->has_value());
  EXPECT_EQ((*response)->state, ResponseState::kPending);
  Result<StoreStats> stats = store->Stats();
  ASSERT_OK(stats);
  EXPECT_EQ(stats->map_size, Options().map_size);

  faults->FailOperation("", Status::Ok());
  EXPECT_OK(store->MarkSent((*queued)[0].id, At(1)));
}

TEST_F(WriteBatch, ThrowingBodyFailsAloneAndOthersCommit) {
  std::unique_ptr<LmdbStore> store = OpenLmdb();
  ASSERT_NE(store, nullptr);
  LmdbEnvOptions env_options;
  env_options.path = (dir_ / "other").string();
  env_options.map_size = 1 << 20;
  Result<std::unique_ptr<LmdbEnv>> env = LmdbEnv::Open(env_options);
  ASSERT_OK(env);
  WriteBatcher batcher(**env, 1 << 20, nullptr);
  Status thrown =
      batcher.Run("Throw", [](LmdbTxn&) -> Status { throw std::runtime_error("boom"); });
  EXPECT_EQ(thrown.code(), Status::Code::kIoError);
  EXPECT_EQ(thrown.message(), "Throw: boom");
  EXPECT_OK(batcher.Run("Next", [](LmdbTxn&) { return Status::Ok(); }));
}

TEST_F(WriteBatch, WriteWhileHoldingATransactionIsRefusedNotDeadlocked) {
  std::unique_ptr<LmdbStore> store = OpenLmdb();
  ASSERT_NE(store, nullptr);
  // The LmdbEnv itself is private; a second env on the same directory
  // stands for "this thread holds a transaction" only for that env, so
  // check the batcher directly on an env it borrows.
  LmdbEnvOptions env_options;
  env_options.path = (dir_ / "other").string();
  env_options.map_size = 1 << 20;
  Result<std::unique_ptr<LmdbEnv>> env = LmdbEnv::Open(env_options);
  ASSERT_OK(env);
  WriteBatcher batcher(**env, 1 << 20, nullptr);
  Result<LmdbTxn> read = LmdbTxn::BeginRead(**env);
  ASSERT_OK(read);
  Status s = batcher.Run("Test", [](LmdbTxn&) { return Status::Ok(); });
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << s.ToString();
  read->Abort();
  EXPECT_OK(batcher.Run("Test", [](LmdbTxn&) { return Status::Ok(); }));
}

}  // namespace
}  // namespace ar
