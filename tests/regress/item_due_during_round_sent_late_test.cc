// Bug: an item falling due while a dispatcher round ran went out a whole
// second late. The round read Now() just before the second turned and found
// nothing due; NextDue then gave T+1 with a 0 ms wait, and the rule "due but
// nothing claimed: another dispatcher holds it" paused a full second (bench:
// every item of a due second arrived 1.01 to 1.08 s late). Fixed in
// Dispatcher::Run(): a due time reached while the round ran is sent at once.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#include "tests/support/dispatch_policy_fixture.h"

namespace ar {
namespace {

// The last millisecond of second kStart until someone asks where in the
// second it is: by then the next second has begun (the round ran across
// the turn of the second).
class SecondTurningClock final : public Clock {
 public:
  TimePoint Now() const override { return turned_.load() ? kStart + Seconds(1) : kStart; }
  std::chrono::system_clock::time_point NowPrecise() const override {
    turned_ = true;
    return kStart + std::chrono::milliseconds(1001);
  }

 private:
  mutable std::atomic<bool> turned_{false};
};

TEST_F(DispatchPolicyTest, ItemFallingDueWhileTheRoundRanGoesOutAtOnceNotASecondLater) {
  settings_.poll_interval = Seconds(300);
  Enqueue("bob@example.org", kStart + Seconds(1));
  SecondTurningClock clock;
  std::atomic<bool> stop{false};
  class RecordingWaiter final : public QueueWaiter {
   public:
    RecordingWaiter(std::atomic<bool>& stop, SendLog& log) : stop_(stop), log_(log) {}
    void Forget() override {}
    WakeReason Wait(std::chrono::milliseconds timeout, const std::atomic<bool>&) override {
      timeouts.push_back(timeout);
      std::lock_guard<std::mutex> lock(log_.mu);
      sent_before_wait.push_back(log_.sent.size());
      stop_ = true;
      return WakeReason::kTimeout;
    }
    std::vector<std::chrono::milliseconds> timeouts;
    std::vector<size_t> sent_before_wait;

   private:
    std::atomic<bool>& stop_;
    SendLog& log_;
  } waiter(stop, log_);
  Dispatcher dispatcher(
      *store_, [this]() -> Result<std::unique_ptr<Transport>> { return LoggingTransport(log_, 1); },
      clock, logger_, settings_, SequenceSendSettings{});
  dispatcher.Run(stop, waiter);
  // The first round saw second kStart: nothing due. The item fell due
  // before the wait was computed; the "held by another dispatcher" pause of
  // one second would send it a second late.
  ASSERT_EQ(waiter.timeouts.size(), 1u);
  EXPECT_EQ(waiter.sent_before_wait[0], 1u);
  EXPECT_EQ(waiter.timeouts[0], std::chrono::seconds(300));
}

}  // namespace
}  // namespace ar
