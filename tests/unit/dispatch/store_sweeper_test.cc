// StoreSweeper: the dispatcher's retention sweep -- bounded steps, the
// interval, the counters -- and Dispatcher::Run() taking it between rounds.
#include "dispatch/store_sweeper.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

#include "core/logger.h"
#include "dispatch/dispatcher.h"
#include "tests/support/test_dir.h"
#include "tests/support/test_transport.h"

namespace ar {
namespace {

const TimePoint kStart = FromUnixSeconds(1767225600);  // 2026-01-01T00:00:00Z
constexpr int64_t kDay = 86400;

class StoreSweeperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestDir("sweeper");
    auto store = testing::OpenTestStore(dir_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store.value());
    settings_.policy.failed = Seconds(30 * kDay);
    settings_.sweep_interval = Seconds(3600);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // n replies on the failed list, given up at `at`.
  void FailedAt(int n, TimePoint at) {
    for (int i = 0; i < n; ++i) {
      NewReply reply;
      reply.user = "alice@example.com";
      reply.generation = 1;
      reply.dedupe_sender = "s" + std::to_string(next_++) + "@example.org";
      reply.envelope_recipient = reply.dedupe_sender;
      reply.message = "Subject: away\r\n\r\nAway.\r\n";
      reply.due = at;
      auto queued = store_->Enqueue({reply}, at);
      ASSERT_TRUE(queued.ok()) << queued.status().ToString();
      ASSERT_TRUE(store_->MarkFailed((*queued)[0].id, at, "550 no").ok());
    }
  }
  size_t FailedCount() {
    auto failed = store_->ListFailed(100000);
    EXPECT_TRUE(failed.ok()) << failed.status().ToString();
    return failed.ok() ? failed->size() : 0;
  }

  std::string dir_;
  std::unique_ptr<Store> store_;
  ManualClock clock_{kStart};
  CapturingLogger logger_;
  Counters counters_;
  RetentionSettings settings_;
  int next_ = 0;
};

TEST_F(StoreSweeperTest, SweepsInStepsOfAtMostSweepBatchRemovals) {
  FailedAt(5, kStart);
  settings_.sweep_batch = 2;
  clock_.Advance(Seconds(31 * kDay));
  StoreSweeper sweeper(*store_, clock_, logger_, settings_, &counters_);
  // responses, person_sends and triggers_seen are empty: a step each.
  EXPECT_TRUE(sweeper.Continue(3));
  EXPECT_EQ(FailedCount(), 5u);
  // One step of the failed list: at most 2 records go.
  EXPECT_TRUE(sweeper.Continue(1));
  EXPECT_EQ(FailedCount(), 3u);
  EXPECT_TRUE(sweeper.Continue(1));
  EXPECT_EQ(FailedCount(), 1u);
  while (sweeper.Continue(1)) {
  }
  EXPECT_EQ(FailedCount(), 0u);
  EXPECT_EQ(sweeper.last_sweep().removed[static_cast<size_t>(SweptKind::kFailed)], 5u);
  EXPECT_EQ(counters_.Snapshot().swept[static_cast<size_t>(SweptKind::kFailed)], 5u);
  EXPECT_TRUE(logger_.Contains("retention sweep removed 5 records"));
}

TEST_F(StoreSweeperTest, KeepsWhatIsWithinRetention) {
  FailedAt(3, kStart);
  clock_.Advance(Seconds(30 * kDay));
  StoreSweeper sweeper(*store_, clock_, logger_, settings_, &counters_);
  ASSERT_TRUE(sweeper.SweepAll().ok());
  EXPECT_EQ(FailedCount(), 3u);
}

TEST_F(StoreSweeperTest, NextSweepWaitsForTheInterval) {
  StoreSweeper sweeper(*store_, clock_, logger_, settings_, &counters_);
  while (sweeper.Continue(100)) {
  }
  FailedAt(2, kStart - Seconds(40 * kDay));
  clock_.Advance(Seconds(3599));
  EXPECT_FALSE(sweeper.Continue(100));
  EXPECT_EQ(FailedCount(), 2u);
  clock_.Advance(Seconds(1));
  while (sweeper.Continue(100)) {
  }
  EXPECT_EQ(FailedCount(), 0u);
}

TEST_F(StoreSweeperTest, IntervalZeroNeverSweeps) {
  FailedAt(2, kStart);
  settings_.sweep_interval = Seconds(0);
  clock_.Advance(Seconds(365 * kDay));
  StoreSweeper sweeper(*store_, clock_, logger_, settings_, &counters_);
  EXPECT_FALSE(sweeper.Continue(100));
  EXPECT_EQ(FailedCount(), 2u);
}

TEST_F(StoreSweeperTest, DispatcherRunSweepsTheStoreBetweenRounds) {
  FailedAt(3, kStart);
  clock_.Advance(Seconds(31 * kDay));
  testing::TestTransport transport;
  DispatchSettings settings;
  settings.poll_interval = Seconds(60);
  settings.retention = settings_;
  Dispatcher dispatcher(*store_, transport, clock_, logger_, settings, &counters_);
  std::atomic<bool> stop{false};
  auto done = std::async(std::launch::async, [&] { dispatcher.Run(stop); });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (FailedCount() != 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  stop = true;
  done.wait();
  EXPECT_EQ(FailedCount(), 0u);
  EXPECT_EQ(counters_.Snapshot().swept[static_cast<size_t>(SweptKind::kFailed)], 3u);
}

TEST_F(StoreSweeperTest, DispatcherRunOnceNeverSweeps) {
  FailedAt(3, kStart);
  clock_.Advance(Seconds(31 * kDay));
  testing::TestTransport transport;
  DispatchSettings settings;
  settings.retention = settings_;
  Dispatcher dispatcher(*store_, transport, clock_, logger_, settings, &counters_);
  ASSERT_TRUE(dispatcher.RunOnce().ok());
  EXPECT_EQ(FailedCount(), 3u);
}

}  // namespace
}  // namespace ar
