#include "metrics/metric_samples.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "tests/support/metric_series.h"

namespace ar {
namespace {

using testing::SamplesByKey;

TEST(MetricSamples, MilterExportsEveryDecisionReasonIncludingZeros) {
  Counters counters;
  counters.CountQueued();
  counters.CountSkip(SkipReason::kPrecedence);
  auto samples = SamplesByKey(CounterSamples(counters.Snapshot(), MetricsProgram::kMilter));
  EXPECT_EQ(samples.at("autoresponder_decisions_total{reason=queued}"), 1);
  EXPECT_EQ(samples.at("autoresponder_decisions_total{reason=precedence}"), 1);
  EXPECT_EQ(samples.at("autoresponder_decisions_total{reason=list-header}"), 0);
  EXPECT_EQ(samples.at("autoresponder_decisions_total{reason=unsafe-sender}"), 0);
  EXPECT_EQ(samples.at("autoresponder_replies_total{outcome=queued}"), 1);
  EXPECT_EQ(samples.at("autoresponder_internal_errors_total{program=milter}"), 0);
  EXPECT_EQ(samples.count("autoresponder_replies_total{outcome=sent}"), 0u);
  EXPECT_EQ(samples.at("autoresponder_unrecorded_total"), 0);
  EXPECT_EQ(samples.at("autoresponder_store_full_total"), 0);
  EXPECT_EQ(samples.size(), 1 + kSkipReasonCount + 1 + 1 + 1 + 1);
}

TEST(MetricSamples, MilterExportsUnrecordedMessagesAndTheDispatcherDoesNot) {
  Counters counters;
  counters.CountUnrecorded();
  EXPECT_EQ(SamplesByKey(CounterSamples(counters.Snapshot(), MetricsProgram::kMilter))
                .at("autoresponder_unrecorded_total"),
            1);
  EXPECT_EQ(SamplesByKey(CounterSamples(counters.Snapshot(), MetricsProgram::kDispatcher))
                .count("autoresponder_unrecorded_total"),
            0u);
}

TEST(MetricSamples, DispatcherExportsOutcomesAndNoDecisions) {
  Counters counters;
  counters.CountReply(ReplyOutcome::kSent);
  counters.CountReply(ReplyOutcome::kFailed);
  counters.CountInternalError();
  auto samples = SamplesByKey(CounterSamples(counters.Snapshot(), MetricsProgram::kDispatcher));
  EXPECT_EQ(samples.at("autoresponder_replies_total{outcome=sent}"), 1);
  EXPECT_EQ(samples.at("autoresponder_replies_total{outcome=deferred}"), 0);
  EXPECT_EQ(samples.at("autoresponder_replies_total{outcome=failed}"), 1);
  EXPECT_EQ(samples.at("autoresponder_internal_errors_total{program=dispatcher}"), 1);
  EXPECT_EQ(samples.size(), 4u + std::size(kSweptKinds));
}

TEST(MetricSamples, DispatcherExportsSweptRecordsByDatabase) {
  Counters counters;
  counters.CountSwept(SweptKind::kResponses, 5);
  counters.CountSwept(SweptKind::kResponses, 2);
  counters.CountSwept(SweptKind::kTokens, 1);
  auto samples = SamplesByKey(CounterSamples(counters.Snapshot(), MetricsProgram::kDispatcher));
  EXPECT_EQ(samples.at("autoresponder_swept_total{database=responses}"), 7);
  EXPECT_EQ(samples.at("autoresponder_swept_total{database=tokens}"), 1);
  EXPECT_EQ(samples.at("autoresponder_swept_total{database=failed}"), 0);
}

TEST(MetricSamples, MilterAndDispatcherFilesShareNoSeries) {
  // node_exporter rejects a series that two files in its directory both carry.
  auto milter = SamplesByKey(CounterSamples(CounterSnapshot{}, MetricsProgram::kMilter));
  auto dispatcher = SamplesByKey(CounterSamples(CounterSnapshot{}, MetricsProgram::kDispatcher));
  for (const auto& [key, value] : dispatcher) EXPECT_EQ(milter.count(key), 0u) << key;
}

TEST(MetricSamples, OldestDueAgeCountsOnlyOverdueTime) {
  StoreStats stats;
  stats.rules = 3;
  stats.queued = 2;
  stats.failed = 1;
  stats.used_bytes = 8192;
  stats.map_size = 1 << 20;
  const TimePoint now = FromUnixSeconds(1767225600);
  stats.earliest_due = now - Seconds(90);
  auto samples = SamplesByKey(StoreGaugeSamples(stats, now));
  EXPECT_EQ(samples.at("autoresponder_rules"), 3);
  EXPECT_EQ(samples.at("autoresponder_queue_depth"), 2);
  EXPECT_EQ(samples.at("autoresponder_queue_oldest_due_age_seconds"), 90);
  EXPECT_EQ(samples.at("autoresponder_failed_replies"), 1);
  EXPECT_EQ(samples.at("autoresponder_store_used_bytes"), 8192);
  EXPECT_EQ(samples.at("autoresponder_store_map_size_bytes"), 1 << 20);

  stats.earliest_due = now + Seconds(300);  // claimed or waiting to retry
  EXPECT_EQ(
      SamplesByKey(StoreGaugeSamples(stats, now)).at("autoresponder_queue_oldest_due_age_seconds"),
      0);
  stats.earliest_due.reset();
  EXPECT_EQ(
      SamplesByKey(StoreGaugeSamples(stats, now)).at("autoresponder_queue_oldest_due_age_seconds"),
      0);
}

TEST(MetricSamples, IsStoreGaugeNamesExactlyTheGauges) {
  for (const Sample& s : StoreGaugeSamples(StoreStats{}, FromUnixSeconds(0)))
    EXPECT_TRUE(IsStoreGauge(s.name)) << s.name;
  for (const Sample& s : CounterSamples(CounterSnapshot{}, MetricsProgram::kMilter))
    EXPECT_FALSE(IsStoreGauge(s.name)) << s.name;
}

}  // namespace
}  // namespace ar
