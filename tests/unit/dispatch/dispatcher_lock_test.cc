// DispatcherLock: one holder at a time, released with its holder (the
// kernel drops the flock with the descriptor, so also when killed).
#include "dispatch/dispatcher_lock.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "tests/support/forwarding_store.h"
#include "tests/support/test_dir.h"

namespace ar {
namespace {

class DispatcherLockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestDir("dispatcher_lock");
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(DispatcherLockTest, SecondDispatcherDoesNotGetTheLock) {
  auto first = DispatcherLock::TryAcquire(dir_);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_NE(*first, nullptr);
  EXPECT_EQ((*first)->path(), dir_ + "/dispatcher.lock");
  auto second = DispatcherLock::TryAcquire(dir_);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(*second, nullptr);
}

TEST_F(DispatcherLockTest, LockIsFreeAgainOnceItsHolderIsGone) {
  {
    auto first = DispatcherLock::TryAcquire(dir_);
    ASSERT_TRUE(first.ok() && *first != nullptr);
  }
  auto again = DispatcherLock::TryAcquire(dir_);
  ASSERT_TRUE(again.ok());
  EXPECT_NE(*again, nullptr);
}

TEST_F(DispatcherLockTest, AKilledHolderLeavesNoStaleLock) {
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The child holds the lock, says so, and waits to be killed.
    auto held = DispatcherLock::TryAcquire(dir_);
    char ok = held.ok() && *held != nullptr ? '1' : '0';
    (void)!write(ready[1], &ok, 1);
    pause();
    _exit(0);
  }
  char ok = 0;
  ASSERT_EQ(read(ready[0], &ok, 1), 1);
  EXPECT_EQ(ok, '1');
  auto while_held = DispatcherLock::TryAcquire(dir_);
  ASSERT_TRUE(while_held.ok());
  EXPECT_EQ(*while_held, nullptr);
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  close(ready[0]);
  close(ready[1]);
  auto after = DispatcherLock::TryAcquire(dir_);
  ASSERT_TRUE(after.ok());
  EXPECT_NE(*after, nullptr);
}

TEST_F(DispatcherLockTest, MissingDirectoryIsAnError) {
  EXPECT_FALSE(DispatcherLock::TryAcquire(dir_ + "/missing").ok());
}

class StartupTest : public DispatcherLockTest {
 protected:
  void SetUp() override {
    DispatcherLockTest::SetUp();
    StoreOptions options;
    options.path = dir_;
    options.map_size = 16u << 20;
    auto store = Store::Open(options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    real_ = std::move(store.value());
    store_ = std::make_unique<testing::ForwardingStore>(*real_);
  }
  void TearDown() override {
    store_.reset();
    real_.reset();
    DispatcherLockTest::TearDown();
  }
  // Queues one reply and claims it, as a dispatcher killed mid-batch left it.
  void LeaveAClaim() {
    NewReply reply;
    reply.user = "alice@example.com";
    reply.generation = 1;
    reply.dedupe_sender = "bob@example.org";
    reply.envelope_recipient = "bob@example.org";
    reply.message = "Subject: x\r\n\r\nx\r\n";
    reply.due = kNow;
    ASSERT_TRUE(store_->Enqueue({reply}, kNow).ok());
    auto claimed = store_->ClaimDue(kNow, 10, Seconds(600));
    ASSERT_TRUE(claimed.ok());
    ASSERT_EQ(claimed->size(), 1u);
  }
  const TimePoint kNow = FromUnixSeconds(1767225600);
  std::unique_ptr<Store> real_;
  std::unique_ptr<testing::ForwardingStore> store_;
  CapturingLogger logger_;
};

TEST_F(StartupTest, ADispatcherStartingAloneReleasesEarlierClaims) {
  LeaveAClaim();
  auto lock = LockAndReleaseClaims(*store_, dir_, logger_);
  EXPECT_NE(lock, nullptr);
  EXPECT_EQ(store_->release_calls.load(), 1);
  // Released by the start: claimable again at once, not after the lease.
  EXPECT_TRUE(logger_.Contains("released 1 items claimed by an earlier run"));
  auto claimed = store_->ClaimDue(kNow, 10, Seconds(600));
  ASSERT_TRUE(claimed.ok());
  EXPECT_EQ(claimed->size(), 1u);
}

TEST_F(StartupTest, ADispatcherStartingBesideAnotherReleasesNothing) {
  auto other = DispatcherLock::TryAcquire(dir_);
  ASSERT_TRUE(other.ok() && *other != nullptr);
  LeaveAClaim();
  auto lock = LockAndReleaseClaims(*store_, dir_, logger_);
  EXPECT_EQ(lock, nullptr);
  EXPECT_EQ(store_->release_calls.load(), 0);
  EXPECT_TRUE(logger_.Contains("another dispatcher holds " + dir_ + "/dispatcher.lock"));
  auto claimed = store_->ClaimDue(kNow, 10, Seconds(600));
  ASSERT_TRUE(claimed.ok());
  EXPECT_TRUE(claimed->empty());  // still the other one's
}

}  // namespace
}  // namespace ar
