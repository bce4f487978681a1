// The Dispatcher's Run() on a store that fails (a full disk, a full map, an
// I/O error): it backs off exponentially instead of retrying at every wake-up,
// logs one line per try, and is back to normal after a round that succeeds.
// The failing write touches data.mdb, so the waiter here reports a store
// change at once on every Wait(), as inotify does; time moves only through
// the ManualClock, so nothing sleeps.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

#include "core/logger.h"
#include "dispatch/dispatcher.h"
#include "tests/support/test_dir.h"
#include "tests/support/test_transport.h"
#include "tests/support/write_faults.h"

namespace ar {
namespace {

using std::chrono::milliseconds;

const TimePoint kStart = FromUnixSeconds(1767225600);  // 2026-01-01T00:00:00Z

// Wait(): the store changed, at once (the failed commit wrote to data.mdb).
// Pause(): the clock moves on by the pause. Stops Run() once `horizon` has
// passed on the clock, or after a bound on wake-ups that only a spinning
// loop reaches.
class ChangingStoreWaiter final : public QueueWaiter {
 public:
  ChangingStoreWaiter(ManualClock& clock, std::atomic<bool>& stop, Seconds horizon)
      : clock_(clock), stop_(stop), end_(clock.Now() + horizon) {}
  void Forget() override {}
  WakeReason Wait(milliseconds timeout, const std::atomic<bool>&) override {
    waits.push_back(timeout);
    if (on_wait) on_wait();
    Check();
    return WakeReason::kChanged;
  }
  WakeReason Pause(milliseconds timeout, const std::atomic<bool>&) override {
    pauses.push_back(timeout);
    clock_.Advance(std::chrono::duration_cast<Seconds>(timeout));
    if (on_pause) on_pause(pauses.size());
    Check();
    return WakeReason::kTimeout;
  }
  std::vector<milliseconds> waits;
  std::vector<milliseconds> pauses;
  std::function<void(size_t)> on_pause;
  std::function<void()> on_wait;

 private:
  void Check() {
    if (clock_.Now() >= end_ || waits.size() + pauses.size() >= 1000) stop_ = true;
  }
  ManualClock& clock_;
  std::atomic<bool>& stop_;
  TimePoint end_;
};

// Fails every ClaimDue with the error a full disk gives while `failing`.
std::shared_ptr<testing::WriteFaults> FullDisk() {
  auto faults =
      std::make_shared<testing::WriteFaults>(Status::IoError("commit: No space left on device"));
  faults->FailOnly("ClaimDue");
  faults->failing = true;
  return faults;
}

class StoreFailureBackoff : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestDir("dispatch_backoff");
    StoreOptions options;
    options.path = dir_;
    options.map_size = 16u << 20;
    options.faults = faults_;
    auto store = Store::Open(options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store.value());
    settings_.poll_interval = Seconds(5);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  size_t FailureLines() const {
    size_t n = 0;
    for (const std::string& line : logger_.Lines())
      if (line.find("dispatch round failed") != std::string::npos) ++n;
    return n;
  }

  std::string dir_;
  std::shared_ptr<testing::WriteFaults> faults_ = FullDisk();
  std::unique_ptr<Store> store_;
  testing::TestTransport transport_;
  ManualClock clock_{kStart};
  CapturingLogger logger_;
  DispatchSettings settings_;
};

TEST_F(StoreFailureBackoff, FailedRoundsBackOffExponentiallyAndIgnoreStoreChanges) {
  std::atomic<bool> stop{false};
  ChangingStoreWaiter waiter(clock_, stop, Seconds(3600));
  Dispatcher dispatcher(*store_, transport_, clock_, logger_, settings_);
  dispatcher.Run(stop, waiter);

  // An hour of a full disk: 5, 10, 20, 40, 80, 160, then 300 s pauses.
  EXPECT_TRUE(waiter.waits.empty()) << "a failed round must not wait for store changes";
  std::vector<milliseconds> expected = {Seconds(5),   Seconds(10),  Seconds(20),
                                        Seconds(40),  Seconds(80),  Seconds(160),
                                        Seconds(300), Seconds(300), Seconds(300)};
  ASSERT_GE(waiter.pauses.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(waiter.pauses[i], expected[i]) << i;
  for (size_t i = expected.size(); i < waiter.pauses.size(); ++i)
    EXPECT_EQ(waiter.pauses[i], Seconds(300));
  EXPECT_LE(waiter.pauses.size(), 17u);
  // One claim and one log line per try, and the line says when the next is.
  EXPECT_EQ(faults_->Count("ClaimDue"), waiter.pauses.size());
  EXPECT_EQ(FailureLines(), waiter.pauses.size());
  EXPECT_TRUE(logger_.Contains("No space left on device; next try in 5s"));
  EXPECT_TRUE(logger_.Contains("next try in 300s"));
}

TEST_F(StoreFailureBackoff, ARoundThatSucceedsEndsTheBackoff) {
  std::atomic<bool> stop{false};
  ChangingStoreWaiter waiter(clock_, stop, Seconds(3600));
  // The disk is freed during the third pause, and full again as soon as
  // the round after it has succeeded (its Wait).
  waiter.on_pause = [this](size_t pauses) {
    if (pauses == 3) faults_->failing = false;
  };
  waiter.on_wait = [this] { faults_->failing = true; };
  Dispatcher dispatcher(*store_, transport_, clock_, logger_, settings_);
  dispatcher.Run(stop, waiter);

  EXPECT_GE(waiter.waits.size(), 1u);
  ASSERT_GE(waiter.pauses.size(), 5u);
  EXPECT_EQ(waiter.pauses[0], Seconds(5));
  EXPECT_EQ(waiter.pauses[1], Seconds(10));
  EXPECT_EQ(waiter.pauses[2], Seconds(20));
  // After the good round the pauses start again at the poll interval.
  EXPECT_EQ(waiter.pauses[3], Seconds(5));
  EXPECT_EQ(waiter.pauses[4], Seconds(10));
  EXPECT_TRUE(logger_.Contains("dispatch round succeeded again"));
}

}  // namespace
}  // namespace ar
