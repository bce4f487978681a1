// The Dispatcher's policies on the real LMDB store (DispatchPolicyTest):
// catch-up after downtime, the per-person frequency cap, concurrent senders
// with a transport each, and how Run() waits between rounds.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <future>
#include <iostream>
#include <mutex>
#include <set>
#include <thread>

#include "core/logger.h"
#include "dispatch/dispatcher.h"
#include "tests/support/dispatch_policy_fixture.h"

namespace ar {
namespace {

// --- catch-up ---

TEST_F(DispatchPolicyTest, ReplyOverdueByMoreThanCatchUpLimitIsFailedNotSent) {
  settings_.catch_up_limit = Seconds(3600);
  uint64_t id = Enqueue("bob@example.org", kStart);
  clock_.Set(kStart + Seconds(3601));
  Dispatcher dispatcher = MakeDispatcher();
  DispatchStats stats = RunOnce(dispatcher);
  EXPECT_EQ(stats.skipped, 1u);
  EXPECT_EQ(stats.sent, 0u);
  EXPECT_TRUE(Recipients().empty());
  EXPECT_TRUE(Queue().empty());
  auto failed = Failed();
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].id, id);
  EXPECT_EQ(failed[0].last_error, "overdue by 3601s, more than catch_up_limit 3600s");
  EXPECT_TRUE(logger_.Contains("skipped item=" + std::to_string(id) + " to=<bob@example.org>"));
  // Like any failed reply: the next mail from bob may be answered again.
  auto response = store_->GetResponse("alice@example.com", "bob@example.org");
  ASSERT_TRUE(response.ok());
  EXPECT_FALSE(response->has_value());
}

TEST_F(DispatchPolicyTest, ReplyOverdueByExactlyCatchUpLimitIsStillSent) {
  settings_.catch_up_limit = Seconds(3600);
  Enqueue("bob@example.org", kStart);
  clock_.Set(kStart + Seconds(3600));
  Dispatcher dispatcher = MakeDispatcher();
  DispatchStats stats = RunOnce(dispatcher);
  EXPECT_EQ(stats.sent, 1u);
  EXPECT_EQ(stats.skipped, 0u);
}

TEST_F(DispatchPolicyTest, ZeroCatchUpLimitSendsEverythingLate) {
  settings_.catch_up_limit = Seconds(0);
  Enqueue("bob@example.org", kStart);
  clock_.Set(kStart + Seconds(30 * 86400));
  Dispatcher dispatcher = MakeDispatcher();
  EXPECT_EQ(RunOnce(dispatcher).sent, 1u);
  EXPECT_TRUE(Failed().empty());
}

TEST_F(DispatchPolicyTest, CatchUpJudgesOnlyOverdueItemsOfAMixedBatch) {
  settings_.catch_up_limit = Seconds(3600);
  Enqueue("old@example.org", kStart);
  Enqueue("new@example.org", kStart + Seconds(7000));
  clock_.Set(kStart + Seconds(7200));
  Dispatcher dispatcher = MakeDispatcher();
  DispatchStats stats = RunOnce(dispatcher);
  EXPECT_EQ(stats.skipped, 1u);
  EXPECT_EQ(stats.sent, 1u);
  EXPECT_EQ(Recipients(), std::vector<std::string>{"new@example.org"});
}

TEST_F(DispatchPolicyTest, CatchUpCountsFromTheRetryTimeOfARetriedReply) {
  // Retried hourly while the MTA was down: each retry is a fresh due time,
  // so an item in backoff is not "overdue after downtime".
  settings_.catch_up_limit = Seconds(3600);
  settings_.retry_base = Seconds(1800);
  settings_.retry_max = Seconds(1800);
  log_.temporary_for = {"bob@example.org"};
  Enqueue("bob@example.org", kStart);
  Dispatcher dispatcher = MakeDispatcher();
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(RunOnce(dispatcher).retried, 1u) << "round " << i;
    clock_.Advance(Seconds(1800));
  }
  log_.temporary_for.clear();
  EXPECT_EQ(RunOnce(dispatcher).sent, 1u);
  EXPECT_TRUE(Failed().empty());
}

// --- frequency cap ---

TEST_F(DispatchPolicyTest, ReplyBeyondThePersonSendLimitIsDeferredUntilTheOldestLeavesTheWindow) {
  settings_.person_send_limit = 3;
  settings_.person_send_window = Seconds(86400);
  Dispatcher dispatcher = MakeDispatcher();
  const char* users[] = {"a@example.com", "b@example.com", "c@example.com", "d@example.com"};
  for (int i = 0; i < 3; ++i) {
    Enqueue("bob@example.org", clock_.Now(), users[i]);
    EXPECT_EQ(RunOnce(dispatcher).sent, 1u);
    clock_.Advance(Seconds(600));
  }
  uint64_t fourth = Enqueue("bob@example.org", clock_.Now(), users[3]);
  DispatchStats stats = RunOnce(dispatcher);
  EXPECT_EQ(stats.sent, 0u);
  EXPECT_EQ(stats.capped, 1u);
  EXPECT_EQ(Recipients().size(), 3u);
  ASSERT_EQ(store_->defers().size(), 1u);
  EXPECT_EQ(store_->defers()[0].id, fourth);
  EXPECT_EQ(store_->defers()[0].reason, "frequency cap");
  const TimePoint until = kStart + Seconds(86400) + Seconds(1);
  EXPECT_EQ(store_->defers()[0].until, until);
  auto queue = Queue();
  ASSERT_EQ(queue.size(), 1u);
  EXPECT_EQ(queue[0].due, until);
  EXPECT_TRUE(logger_.Contains("capped item=" + std::to_string(fourth) + " to=<bob@example.org>"));
  EXPECT_TRUE(logger_.Contains("frequency cap: 3 sends to <bob@example.org> within 86400s"));

  // Deferred, never dropped: once the first send has left the window it goes.
  clock_.Set(until - Seconds(1));
  EXPECT_EQ(RunOnce(dispatcher).sent, 0u);
  clock_.Set(until);
  EXPECT_EQ(RunOnce(dispatcher).sent, 1u);
  EXPECT_TRUE(Queue().empty());
  EXPECT_TRUE(Failed().empty());
}

TEST_F(DispatchPolicyTest, CapHoldsWithinOneBatchEvenWithManySenders) {
  settings_.person_send_limit = 2;
  settings_.concurrency = 4;
  const char* users[] = {"a@example.com", "b@example.com", "c@example.com", "d@example.com"};
  for (const char* user : users) Enqueue("bob@example.org", kStart, user);
  Enqueue("carol@example.org", kStart);
  Dispatcher dispatcher = MakeDispatcher();
  DispatchStats stats = RunOnce(dispatcher);
  EXPECT_EQ(stats.sent, 3u);  // two to bob, one to carol
  EXPECT_EQ(stats.capped, 2u);
  auto recipients = Recipients();
  EXPECT_EQ(std::count(recipients.begin(), recipients.end(), "bob@example.org"), 2);
  EXPECT_EQ(Queue().size(), 2u);
}

TEST_F(DispatchPolicyTest, CapCountsSendsOfEarlierRunsAndOnlyWithinTheWindow) {
  settings_.person_send_limit = 2;
  settings_.person_send_window = Seconds(3600);
  store_->AddSend("Bob@Example.org", kStart - Seconds(4000));  // outside the window
  store_->AddSend("bob@example.org", kStart - Seconds(100));
  Enqueue("bob@example.org", kStart);
  Dispatcher dispatcher = MakeDispatcher();
  EXPECT_EQ(RunOnce(dispatcher).sent, 1u);
}

TEST_F(DispatchPolicyTest, CapOnTheRealStoreCountsRepliesSentByEarlierDispatchers) {
  settings_.person_send_limit = 2;
  Enqueue("bob@example.org", kStart, "a@example.com");
  Enqueue("bob@example.org", kStart, "b@example.com");
  {
    // An earlier dispatcher with no cap sent two replies to bob.
    DispatchSettings uncapped = settings_;
    uncapped.person_send_limit = 0;
    SendLog earlier_log;
    Dispatcher earlier(
        *real_,
        [&]() -> Result<std::unique_ptr<Transport>> { return LoggingTransport(earlier_log, 1); },
        clock_, logger_, uncapped, SequenceSendSettings{});
    auto stats = earlier.RunOnce();
    ASSERT_TRUE(stats.ok());
    ASSERT_EQ(stats->sent, 2u);
  }
  auto recent = real_->RecentSends("Bob@Example.org", kStart - Seconds(1));
  ASSERT_TRUE(recent.ok());
  EXPECT_EQ(recent->size(), 2u);
  clock_.Advance(Seconds(60));
  Enqueue("bob@example.org", clock_.Now(), "c@example.com");
  Dispatcher capped(
      *real_, [&]() -> Result<std::unique_ptr<Transport>> { return LoggingTransport(log_, 1); },
      clock_, logger_, settings_, SequenceSendSettings{});
  auto stats = capped.RunOnce();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->capped, 1u);
  EXPECT_TRUE(Recipients().empty());
  auto queue = Queue();
  ASSERT_EQ(queue.size(), 1u);
  EXPECT_EQ(queue[0].due, kStart + settings_.person_send_window + Seconds(1));
  EXPECT_EQ(queue[0].attempts, 0u);  // a deferral is not a failed attempt
}

TEST_F(DispatchPolicyTest, SubAddressesOfOneMailboxShareThePersonSendLimit) {
  // victim+1@ and victim+2@ land in one mailbox: counted apart, a flood to
  // ever new sub-addresses would pass the cap untouched.
  settings_.person_send_limit = 1;
  settings_.concurrency = 4;
  Enqueue("victim+1@example.org", kStart, "a@example.com");
  Enqueue("Victim+2@Example.org", kStart, "b@example.com");
  Dispatcher dispatcher = MakeDispatcher();
  DispatchStats stats = RunOnce(dispatcher);
  EXPECT_EQ(stats.sent, 1u);
  EXPECT_EQ(stats.capped, 1u);
  // A later run, on its own, still counts the first send.
  clock_.Advance(Seconds(60));
  Enqueue("victim@example.org", clock_.Now(), "c@example.com");
  stats = RunOnce(dispatcher);
  EXPECT_EQ(stats.sent, 0u);
  EXPECT_EQ(Recipients().size(), 1u);
  auto recent = real_->RecentSends("victim+3@example.org", kStart - Seconds(1));
  ASSERT_TRUE(recent.ok());
  EXPECT_EQ(recent->size(), 1u);
}

TEST_F(DispatchPolicyTest, ZeroPersonSendLimitMeansNoCap) {
  settings_.person_send_limit = 0;
  for (int i = 0; i < 5; ++i) store_->AddSend("bob@example.org", kStart - Seconds(10));
  Enqueue("bob@example.org", kStart);
  Dispatcher dispatcher = MakeDispatcher();
  EXPECT_EQ(RunOnce(dispatcher).sent, 1u);
  EXPECT_TRUE(store_->defers().empty());
}

// --- concurrency ---

TEST_F(DispatchPolicyTest, SendsUpToConcurrencyAtOnceEachSenderWithItsOwnTransport) {
  settings_.concurrency = 3;
  log_.hold_until_in_flight = 3;
  for (int i = 0; i < 9; ++i) Enqueue("r" + std::to_string(i) + "@example.org", kStart);
  Dispatcher dispatcher = MakeDispatcher();
  DispatchStats stats = RunOnce(dispatcher);
  EXPECT_EQ(stats.sent, 9u);
  EXPECT_EQ(made_, 3);
  EXPECT_EQ(log_.most_in_flight, 3);
  EXPECT_TRUE(Queue().empty());
}

TEST_F(DispatchPolicyTest, SendersAndTheirTransportsAreKeptBetweenRounds) {
  settings_.concurrency = 2;
  Dispatcher dispatcher = MakeDispatcher();
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 4; ++i)
      Enqueue("r" + std::to_string(round) + "." + std::to_string(i) + "@example.org", clock_.Now());
    EXPECT_EQ(RunOnce(dispatcher).sent, 4u);
  }
  EXPECT_EQ(made_, 2);
}

TEST_F(DispatchPolicyTest, StatsStayExactWithManySendersAndMixedOutcomes) {
  settings_.concurrency = 4;
  settings_.batch_size = 7;
  log_.permanent_for = {"p0@example.org", "p1@example.org", "p2@example.org"};
  log_.temporary_for = {"t0@example.org", "t1@example.org"};
  for (int i = 0; i < 3; ++i) Enqueue("p" + std::to_string(i) + "@example.org", kStart);
  for (int i = 0; i < 2; ++i) Enqueue("t" + std::to_string(i) + "@example.org", kStart);
  for (int i = 0; i < 20; ++i) Enqueue("s" + std::to_string(i) + "@example.org", kStart);
  Dispatcher dispatcher = MakeDispatcher();
  DispatchStats stats = RunOnce(dispatcher);
  EXPECT_EQ(stats.sent, 20u);
  EXPECT_EQ(stats.failed, 3u);
  EXPECT_EQ(stats.retried, 2u);
  EXPECT_EQ(Recipients().size(), 25u);
  EXPECT_EQ(Failed().size(), 3u);
  EXPECT_EQ(Queue().size(), 2u);
}

TEST_F(DispatchPolicyTest, OnePersonsItemsGoThroughOneSenderInDueOrder) {
  settings_.concurrency = 4;
  const char* users[] = {"a@example.com", "b@example.com", "c@example.com"};
  for (int i = 0; i < 3; ++i) Enqueue("bob@example.org", kStart + Seconds(i), users[i]);
  for (int i = 0; i < 6; ++i) Enqueue("r" + std::to_string(i) + "@example.org", kStart);
  clock_.Set(kStart + Seconds(10));
  Dispatcher dispatcher = MakeDispatcher();
  EXPECT_EQ(RunOnce(dispatcher).sent, 9u);
  std::set<int> bob_transports;
  std::vector<std::string> bob_messages;
  for (const auto& [number, mail] : log_.sent) {
    if (mail.recipient != "bob@example.org") continue;
    bob_transports.insert(number);
    bob_messages.push_back(mail.message);
  }
  EXPECT_EQ(bob_transports.size(), 1u);
  ASSERT_EQ(bob_messages.size(), 3u);
  for (int i = 0; i < 3; ++i)
    EXPECT_NE(bob_messages[i].find(std::string("From: ") + users[i]), std::string::npos) << i;
}

// Sends to `held` wait (at most 2 s) until `until` was sent; records each
// send's start and end, and whether the wait ended because `until` went out.
struct Gate {
  std::mutex mu;
  std::condition_variable changed;
  std::string held;
  std::string until;
  std::set<std::string> sent;
  std::vector<std::string> events;  // "start <rcpt>", "end <rcpt>"
  bool held_saw_until = false;  // the first held send's wait
  bool held_once = false;
};

// A TestTransport whose send to gate.held waits (up to 2 s) until the
// mail to gate.until has gone out.
std::unique_ptr<Transport> GatedTransport(Gate& gate) {
  auto transport = std::make_unique<testing::TestTransport>();
  transport->on_send = [&gate](const OutgoingMail& mail) -> std::optional<SendResult> {
    std::unique_lock<std::mutex> lock(gate.mu);
    gate.events.push_back("start " + mail.recipient);
    if (mail.recipient == gate.held) {
      bool saw = gate.changed.wait_for(lock, std::chrono::seconds(2),
                                       [&] { return gate.sent.count(gate.until) != 0; });
      if (!gate.held_once) gate.held_saw_until = saw;
      gate.held_once = true;
    }
    gate.sent.insert(mail.recipient);
    gate.events.push_back("end " + mail.recipient);
    gate.changed.notify_all();
    return std::nullopt;
  };
  return transport;
}

TEST_F(DispatchPolicyTest, NextBatchIsClaimedAndSentWhileASlowSendIsInFlight) {
  settings_.concurrency = 2;
  settings_.batch_size = 2;
  // Claimed in due order: {slow, quick}, then {next, last}.
  Enqueue("slow@example.org", kStart - Seconds(4));
  Enqueue("quick@example.org", kStart - Seconds(3));
  Enqueue("next@example.org", kStart - Seconds(2));
  Enqueue("last@example.org", kStart - Seconds(1));
  Gate gate;
  gate.held = "slow@example.org";
  gate.until = "next@example.org";
  Dispatcher dispatcher(
      *store_, [&gate]() -> Result<std::unique_ptr<Transport>> { return GatedTransport(gate); },
      clock_, logger_, settings_, SequenceSendSettings{});
  EXPECT_EQ(RunOnce(dispatcher).sent, 4u);
  // The sender done with "quick" claimed the next batch at once instead of
  // waiting for the slow send of the first batch to end.
  EXPECT_TRUE(gate.held_saw_until);
  EXPECT_TRUE(Queue().empty());
}

TEST_F(DispatchPolicyTest, APersonsLaterBatchWaitsForTheirGroupStillInFlight) {
  settings_.concurrency = 2;
  settings_.batch_size = 2;
  // {bob's first, carol}, then {bob's second, dave}: bob's second must not
  // go out while his first is still being sent, even by the other sender.
  Enqueue("bob@example.org", kStart - Seconds(4), "a@example.com");
  Enqueue("carol@example.org", kStart - Seconds(3));
  Enqueue("bob@example.org", kStart - Seconds(2), "b@example.com");
  Enqueue("dave@example.org", kStart - Seconds(1));
  Gate gate;
  gate.held = "bob@example.org";  // each bob send waits for dave
  gate.until = "dave@example.org";
  Dispatcher dispatcher(
      *store_, [&gate]() -> Result<std::unique_ptr<Transport>> { return GatedTransport(gate); },
      clock_, logger_, settings_, SequenceSendSettings{});
  EXPECT_EQ(RunOnce(dispatcher).sent, 4u);
  EXPECT_TRUE(gate.held_saw_until);
  // bob's sends never overlap: each starts after the previous one ended.
  int bob_in_flight = 0;
  for (const std::string& event : gate.events) {
    if (event == "start bob@example.org") {
      EXPECT_EQ(++bob_in_flight, 1);
    }
    if (event == "end bob@example.org") --bob_in_flight;
  }
}

TEST_F(DispatchPolicyTest, SendersWhoseTransportCannotBeMadeAreLeftOut) {
  settings_.concurrency = 4;
  factory_fails_after = 1;
  for (int i = 0; i < 5; ++i) Enqueue("r" + std::to_string(i) + "@example.org", kStart);
  Dispatcher dispatcher = MakeDispatcher();
  EXPECT_EQ(RunOnce(dispatcher).sent, 5u);
  EXPECT_EQ(made_, 1);
  EXPECT_TRUE(logger_.Contains("cannot make a transport for sender 2"));
}

TEST_F(DispatchPolicyTest, NoTransportAtAllFailsTheRoundAndKeepsTheItems) {
  factory_fails_after = 0;
  Enqueue("bob@example.org", kStart);
  Dispatcher dispatcher = MakeDispatcher();
  EXPECT_FALSE(dispatcher.RunOnce().ok());
  EXPECT_EQ(Queue().size(), 1u);
  EXPECT_TRUE(Failed().empty());
}

// --- waiting ---

TEST_F(DispatchPolicyTest, RunWaitsUntilTheNextDueTimeRatherThanThePollInterval) {
  settings_.poll_interval = Seconds(300);
  Enqueue("bob@example.org", kStart + Seconds(30));
  std::atomic<bool> stop{false};
  ClockMovingWaiter waiter(clock_, stop, 2);
  Dispatcher dispatcher = MakeDispatcher();
  dispatcher.Run(stop, waiter);
  ASSERT_EQ(waiter.timeouts.size(), 2u);
  EXPECT_EQ(waiter.timeouts[0], std::chrono::seconds(30));
  EXPECT_EQ(Recipients(), std::vector<std::string>{"bob@example.org"});
  // Nothing queued any more: only the safety net.
  EXPECT_EQ(waiter.timeouts[1], std::chrono::seconds(300));
  EXPECT_EQ(waiter.forgets, 2u);  // before each look at the queue
}

// A clock that, like the system clock, knows where it is inside the second.
class SubsecondClock final : public Clock {
 public:
  explicit SubsecondClock(std::chrono::system_clock::time_point now) : now_(now) {}
  TimePoint Now() const override { return std::chrono::floor<Seconds>(now_); }
  std::chrono::system_clock::time_point NowPrecise() const override { return now_; }

 private:
  std::chrono::system_clock::time_point now_;
};

TEST_F(DispatchPolicyTest, RunWakesAtTheStartOfTheDueSecondNotUpToASecondLater) {
  settings_.poll_interval = Seconds(300);
  Enqueue("bob@example.org", kStart + Seconds(3));
  // 0.7 s into the second: the item falls due in 2.3 s; waiting the 3 whole
  // seconds between Now() and the due time would send it 0.7 s late.
  SubsecondClock clock(kStart + std::chrono::milliseconds(700));
  std::atomic<bool> stop{false};
  class RecordingWaiter final : public QueueWaiter {
   public:
    explicit RecordingWaiter(std::atomic<bool>& stop) : stop_(stop) {}
    void Forget() override {}
    WakeReason Wait(std::chrono::milliseconds timeout, const std::atomic<bool>&) override {
      timeouts.push_back(timeout);
      stop_ = true;
      return WakeReason::kTimeout;
    }
    std::vector<std::chrono::milliseconds> timeouts;

   private:
    std::atomic<bool>& stop_;
  } waiter(stop);
  Dispatcher dispatcher(
      *store_, [this]() -> Result<std::unique_ptr<Transport>> { return LoggingTransport(log_, 1); },
      clock, logger_, settings_, SequenceSendSettings{});
  dispatcher.Run(stop, waiter);
  ASSERT_EQ(waiter.timeouts.size(), 1u);
  EXPECT_EQ(waiter.timeouts[0], std::chrono::milliseconds(2300));
}

TEST_F(DispatchPolicyTest, RunWaitsAtMostThePollIntervalForAFarDueTime) {
  settings_.poll_interval = Seconds(5);
  Enqueue("bob@example.org", kStart + Seconds(86400));
  std::atomic<bool> stop{false};
  ClockMovingWaiter waiter(clock_, stop, 1);
  Dispatcher dispatcher = MakeDispatcher();
  dispatcher.Run(stop, waiter);
  ASSERT_EQ(waiter.timeouts.size(), 1u);
  EXPECT_EQ(waiter.timeouts[0], std::chrono::seconds(5));
}

TEST_F(DispatchPolicyTest, ReplyQueuedWhileRunWaitsGoesOutAtOnceNotAtThePollInterval) {
  settings_.poll_interval = Seconds(60);
  auto waiter = StoreChangeWaiter::Open(dir_);
  ASSERT_TRUE(waiter.ok()) << waiter.status().ToString();
  std::atomic<bool> stop{false};
  Dispatcher dispatcher = MakeDispatcher();
  auto done = std::async(std::launch::async, [&] { dispatcher.Run(stop, **waiter); });
  // Let Run() reach its wait on an empty queue, then queue as the milter would.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto queued_at = std::chrono::steady_clock::now();
  Enqueue("bob@example.org", kStart);
  const auto deadline = queued_at + std::chrono::seconds(10);
  while (Recipients().empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const auto latency = std::chrono::steady_clock::now() - queued_at;
  stop = true;
  done.wait();
  EXPECT_EQ(Recipients(), std::vector<std::string>{"bob@example.org"});
  EXPECT_LT(latency, std::chrono::seconds(2));
  std::cout << "queued-to-sent latency: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(latency).count() << " ms\n";
}

TEST_F(DispatchPolicyTest, StopEndsRunWithManySendersAfterTheSendsInProgress) {
  settings_.concurrency = 2;
  for (int i = 0; i < 6; ++i) Enqueue("r" + std::to_string(i) + "@example.org", kStart);
  std::atomic<bool> stop{false};
  std::atomic<int> sends{0};
  // Stop as soon as the first send starts; at most one send per sender runs.
  auto stopping = [&]() -> Result<std::unique_ptr<Transport>> {
    auto transport = std::make_unique<testing::TestTransport>();
    transport->on_send = [&](const OutgoingMail&) -> std::optional<SendResult> {
      ++sends;
      stop = true;
      return std::nullopt;
    };
    return std::unique_ptr<Transport>(std::move(transport));
  };

  Dispatcher dispatcher(*store_, stopping, clock_, logger_, settings_, SequenceSendSettings{});
  auto done = std::async(std::launch::async, [&] { dispatcher.Run(stop); });
  bool returned = done.wait_for(std::chrono::seconds(5)) == std::future_status::ready;
  stop = true;
  done.wait();
  EXPECT_TRUE(returned);
  EXPECT_LE(sends.load(), 2);
  EXPECT_GE(sends.load(), 1);
  EXPECT_EQ(Queue().size(), 6u - static_cast<size_t>(sends.load()));
}

}  // namespace
}  // namespace ar
