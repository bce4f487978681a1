#include "metrics/counters.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

namespace ar {
namespace {

TEST(Counters, StartAtZero) {
  Counters counters;
  CounterSnapshot snapshot = counters.Snapshot();
  for (uint64_t n : snapshot.skipped) EXPECT_EQ(n, 0u);
  for (uint64_t n : snapshot.replies) EXPECT_EQ(n, 0u);
  EXPECT_EQ(snapshot.decided_to_reply, 0u);
  EXPECT_EQ(snapshot.internal_errors, 0u);
  EXPECT_EQ(snapshot.unrecorded, 0u);
}

TEST(Counters, UnrecordedIsCountedApartFromInternalErrors) {
  Counters counters;
  counters.CountUnrecorded();
  counters.CountUnrecorded();
  counters.CountInternalError();
  CounterSnapshot snapshot = counters.Snapshot();
  EXPECT_EQ(snapshot.unrecorded, 2u);
  EXPECT_EQ(snapshot.internal_errors, 1u);
}

TEST(Counters, CountEachSkipReasonApart) {
  Counters counters;
  counters.CountSkip(SkipReason::kListHeader);
  counters.CountSkip(SkipReason::kListHeader);
  counters.CountSkip(SkipReason::kUnsafeSender);
  CounterSnapshot snapshot = counters.Snapshot();
  for (size_t i = 0; i < kSkipReasonCount; ++i) {
    const auto reason = static_cast<SkipReason>(i);
    const uint64_t expected = reason == SkipReason::kListHeader     ? 2
                              : reason == SkipReason::kUnsafeSender ? 1
                                                                    : 0;
    EXPECT_EQ(snapshot.skipped[i], expected) << SkipReasonName(reason);
  }
}

TEST(Counters, QueuedCountsTheDecisionAndTheReply) {
  Counters counters;
  counters.CountQueued();
  counters.CountReply(ReplyOutcome::kSent);
  counters.CountReply(ReplyOutcome::kDeferred);
  counters.CountReply(ReplyOutcome::kDeferred);
  counters.CountInternalError();
  CounterSnapshot snapshot = counters.Snapshot();
  EXPECT_EQ(snapshot.decided_to_reply, 1u);
  EXPECT_EQ(snapshot.replies[static_cast<size_t>(ReplyOutcome::kQueued)], 1u);
  EXPECT_EQ(snapshot.replies[static_cast<size_t>(ReplyOutcome::kSent)], 1u);
  EXPECT_EQ(snapshot.replies[static_cast<size_t>(ReplyOutcome::kDeferred)], 2u);
  EXPECT_EQ(snapshot.replies[static_cast<size_t>(ReplyOutcome::kFailed)], 0u);
  EXPECT_EQ(snapshot.internal_errors, 1u);
}

TEST(Counters, EverySkipReasonHasItsOwnStableName) {
  // The counters index SkipReason 0..kSkipReasonCount-1: each must be a
  // real reason with a name of its own (a metrics label).
  std::set<std::string> names;
  for (size_t i = 0; i < kSkipReasonCount; ++i) {
    std::string name = SkipReasonName(static_cast<SkipReason>(i));
    EXPECT_NE(name, "unknown") << i;
    EXPECT_TRUE(names.insert(name).second) << name;
  }
  EXPECT_EQ(std::string(SkipReasonName(static_cast<SkipReason>(kSkipReasonCount))), "unknown")
      << "a SkipReason was added after kTooManyRecipients: update kSkipReasonCount";
  EXPECT_EQ(names.count("queued"), 0u) << "\"queued\" is the decision label of a reply";
}

TEST(Counters, NoIncrementIsLostAcrossThreads) {
  Counters counters;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 10000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&counters] {
      for (int i = 0; i < kPerThread; ++i) counters.CountSkip(SkipReason::kAlreadyAnswered);
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(counters.Snapshot().skipped[static_cast<size_t>(SkipReason::kAlreadyAnswered)],
            static_cast<uint64_t>(kThreads * kPerThread));
}

}  // namespace
}  // namespace ar
