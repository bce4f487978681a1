// Store::Stats() on a real LMDB store: the numbers behind the gauges.
#include <gtest/gtest.h>

#include "tests/support/temp_store.h"

namespace ar {
namespace {

using testing::AwayRule;
using testing::ReplyTo;
using testing::TempStore;

const TimePoint kNow = FromUnixSeconds(1767225600);

TEST(StoreStats, EmptyStoreHasNothingQueued) {
  TempStore t;
  auto stats = t.store->Stats();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->rules, 0u);
  EXPECT_EQ(stats->queued, 0u);
  EXPECT_EQ(stats->failed, 0u);
  EXPECT_FALSE(stats->earliest_due.has_value());
  EXPECT_EQ(stats->map_size, 64ull << 20);
  EXPECT_GT(stats->used_bytes, 0u);
  EXPECT_EQ(stats->used_bytes % 4096, 0u);
}

TEST(StoreStats, CountsRulesQueueAndFailedList) {
  TempStore t;
  ASSERT_TRUE(t.store->PutRule(AwayRule("alice@example.org")).ok());
  ASSERT_TRUE(t.store->PutRule(AwayRule("carol@example.org")).ok());
  auto empty = t.store->Stats();
  ASSERT_TRUE(empty.ok());
  auto queued = t.store->Enqueue(
      {ReplyTo("bob@example.net", kNow - Seconds(30)),
       ReplyTo("dave@example.net", kNow + Seconds(60)), ReplyTo("erin@example.net", kNow)},
      kNow);
  ASSERT_TRUE(queued.ok());
  ASSERT_TRUE(t.store->MarkFailed((*queued)[2].id, kNow, "550 no such user").ok());

  auto stats = t.store->Stats();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->rules, 2u);
  EXPECT_EQ(stats->queued, 2u);
  EXPECT_EQ(stats->failed, 1u);
  ASSERT_TRUE(stats->earliest_due.has_value());
  EXPECT_EQ(*stats->earliest_due, kNow - Seconds(30));
  EXPECT_GE(stats->used_bytes, empty->used_bytes);
  EXPECT_LE(stats->used_bytes, stats->map_size);

  // Claiming moves the item's due time past now, so the earliest is the next.
  ASSERT_TRUE(t.store->ClaimDue(kNow, 10, Seconds(300)).ok());
  stats = t.store->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->queued, 2u);
  EXPECT_EQ(*stats->earliest_due, kNow + Seconds(60));
}

}  // namespace
}  // namespace ar
