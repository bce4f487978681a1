#include "metrics/exposition.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "metrics/metric_samples.h"

namespace ar {
namespace {

using ::testing::HasSubstr;

TEST(Exposition, HelpAndTypeOncePerMetricThenItsSamples) {
  const std::string text = FormatExposition({
      {"autoresponder_decisions_total", {{"reason", "queued"}}, 3},
      {"autoresponder_queue_depth", {}, 2},
      {"autoresponder_decisions_total", {{"reason", "list-header"}}, 1},
  });
  EXPECT_EQ(text,
            "# HELP autoresponder_decisions_total Out-of-office decisions, one per away user and "
            "message: queued, or why no reply.\n"
            "# TYPE autoresponder_decisions_total counter\n"
            "autoresponder_decisions_total{reason=\"queued\"} 3\n"
            "autoresponder_decisions_total{reason=\"list-header\"} 1\n"
            "# HELP autoresponder_queue_depth Replies waiting in the queue to be sent.\n"
            "# TYPE autoresponder_queue_depth gauge\n"
            "autoresponder_queue_depth 2\n");
}

TEST(Exposition, UnknownMetricIsUntyped) {
  EXPECT_EQ(FormatExposition({{"other_metric", {}, 1}}),
            "# TYPE other_metric untyped\nother_metric 1\n");
}

TEST(Exposition, LabelValuesAreEscapedAndReadBack) {
  const std::vector<Sample> samples = {
      {"autoresponder_internal_errors_total", {{"program", "a\"b\\c\nd"}}, 7}};
  const std::string text = FormatExposition(samples);
  EXPECT_THAT(text, HasSubstr("{program=\"a\\\"b\\\\c\\nd\"} 7\n"));
  auto parsed = ParseExposition(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->size(), 1u);
  EXPECT_EQ((*parsed)[0].labels, samples[0].labels);
  EXPECT_EQ((*parsed)[0].value, 7);
}

TEST(Exposition, ValuesPrintAsIntegersWhenWhole) {
  EXPECT_EQ(FormatSampleValue(0), "0");
  EXPECT_EQ(FormatSampleValue(1073741824), "1073741824");
  EXPECT_EQ(FormatSampleValue(-3), "-3");
  EXPECT_EQ(FormatSampleValue(0.5), "0.5");
  EXPECT_EQ(FormatSampleValue(std::nan("")), "NaN");
  EXPECT_EQ(FormatSampleValue(INFINITY), "+Inf");
}

TEST(Exposition, ParsesWhatPrometheusWrites) {
  auto parsed = ParseExposition(
      "# HELP x help text\n"
      "# TYPE x counter\n"
      "\n"
      "x 1\n"
      "y{a=\"1\",b=\"two\"} 2.5 1700000000000\n"
      "z{a=\"1\",} +Inf\n"
      "w{} NaN\n");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->size(), 4u);
  EXPECT_EQ((*parsed)[0].name, "x");
  EXPECT_EQ((*parsed)[0].value, 1);
  EXPECT_EQ((*parsed)[1].labels, (std::vector<Label>{{"a", "1"}, {"b", "two"}}));
  EXPECT_EQ((*parsed)[1].value, 2.5);
  EXPECT_TRUE(std::isinf((*parsed)[2].value));
  EXPECT_TRUE(std::isnan((*parsed)[3].value));
}

TEST(Exposition, MalformedLinesAreErrorsNamingTheLine) {
  for (const char* text :
       {"x\n", "x one\n", "1x 1\n", "x{a=1} 1\n", "x{a=\"1\" 1\n", "x{a=\"1} 1\n",
        "x{a=\"\\q\"} 1\n", "x 1 2 3\n", "x 1 later\n", "x{=\"1\"} 1\n"}) {
    auto parsed = ParseExposition(std::string("ok 1\n") + text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.status().code(), Status::Code::kInvalidArgument) << text;
    EXPECT_THAT(parsed.status().message(), HasSubstr("line 2:")) << text;
  }
}

TEST(Exposition, EveryExportedMetricIsKnownWithHelpAndType) {
  StoreStats stats;
  std::vector<Sample> all = CounterSamples(CounterSnapshot{}, MetricsProgram::kMilter);
  for (auto& s : CounterSamples(CounterSnapshot{}, MetricsProgram::kDispatcher)) all.push_back(s);
  for (auto& s : StoreGaugeSamples(stats, FromUnixSeconds(0))) all.push_back(s);
  for (const Sample& sample : all) {
    const MetricInfo* info = FindMetric(sample.name);
    ASSERT_NE(info, nullptr) << sample.name;
    const std::string type = info->type;
    EXPECT_TRUE(type == "counter" || type == "gauge") << sample.name;
    // Prometheus naming: counters end in _total, nothing else does.
    EXPECT_EQ(type == "counter", sample.name.ends_with("_total")) << sample.name;
  }
}

}  // namespace
}  // namespace ar
