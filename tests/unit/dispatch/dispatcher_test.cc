#include "dispatch/dispatcher.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <deque>
#include <filesystem>
#include <future>

#include "core/logger.h"
#include "tests/support/test_dir.h"
#include "tests/support/test_transport.h"

namespace ar {
namespace {

using testing::TestTransport;

const TimePoint kStart = FromUnixSeconds(1767225600);  // 2026-01-01T00:00:00Z

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestDir("dispatch");
    auto store = testing::OpenTestStore(dir_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store.value());
    settings_.retry_base = Seconds(60);
    settings_.retry_max = Seconds(300);
    settings_.max_age = Seconds(86400);
    settings_.lease = Seconds(600);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  Dispatcher MakeDispatcher() {
    return Dispatcher(*store_, transport_, clock_, logger_, settings_);
  }

  // Queues a reply from alice@example.com to recipient, due at due.
  uint64_t Enqueue(const std::string& recipient, TimePoint due,
                   const std::string& origin = "4XORIGIN") {
    NewReply reply;
    reply.user = "alice@example.com";
    reply.generation = 1;
    reply.dedupe_sender = recipient;
    reply.period = Seconds(7 * 86400);
    reply.envelope_sender = "";
    reply.envelope_recipient = recipient;
    reply.message_id = "<reply." + recipient + ">";
    reply.message = "Subject: Out of office\r\nTo: " + recipient + "\r\n\r\nAway.\r\n";
    reply.due = due;
    reply.origin_queue_id = origin;
    auto outcome = store_->Enqueue({reply}, clock_.Now());
    EXPECT_TRUE(outcome.ok()) << outcome.status().ToString();
    if (!outcome.ok() || outcome->empty()) return 0;
    EXPECT_TRUE((*outcome)[0].queued);
    return (*outcome)[0].id;
  }

  std::vector<QueueItem> Queue() {
    auto items = store_->ListQueue(1000);
    EXPECT_TRUE(items.ok()) << items.status().ToString();
    return items.ok() ? *items : std::vector<QueueItem>{};
  }
  std::vector<QueueItem> Failed() {
    auto items = store_->ListFailed(1000);
    EXPECT_TRUE(items.ok()) << items.status().ToString();
    return items.ok() ? *items : std::vector<QueueItem>{};
  }

  void AlwaysTemporary() {
    transport_.script = {
        TestTransport::Answer(SendResult::Kind::kTemporary, "451 4.3.0 try again later")};
    transport_.repeat_last = true;
  }

  std::string dir_;
  std::unique_ptr<Store> store_;
  TestTransport transport_;
  ManualClock clock_{kStart};
  CapturingLogger logger_;
  DispatchSettings settings_;
};

TEST_F(DispatcherTest, SendsDueItemsAndLeavesNotYetDueQueued) {
  Enqueue("bob@example.org", kStart);
  uint64_t later = Enqueue("carol@example.org", kStart + Seconds(3600));
  auto stats = MakeDispatcher().RunOnce();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->sent, 1u);
  ASSERT_EQ(transport_.sent.size(), 1u);
  EXPECT_EQ(transport_.sent[0].recipient, "bob@example.org");
  auto queue = Queue();
  ASSERT_EQ(queue.size(), 1u);
  EXPECT_EQ(queue[0].id, later);
}

TEST_F(DispatcherTest, HeldItemIsNotSentUntilReleased) {
  const uint64_t held = Enqueue("bob@example.org", kStart);
  Enqueue("carol@example.org", kStart);
  ASSERT_TRUE(store_->Hold(held).ok());
  auto stats = MakeDispatcher().RunOnce();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->sent, 1u);
  ASSERT_EQ(transport_.sent.size(), 1u);
  EXPECT_EQ(transport_.sent[0].recipient, "carol@example.org");
  clock_.Advance(Seconds(3600));  // past every lease
  ASSERT_TRUE(MakeDispatcher().RunOnce().ok());
  EXPECT_EQ(transport_.sent.size(), 1u);
  ASSERT_EQ(Queue().size(), 1u);
  EXPECT_TRUE(Queue()[0].held);

  ASSERT_TRUE(store_->Release(held).ok());
  ASSERT_TRUE(MakeDispatcher().RunOnce().ok());
  ASSERT_EQ(transport_.sent.size(), 2u);
  EXPECT_EQ(transport_.sent[1].recipient, "bob@example.org");
  EXPECT_TRUE(Queue().empty());
}

TEST_F(DispatcherTest, HandsEnvelopeAndMessageToTransport) {
  Enqueue("bob@example.org", kStart);
  ASSERT_TRUE(MakeDispatcher().RunOnce().ok());
  ASSERT_EQ(transport_.sent.size(), 1u);
  EXPECT_EQ(transport_.sent[0].envelope_sender, "");
  EXPECT_EQ(transport_.sent[0].recipient, "bob@example.org");
  EXPECT_EQ(transport_.sent[0].message,
            "Subject: Out of office\r\nTo: bob@example.org\r\n\r\nAway.\r\n");
}

TEST_F(DispatcherTest, AcceptedReplyMarksResponseSentAtAcceptanceTime) {
  Enqueue("bob@example.org", kStart);
  auto before = store_->GetResponse("alice@example.com", "bob@example.org");
  ASSERT_TRUE(before.ok() && before->has_value());
  EXPECT_EQ((*before)->state, ResponseState::kPending);

  clock_.Advance(Seconds(10));
  ASSERT_TRUE(MakeDispatcher().RunOnce().ok());
  auto after = store_->GetResponse("alice@example.com", "bob@example.org");
  ASSERT_TRUE(after.ok() && after->has_value());
  EXPECT_EQ((*after)->state, ResponseState::kSent);
  EXPECT_EQ((*after)->at, kStart + Seconds(10));
  EXPECT_TRUE(Queue().empty());
}

TEST_F(DispatcherTest, TemporaryFailureRetriesWithDoublingBackoffCappedAtMax) {
  AlwaysTemporary();
  Enqueue("bob@example.org", kStart);
  Dispatcher dispatcher = MakeDispatcher();
  // retry_base 60s doubling: 60, 120, 240, then capped at retry_max 300.
  const int64_t expected_delays[] = {60, 120, 240, 300, 300};
  uint32_t attempt = 0;
  for (int64_t delay : expected_delays) {
    auto stats = dispatcher.RunOnce();
    ASSERT_TRUE(stats.ok()) << stats.status().ToString();
    EXPECT_EQ(stats->retried, 1u);
    auto queue = Queue();
    ASSERT_EQ(queue.size(), 1u);
    ++attempt;
    EXPECT_EQ(queue[0].attempts, attempt);
    EXPECT_EQ(queue[0].due, clock_.Now() + Seconds(delay)) << "attempt " << attempt;
    EXPECT_EQ(queue[0].last_error, "451 4.3.0 try again later");
    clock_.Set(queue[0].due);
  }
  EXPECT_EQ(transport_.sent.size(), 5u);
}

TEST_F(DispatcherTest, RetriedItemIsNotSentBeforeItsRetryTime) {
  AlwaysTemporary();
  Enqueue("bob@example.org", kStart);
  Dispatcher dispatcher = MakeDispatcher();
  ASSERT_TRUE(dispatcher.RunOnce().ok());
  clock_.Advance(Seconds(59));
  auto stats = dispatcher.RunOnce();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->sent + stats->retried + stats->failed, 0u);
  EXPECT_EQ(transport_.sent.size(), 1u);
  clock_.Advance(Seconds(1));
  ASSERT_TRUE(dispatcher.RunOnce().ok());
  EXPECT_EQ(transport_.sent.size(), 2u);
}

TEST_F(DispatcherTest, PermanentFailureMovesItemToFailedList) {
  transport_.script = {TestTransport::Answer(SendResult::Kind::kPermanent,
                                             "550 5.1.1 <bob@example.org>: User unknown")};
  Enqueue("bob@example.org", kStart);
  auto stats = MakeDispatcher().RunOnce();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->failed, 1u);
  EXPECT_TRUE(Queue().empty());
  auto failed = Failed();
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].envelope_recipient, "bob@example.org");
  EXPECT_NE(failed[0].last_error.find("User unknown"), std::string::npos) << failed[0].last_error;
  // The pending response is dropped, so the next mail from bob is answered.
  auto response = store_->GetResponse("alice@example.com", "bob@example.org");
  ASSERT_TRUE(response.ok());
  EXPECT_FALSE(response->has_value());
}

TEST_F(DispatcherTest, TemporaryFailureOlderThanMaxAgeFails) {
  AlwaysTemporary();
  Enqueue("bob@example.org", kStart);
  Dispatcher dispatcher = MakeDispatcher();
  ASSERT_TRUE(dispatcher.RunOnce().ok());
  EXPECT_EQ(Queue().size(), 1u);
  clock_.Set(kStart + settings_.max_age + Seconds(1));
  auto stats = dispatcher.RunOnce();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->failed, 1u);
  EXPECT_TRUE(Queue().empty());
  ASSERT_EQ(Failed().size(), 1u);
}

TEST_F(DispatcherTest, TemporaryFailureWithinMaxAgeIsRetriedNotFailed) {
  AlwaysTemporary();
  Enqueue("bob@example.org", kStart);
  clock_.Set(kStart + settings_.max_age);  // exactly max_age old: still young enough
  auto stats = MakeDispatcher().RunOnce();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->retried, 1u);
  EXPECT_TRUE(Failed().empty());
}

TEST_F(DispatcherTest, LogsOneLinePerOutcomeWithIdRecipientOriginAndMtaWords) {
  transport_.script = {
      TestTransport::Answer(SendResult::Kind::kSent, "250 2.0.0 Ok: queued as 4XSENT"),
      TestTransport::Answer(SendResult::Kind::kTemporary, "451 4.7.1 greylisted"),
      TestTransport::Answer(SendResult::Kind::kPermanent, "550 5.1.1 User unknown")};
  uint64_t a = Enqueue("a@example.org", kStart, "QA");
  uint64_t b = Enqueue("b@example.org", kStart + Seconds(1), "QB");
  uint64_t c = Enqueue("c@example.org", kStart + Seconds(2), "QC");
  clock_.Advance(Seconds(2));
  ASSERT_TRUE(MakeDispatcher().RunOnce().ok());
  auto lines = logger_.Lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_TRUE(logger_.Contains("sent item=" + std::to_string(a) +
                               " to=<a@example.org> origin=QA: 250 2.0.0 Ok: queued as 4XSENT"));
  EXPECT_TRUE(
      logger_.Contains("deferred item=" + std::to_string(b) + " to=<b@example.org> origin=QB"));
  EXPECT_TRUE(logger_.Contains("451 4.7.1 greylisted"));
  EXPECT_TRUE(logger_.Contains("failed item=" + std::to_string(c) +
                               " to=<c@example.org> origin=QC: 550 5.1.1 User unknown"));
}

TEST_F(DispatcherTest, RunOnceWorksThroughSeveralBatches) {
  settings_.batch_size = 2;
  for (int i = 0; i < 5; ++i) Enqueue("r" + std::to_string(i) + "@example.org", kStart);
  auto stats = MakeDispatcher().RunOnce();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->sent, 5u);
  EXPECT_EQ(transport_.sent.size(), 5u);
  EXPECT_TRUE(Queue().empty());
}

TEST_F(DispatcherTest, RunOnceWithEmptyQueueSendsNothing) {
  auto stats = MakeDispatcher().RunOnce();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->sent + stats->retried + stats->failed, 0u);
  EXPECT_TRUE(transport_.sent.empty());
}

TEST_F(DispatcherTest, RunSendsDueItemsAndReturnsWhenStopIsSet) {
  Enqueue("bob@example.org", kStart);
  Enqueue("carol@example.org", kStart);
  std::atomic<bool> stop{false};
  settings_.poll_interval = Seconds(60);
  transport_.on_send = [&](const OutgoingMail&) -> std::optional<SendResult> {
    if (transport_.sent.size() == 2) stop = true;
    return std::nullopt;
  };
  Dispatcher dispatcher = MakeDispatcher();
  auto done = std::async(std::launch::async, [&] { dispatcher.Run(stop); });
  // Run() must notice the flag within its 100 ms sleep slices, not after
  // the 60 s poll interval.
  bool returned = done.wait_for(std::chrono::seconds(5)) == std::future_status::ready;
  stop = true;  // never leave the thread running if it failed
  done.wait();
  EXPECT_TRUE(returned);
  EXPECT_EQ(transport_.sent.size(), 2u);
  EXPECT_TRUE(Queue().empty());
}

TEST_F(DispatcherTest, StopRequestEndsRunBetweenTwoSendsOfOneBatch) {
  for (int i = 0; i < 3; ++i) Enqueue("r" + std::to_string(i) + "@example.org", kStart);
  std::atomic<bool> stop{false};
  transport_.on_send = [&](const OutgoingMail&) -> std::optional<SendResult> {
    stop = true;
    return std::nullopt;
  };
  Dispatcher dispatcher = MakeDispatcher();
  auto done = std::async(std::launch::async, [&] { dispatcher.Run(stop); });
  bool returned = done.wait_for(std::chrono::seconds(5)) == std::future_status::ready;
  stop = true;
  done.wait();
  EXPECT_TRUE(returned);
  // The send in progress was finished and recorded; the other two wait.
  EXPECT_EQ(transport_.sent.size(), 1u);
  EXPECT_EQ(Queue().size(), 2u);
  auto response = store_->GetResponse("alice@example.com", transport_.sent[0].recipient);
  ASSERT_TRUE(response.ok() && response->has_value());
  EXPECT_EQ((*response)->state, ResponseState::kSent);
}

}  // namespace
}  // namespace ar
