// DispatcherLock: one holder at a time, released with its holder (the
// kernel drops the flock with the descriptor, so also when killed).
#include "dispatch/dispatcher_lock.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

namespace ar {
namespace {

class DispatcherLockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::string(::testing::TempDir()) + "/dispatcher_lock_" + info->name() + "_" +
           std::to_string(getpid());
    std::filesystem::remove_all(dir_);
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

}  // namespace
}  // namespace ar
