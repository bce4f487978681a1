// SequenceCounters and their samples: per sequence, each program exports
// only its own series.
#include "metrics/sequence_counters.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <thread>
#include <vector>

#include "metrics/counters.h"
#include "metrics/exposition.h"
#include "metrics/metric_samples.h"
#include "tests/support/metric_series.h"

namespace ar {
namespace {

using testing::SamplesByKey;

TEST(SequenceCounters, CountsPerSequenceAndReason) {
  SequenceCounters counters;
  counters.CountEnrolment("camera");
  counters.CountEnrolment("camera");
  counters.CountStepSent("course");
  counters.CountExit("camera", SequenceExitReason::kPurchase);
  counters.CountExit("camera", SequenceExitReason::kExpiry);
  counters.CountUnconfirmed("camera");
  counters.CountConfirmed("camera");
  auto snapshot = counters.Snapshot();
  ASSERT_EQ(snapshot.size(), 2u);
  EXPECT_EQ(snapshot["camera"].enrolments, 2u);
  EXPECT_EQ(snapshot["camera"].steps_sent, 0u);
  EXPECT_EQ(snapshot["camera"].unconfirmed, 1u);
  EXPECT_EQ(snapshot["camera"].confirmed, 1u);
  EXPECT_EQ(snapshot["camera"].exits[static_cast<size_t>(SequenceExitReason::kPurchase)], 1u);
  EXPECT_EQ(snapshot["camera"].exits[static_cast<size_t>(SequenceExitReason::kExpiry)], 1u);
  EXPECT_EQ(snapshot["course"].steps_sent, 1u);
}

TEST(SequenceCounters, DeclaredSequencesExistAtZero) {
  SequenceCounters counters;
  counters.Declare("camera");
  auto snapshot = counters.Snapshot();
  ASSERT_EQ(snapshot.count("camera"), 1u);
  EXPECT_EQ(snapshot["camera"].enrolments, 0u);
}

TEST(SequenceCounters, CountsFromManyThreadsAtOnce) {
  SequenceCounters counters;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&counters] {
      for (int i = 0; i < 1000; ++i) counters.CountStepSent("camera");
    });
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(counters.Snapshot()["camera"].steps_sent, 4000u);
}

TEST(SequenceCounters, ExitReasonNamesAreTheDocumentedLabels) {
  EXPECT_STREQ(SequenceExitReasonName(SequenceExitReason::kPurchase), "purchase");
  EXPECT_STREQ(SequenceExitReasonName(SequenceExitReason::kReply), "reply");
  EXPECT_STREQ(SequenceExitReasonName(SequenceExitReason::kUnsubscribe), "unsubscribe");
  EXPECT_STREQ(SequenceExitReasonName(SequenceExitReason::kBounce), "bounce");
  EXPECT_STREQ(SequenceExitReasonName(SequenceExitReason::kNoEngagement), "no-engagement");
  EXPECT_STREQ(SequenceExitReasonName(SequenceExitReason::kExpiry), "expiry");
}

TEST(SequenceCounterSamples, MilterExportsEnrolmentsConfirmationsAndMessageExits) {
  Counters counters;
  counters.sequences().CountEnrolment("camera");
  counters.sequences().CountExit("camera", SequenceExitReason::kUnsubscribe);
  counters.sequences().CountUnconfirmed("camera");
  auto samples = SamplesByKey(CounterSamples(counters.Snapshot(), MetricsProgram::kMilter));
  EXPECT_EQ(samples.at("autoresponder_sequence_enrolments_total{sequence=camera}"), 1);
  EXPECT_EQ(samples.at("autoresponder_sequence_unconfirmed_total{sequence=camera}"), 1);
  EXPECT_EQ(samples.at("autoresponder_sequence_confirmed_total{sequence=camera}"), 0);
  EXPECT_EQ(
      samples.at("autoresponder_sequence_exits_total{sequence=camera}{reason=unsubscribe}"), 1);
  EXPECT_EQ(samples.at("autoresponder_sequence_exits_total{sequence=camera}{reason=purchase}"),
            0);
  EXPECT_EQ(samples.count("autoresponder_sequence_steps_sent_total{sequence=camera}"), 0u);
  EXPECT_EQ(samples.count("autoresponder_sequence_exits_total{sequence=camera}{reason=expiry}"),
            0u);
}

TEST(SequenceCounterSamples, DispatcherExportsStepsAndItsOwnExits) {
  Counters counters;
  counters.sequences().CountStepSent("camera");
  counters.sequences().CountExit("camera", SequenceExitReason::kExpiry);
  auto samples = SamplesByKey(CounterSamples(counters.Snapshot(), MetricsProgram::kDispatcher));
  EXPECT_EQ(samples.at("autoresponder_sequence_steps_sent_total{sequence=camera}"), 1);
  EXPECT_EQ(samples.at("autoresponder_sequence_exits_total{sequence=camera}{reason=expiry}"), 1);
  EXPECT_EQ(
      samples.at("autoresponder_sequence_exits_total{sequence=camera}{reason=no-engagement}"), 0);
  EXPECT_EQ(samples.count("autoresponder_sequence_enrolments_total{sequence=camera}"), 0u);
}

TEST(SequenceCounterSamples, EveryExportedSequenceMetricIsDocumented) {
  Counters counters;
  counters.sequences().Declare("camera");
  for (MetricsProgram program : {MetricsProgram::kMilter, MetricsProgram::kDispatcher})
    for (const Sample& s : CounterSamples(counters.Snapshot(), program))
      EXPECT_NE(FindMetric(s.name), nullptr) << s.name;
  EXPECT_NE(FindMetric("autoresponder_sequence_rate_limited_total"), nullptr);
}

}  // namespace
}  // namespace ar
