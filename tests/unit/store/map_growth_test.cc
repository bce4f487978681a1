// The map: set to StoreOptions::map_size once at open. Growth, for stores
// opened smaller (tests, another process's map): the map starts small, doubles when a write does not fit, stops
// at StoreOptions::map_size with Full for the write that does not fit, and
// another process's growth is adopted.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
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

constexpr uint64_t kInitial = 256ull << 10;  // 256 KiB

class MapGrowth : public StoreTest {
 protected:
  StoreOptions SmallOptions(uint64_t cap) const {
    StoreOptions options = Options();
    options.map_size = cap;
    options.initial_map_size = kInitial;
    return options;
  }

  // A reply whose message is `size` bytes, to sender.
  static NewReply BigReply(const std::string& sender, size_t size) {
    NewReply reply = MakeReply("ole@example.com", sender);
    reply.message = std::string(size, 'x');
    return reply;
  }

  static uint64_t MapSize(Store& store) {
    Result<StoreStats> stats = store.Stats();
    EXPECT_TRUE(stats.ok()) << stats.status().ToString();
    return stats.ok() ? stats->map_size : 0;
  }
};

TEST_F(MapGrowth, MapIsSetToMapSizeOnceAtOpenAndNeverGrows) {
  // The production opening (no initial_map_size): the whole map at once,
  // so no write on the mail path waits for a growth.
  StoreOptions options = Options();
  options.map_size = 256ull << 20;
  ASSERT_EQ(options.initial_map_size, 0u);
  store_ = OpenStore(options);
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(MapSize(*store_), options.map_size);
  for (int i = 0; i < 200; ++i)
    ASSERT_OK(store_->Enqueue({BigReply("s" + std::to_string(i) + "@x", 64 << 10)}, At(0)));
  EXPECT_EQ(MapSize(*store_), options.map_size);
  // Address space, not disk: the file holds what was written, not the map.
  const auto file = std::filesystem::file_size(std::filesystem::path(options.path) / "data.mdb");
  EXPECT_LT(file, options.map_size / 4);
  // Reopened (as every program opens it), the same size again.
  store_.reset();
  store_ = OpenStore(options);
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(MapSize(*store_), options.map_size);
}

TEST_F(MapGrowth, SmallMapGrowsAndKeepsEveryRecord) {
  store_ = OpenStore(SmallOptions(64ull << 20));
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(MapSize(*store_), kInitial);
  // 200 replies of 8 KiB: about 1.6 MiB, six times the initial map.
  for (int i = 0; i < 200; ++i) {
    Result<std::vector<EnqueueOutcome>> out =
        store_->Enqueue({BigReply("s" + std::to_string(i) + "@x", 8 << 10)}, At(0));
    ASSERT_OK(out);
    ASSERT_TRUE((*out)[0].queued);
  }
  EXPECT_GT(MapSize(*store_), kInitial);
  EXPECT_LE(MapSize(*store_), 64ull << 20);
  Result<std::vector<QueueItem>> queue = store_->ListQueue(1000);
  ASSERT_OK(queue);
  ASSERT_EQ(queue->size(), 200u);
  for (const QueueItem& item : *queue) EXPECT_EQ(item.message.size(), 8u << 10);

  // Reopened (writable and read-only), the store opens at least as large as
  // its data and reads everything.
  store_.reset();
  store_ = OpenStore(SmallOptions(64ull << 20));
  ASSERT_NE(store_, nullptr);
  EXPECT_OK(store_->Enqueue({BigReply("late@x", 8 << 10)}, At(1)));
  store_.reset();
  StoreOptions read_only = SmallOptions(64ull << 20);
  read_only.read_only = true;
  store_ = OpenStore(read_only);
  ASSERT_NE(store_, nullptr);
  queue = store_->ListQueue(1000);
  ASSERT_OK(queue);
  EXPECT_EQ(queue->size(), 201u);
}

TEST_F(MapGrowth, ConcurrentWritersGrowTheMapTogether) {
  store_ = OpenStore(SmallOptions(64ull << 20));
  ASSERT_NE(store_, nullptr);
  std::vector<std::thread> threads;
  std::vector<int> failures(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 40; ++i) {
        const std::string sender = "t" + std::to_string(t) + "-" + std::to_string(i) + "@x";
        if (!store_->Enqueue({BigReply(sender, 4 << 10)}, At(0)).ok()) ++failures[t];
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int f : failures) EXPECT_EQ(f, 0);
  Result<std::vector<QueueItem>> queue = store_->ListQueue(1000);
  ASSERT_OK(queue);
  EXPECT_EQ(queue->size(), 320u);
  EXPECT_GT(MapSize(*store_), kInitial);
}

TEST_F(MapGrowth, AtTheCapWriteFailsFullWholeAndSmallerWritesStillWork) {
  constexpr uint64_t kCap = 1ull << 20;  // 1 MiB
  store_ = OpenStore(SmallOptions(kCap));
  ASSERT_NE(store_, nullptr);
  int queued = 0;
  Status full;
  for (int i = 0; i < 100 && full.ok(); ++i) {
    Result<std::vector<EnqueueOutcome>> out =
        store_->Enqueue({BigReply("s" + std::to_string(i) + "@x", 64 << 10)}, At(0));
    if (out.ok()) {
      ++queued;
    } else {
      full = out.status();
    }
  }
  ASSERT_EQ(full.code(), Status::Code::kFull) << full.ToString();
  EXPECT_GT(queued, 4);  // grew past the 256 KiB it started with
  EXPECT_EQ(MapSize(*store_), kCap);

  // Nothing of the reply that did not fit: no item, no pending response.
  Result<std::vector<QueueItem>> queue = store_->ListQueue(1000);
  ASSERT_OK(queue);
  EXPECT_EQ(queue->size(), static_cast<size_t>(queued));
  Result<std::optional<ResponseRecord>> response =
      store_->GetResponse("ole@example.com", "s" + std::to_string(queued) + "@x");
  ASSERT_OK(response);
  EXPECT_FALSE(response->has_value());

  // Small writes still fit, and freeing space makes room again.
  EXPECT_OK(store_->PutRule(MakeRule("kari@example.org")));
  for (const QueueItem& item : *queue) ASSERT_OK(store_->MarkSent(item.id, At(1)));
  EXPECT_OK(store_->Enqueue({BigReply("again@x", 64 << 10)}, At(2)));
}

TEST_F(MapGrowth, AtTheCapOnlyTheRequestThatDoesNotFitFailsInABatch) {
  constexpr uint64_t kCap = 1ull << 20;
  store_ = OpenStore(SmallOptions(kCap));
  ASSERT_NE(store_, nullptr);
  // Fill to near the cap with 32 KiB items.
  for (int i = 0;; ++i) {
    Result<std::vector<EnqueueOutcome>> out =
        store_->Enqueue({BigReply("fill" + std::to_string(i) + "@x", 32 << 10)}, At(0));
    if (!out.ok()) {
      ASSERT_EQ(out.status().code(), Status::Code::kFull);
      break;
    }
    ASSERT_LT(i, 100);
  }
  // Free about 100 KiB: room for the small writes, never for a big one.
  Result<std::vector<QueueItem>> filled = store_->ListQueue(3);
  ASSERT_OK(filled);
  for (const QueueItem& item : *filled) ASSERT_OK(store_->MarkSent(item.id, At(1)));
  // Concurrent writers: big ones fail with Full, small ones commit.
  std::vector<std::thread> threads;
  std::vector<Status> small(8), big(8);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      big[t] = store_->Enqueue({BigReply("big" + std::to_string(t) + "@x", 512 << 10)}, At(0))
                   .status();
      small[t] = store_->PutRule(MakeRule("u" + std::to_string(t) + "@example.com"));
    });
  }
  for (std::thread& t : threads) t.join();
  for (int t = 0; t < 8; ++t) {
    EXPECT_EQ(big[t].code(), Status::Code::kFull) << big[t].ToString();
    EXPECT_OK(small[t]);
  }
  Result<std::vector<OutOfOfficeRule>> rules = store_->ListRules();
  ASSERT_OK(rules);
  EXPECT_EQ(rules->size(), 8u);
}

TEST_F(MapGrowth, GrowthByAnotherProcessIsAdopted) {
  const StoreOptions options = SmallOptions(64ull << 20);
  store_ = OpenStore(options);
  ASSERT_NE(store_, nullptr);
  ASSERT_OK(store_->PutRule(MakeRule("ole@example.com")));
  ASSERT_EQ(MapSize(*store_), kInitial);

  // A second LmdbStore on the same directory, in a child process, writes
  // far more than this process's map holds.
  pid_t pid = fork();
  if (pid == 0) {
    Result<std::unique_ptr<Store>> other = Store::Open(options);
    bool ok = other.ok();
    for (int i = 0; ok && i < 100; ++i) {
      ok = (*other)->Enqueue({BigReply("c" + std::to_string(i) + "@x", 16 << 10)}, At(0)).ok();
    }
    if (other.ok()) other->reset();
    _exit(ok ? 0 : 1);
  }
  ASSERT_GT(pid, 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  // This process sees MDB_MAP_RESIZED at its next transaction, adopts the
  // larger map and keeps reading and writing.
  Result<std::vector<QueueItem>> queue = store_->ListQueue(1000);
  ASSERT_OK(queue);
  EXPECT_EQ(queue->size(), 100u);
  EXPECT_GT(MapSize(*store_), kInitial);
  EXPECT_OK(store_->Enqueue({BigReply("parent@x", 16 << 10)}, At(1)));
  EXPECT_OK(store_->PutRule(MakeRule("kari@example.org")));
}

}  // namespace
}  // namespace ar
