// QueueWaiter: StoreChangeWaiter wakes on a commit by another handle of the
// store (as the milter's would), times out without one, and sees a stop
// request within a few slices; TimedWaiter sees stop too.
#include "dispatch/queue_waiter.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <future>
#include <thread>

#include "store/store.h"
#include "tests/support/test_dir.h"

namespace ar {
namespace {

using std::chrono::milliseconds;
using Steady = std::chrono::steady_clock;

class StoreChangeWaiterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestDir("queue_waiter");
    auto store = testing::OpenTestStore(dir_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store.value());
    auto waiter = StoreChangeWaiter::Open(dir_);
    ASSERT_TRUE(waiter.ok()) << waiter.status().ToString();
    waiter_ = std::move(waiter.value());
  }
  void TearDown() override {
    waiter_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void EnqueueOne() {
    NewReply reply;
    reply.user = "alice@example.com";
    reply.generation = 1;
    reply.dedupe_sender = "bob" + std::to_string(++count_) + "@example.org";
    reply.envelope_recipient = reply.dedupe_sender;
    reply.message = "Subject: x\r\n\r\nx\r\n";
    reply.due = FromUnixSeconds(1767225600);
    auto queued = store_->Enqueue({reply}, reply.due);
    ASSERT_TRUE(queued.ok()) << queued.status().ToString();
  }

  std::string dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<StoreChangeWaiter> waiter_;
  std::atomic<bool> stop_{false};
  int count_ = 0;
};

TEST_F(StoreChangeWaiterTest, WakesWhenTheStoreCommitsWhileWaiting) {
  waiter_->Forget();
  auto writer = std::async(std::launch::async, [&] {
    std::this_thread::sleep_for(milliseconds(50));
    EnqueueOne();
  });
  const auto start = Steady::now();
  EXPECT_EQ(waiter_->Wait(milliseconds(30000), stop_), QueueWaiter::WakeReason::kChanged);
  EXPECT_LT(Steady::now() - start, std::chrono::seconds(5));
  writer.wait();
}

TEST_F(StoreChangeWaiterTest, ACommitBetweenForgetAndWaitEndsTheWaitAtOnce) {
  waiter_->Forget();
  EnqueueOne();  // e.g. the milter queued while the dispatcher looked
  EXPECT_EQ(waiter_->Wait(milliseconds(30000), stop_), QueueWaiter::WakeReason::kChanged);
}

TEST_F(StoreChangeWaiterTest, ForgetDropsEarlierCommits) {
  EnqueueOne();
  waiter_->Forget();
  EXPECT_EQ(waiter_->Wait(milliseconds(150), stop_), QueueWaiter::WakeReason::kTimeout);
}

TEST_F(StoreChangeWaiterTest, ReadingTheStoreDoesNotWake) {
  waiter_->Forget();
  ASSERT_TRUE(store_->ListQueue(10).ok());
  ASSERT_TRUE(store_->NextDue().ok());
  EXPECT_EQ(waiter_->Wait(milliseconds(150), stop_), QueueWaiter::WakeReason::kTimeout);
}

TEST_F(StoreChangeWaiterTest, StopEndsALongWaitWithinAFewHundredMilliseconds) {
  waiter_->Forget();
  auto stopper = std::async(std::launch::async, [&] {
    std::this_thread::sleep_for(milliseconds(50));
    stop_ = true;
  });
  const auto start = Steady::now();
  EXPECT_EQ(waiter_->Wait(milliseconds(60000), stop_), QueueWaiter::WakeReason::kStopped);
  EXPECT_LT(Steady::now() - start, milliseconds(50) + 3 * QueueWaiter::kStopCheck);
  stopper.wait();
}

TEST(StoreChangeWaiter, OpenFailsForAMissingDirectory) {
  auto waiter = StoreChangeWaiter::Open(std::string(::testing::TempDir()) + "/no/such/dir");
  EXPECT_FALSE(waiter.ok());
}

TEST(TimedWaiter, TimesOutAndSeesStop) {
  TimedWaiter waiter;
  std::atomic<bool> stop{false};
  EXPECT_EQ(waiter.Wait(milliseconds(20), stop), QueueWaiter::WakeReason::kTimeout);
  stop = true;
  const auto start = Steady::now();
  EXPECT_EQ(waiter.Wait(milliseconds(60000), stop), QueueWaiter::WakeReason::kStopped);
  EXPECT_LT(Steady::now() - start, QueueWaiter::kStopCheck * 2);
}

}  // namespace
}  // namespace ar
