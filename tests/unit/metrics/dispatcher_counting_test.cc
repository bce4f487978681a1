// Dispatcher with Counters, on a real store: each outcome is counted once.
#include <gtest/gtest.h>

#include "core/logger.h"
#include "dispatch/dispatcher.h"
#include "metrics/counters.h"
#include "tests/support/temp_store.h"
#include "tests/support/test_transport.h"

namespace ar {
namespace {

using testing::ReplyTo;
using testing::TempStore;
using testing::TestTransport;

TEST(DispatcherCounting, CountsSentDeferredAndFailed) {
  TempStore t;
  ManualClock clock(FromUnixSeconds(1767225600));
  std::vector<NewReply> replies;
  for (const char* sender : {"a@example.net", "b@example.net", "c@example.net"})
    replies.push_back(ReplyTo(sender, clock.Now()));
  ASSERT_TRUE(t.store->Enqueue(replies, clock.Now()).ok());

  TestTransport transport;
  transport.script = {TestTransport::Answer(SendResult::Kind::kSent, "250 2.0.0 Ok"),
                      TestTransport::Answer(SendResult::Kind::kTemporary, "451 4.3.0 later"),
                      TestTransport::Answer(SendResult::Kind::kPermanent, "550 5.1.1 unknown")};
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
