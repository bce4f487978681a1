// DispatchPolicyTest: the Dispatcher on the real LMDB store through the
// ForwardingStore, with a LoggingTransport per sender, a ManualClock at
// kStart and a reply queue a test fills with Enqueue().
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/logger.h"
#include "dispatch/dispatcher.h"
#include "dispatch/queue_waiter.h"
#include "store/store.h"
#include "tests/support/forwarding_store.h"
#include "tests/support/test_dir.h"
#include "tests/support/test_transport.h"

namespace ar {

constexpr auto Answer = testing::TestTransport::Answer;

const TimePoint kStart = FromUnixSeconds(1767225600);  // 2026-01-01T00:00:00Z

// Shared by every transport one factory made: what was sent, by which
// transport, and how many sends were in flight at once.
struct SendLog {
  std::mutex mu;
  std::condition_variable changed;
  std::vector<std::pair<int, OutgoingMail>> sent;  // (transport number, mail)
  int in_flight = 0;
  int most_in_flight = 0;
  int hold_until_in_flight = 0;         // > 0: each Send waits (<= 2 s) until this many run
  std::set<std::string> permanent_for;  // recipients answered 5xx
  std::set<std::string> temporary_for;  // recipients answered 4xx
};

// A TestTransport that notes each send in log as transport `number`, and
// answers from log's recipient sets.
inline std::unique_ptr<Transport> LoggingTransport(SendLog& log, int number) {
  auto transport = std::make_unique<testing::TestTransport>();
  transport->on_send = [&log, number](const OutgoingMail& mail) -> std::optional<SendResult> {
    std::unique_lock<std::mutex> lock(log.mu);
    log.sent.emplace_back(number, mail);
    ++log.in_flight;
    log.most_in_flight = std::max(log.most_in_flight, log.in_flight);
    log.changed.notify_all();
    if (log.hold_until_in_flight > 0) {
      log.changed.wait_for(lock, std::chrono::seconds(2),
                           [&] { return log.in_flight >= log.hold_until_in_flight; });
    }
    --log.in_flight;
    if (log.permanent_for.count(mail.recipient) != 0)
      return Answer(SendResult::Kind::kPermanent, "550 5.1.1 User unknown");
    if (log.temporary_for.count(mail.recipient) != 0)
      return Answer(SendResult::Kind::kTemporary, "451 4.3.0 later");
    return std::nullopt;
  };
  return transport;
}

// Answers every Wait() by moving the clock on by the timeout asked for, and
// stops Run() once it has waited `rounds` times.
class ClockMovingWaiter final : public QueueWaiter {
 public:
  ClockMovingWaiter(ManualClock& clock, std::atomic<bool>& stop, size_t rounds)
      : clock_(clock), stop_(stop), rounds_(rounds) {}
  void Forget() override { ++forgets; }
  WakeReason Wait(std::chrono::milliseconds timeout, const std::atomic<bool>&) override {
    timeouts.push_back(timeout);
    clock_.Advance(std::chrono::duration_cast<Seconds>(timeout));
    if (timeouts.size() >= rounds_) stop_ = true;
    return WakeReason::kTimeout;
  }
  std::vector<std::chrono::milliseconds> timeouts;
  size_t forgets = 0;

 private:
  ManualClock& clock_;
  std::atomic<bool>& stop_;
  size_t rounds_;
};

class DispatchPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestDir("dispatch_policy");
    auto store = testing::OpenTestStore(dir_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    real_ = std::move(store.value());
    store_ = std::make_unique<testing::ForwardingStore>(*real_);
    settings_.retry_base = Seconds(60);
    settings_.retry_max = Seconds(300);
    settings_.max_age = Seconds(5 * 86400);
    settings_.lease = Seconds(600);
    settings_.catch_up_limit = Seconds(0);
    settings_.person_send_limit = 0;
    settings_.concurrency = 1;
  }
  void TearDown() override {
    store_.reset();
    real_.reset();
    std::filesystem::remove_all(dir_);
  }

  Dispatcher MakeDispatcher() {
    return Dispatcher(
        *store_,
        [this]() -> Result<std::unique_ptr<Transport>> {
          if (factory_fails_after >= 0 && made_ >= factory_fails_after)
            return Status::IoError("no more transports");
          return LoggingTransport(log_, ++made_);
        },
        clock_, logger_, settings_, SequenceSendSettings{});
  }

  // Queues a reply from user to recipient, due at due.
  uint64_t Enqueue(const std::string& recipient, TimePoint due,
                   const std::string& user = "alice@example.com") {
    NewReply reply;
    reply.user = user;
    reply.generation = 1;
    reply.dedupe_sender = recipient;
    reply.period = Seconds(7 * 86400);
    reply.envelope_recipient = recipient;
    reply.message_id = "<reply." + user + "." + recipient + ">";
    reply.message =
        "Subject: Out of office\r\nFrom: " + user + "\r\nTo: " + recipient + "\r\n\r\nAway.\r\n";
    reply.due = due;
    auto outcome = store_->Enqueue({reply}, clock_.Now());
    EXPECT_TRUE(outcome.ok()) << outcome.status().ToString();
    if (!outcome.ok() || outcome->empty()) return 0;
    EXPECT_TRUE((*outcome)[0].queued);
    return (*outcome)[0].id;
  }

  DispatchStats RunOnce(Dispatcher& dispatcher) {
    auto stats = dispatcher.RunOnce();
    EXPECT_TRUE(stats.ok()) << stats.status().ToString();
    return stats.ok() ? *stats : DispatchStats{};
  }

  std::vector<QueueItem> Queue() {
    auto items = store_->ListQueue(1000);
    EXPECT_TRUE(items.ok());
    return items.ok() ? *items : std::vector<QueueItem>{};
  }
  std::vector<QueueItem> Failed() {
    auto items = store_->ListFailed(1000);
    EXPECT_TRUE(items.ok());
    return items.ok() ? *items : std::vector<QueueItem>{};
  }
  std::vector<std::string> Recipients() {
    std::lock_guard<std::mutex> lock(log_.mu);
    std::vector<std::string> out;
    for (const auto& [number, mail] : log_.sent) out.push_back(mail.recipient);
    return out;
  }

  std::string dir_;
  std::unique_ptr<Store> real_;
  std::unique_ptr<testing::ForwardingStore> store_;
  SendLog log_;
  int made_ = 0;
  int factory_fails_after = -1;
  ManualClock clock_{kStart};
  CapturingLogger logger_;
  DispatchSettings settings_;
};

}  // namespace ar
