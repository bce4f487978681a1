// Dispatcher with Counters, on a real store: each outcome is counted once.
#include <gtest/gtest.h>

#include <deque>

#include "core/logger.h"
#include "dispatch/dispatcher.h"
#include "metrics/counters.h"
#include "temp_store.h"

namespace ar {
namespace {

// Answers each Send with the next scripted result.
class ScriptedTransport final : public Transport {
 public:
  explicit ScriptedTransport(std::deque<SendResult::Kind> script) : script_(std::move(script)) {}
  SendResult Send(const OutgoingMail&) override {
    SendResult result;
    result.kind = script_.empty() ? SendResult::Kind::kTemporary : script_.front();
    if (!script_.empty()) script_.pop_front();
    result.detail = "scripted";
    return result;
  }

 private:
  std::deque<SendResult::Kind> script_;
};

TEST(DispatcherCounting, CountsSentDeferredAndFailed) {
  TempStore t;
  ManualClock clock(FromUnixSeconds(1767225600));
  std::vector<NewReply> replies;
  for (const char* sender : {"a@example.net", "b@example.net", "c@example.net"}) {
    NewReply reply;
    reply.user = "alice@example.org";
    reply.dedupe_sender = sender;
    reply.period = Seconds(86400);
    reply.envelope_recipient = sender;
    reply.message_id = "<r@example.org>";
    reply.message = "Subject: away\r\n\r\nbody\r\n";
    reply.due = clock.Now();
    replies.push_back(reply);
  }
  ASSERT_TRUE(t.store->Enqueue(replies, clock.Now()).ok());

  ScriptedTransport transport(
      {SendResult::Kind::kSent, SendResult::Kind::kTemporary, SendResult::Kind::kPermanent});
  CapturingLogger logger;
  Counters counters;
  Dispatcher dispatcher(*t.store, transport, clock, logger, DispatchSettings{}, &counters);
  ASSERT_TRUE(dispatcher.RunOnce().ok());

  CounterSnapshot snapshot = counters.Snapshot();
  EXPECT_EQ(snapshot.replies[static_cast<size_t>(ReplyOutcome::kSent)], 1u);
  EXPECT_EQ(snapshot.replies[static_cast<size_t>(ReplyOutcome::kDeferred)], 1u);
  EXPECT_EQ(snapshot.replies[static_cast<size_t>(ReplyOutcome::kFailed)], 1u);
  EXPECT_EQ(snapshot.replies[static_cast<size_t>(ReplyOutcome::kQueued)], 0u);
  EXPECT_EQ(snapshot.internal_errors, 0u);

  // The store agrees with the gauges the dispatcher would export.
  auto stats = t.store->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->queued, 1u);  // the deferred one
  EXPECT_EQ(stats->failed, 1u);
}

}  // namespace
}  // namespace ar
