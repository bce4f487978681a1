// ApplySequenceDecision with enrolment windows (FORMAT.md "enrol_windows"):
// at most the limit enrols per window, refused enrols are reported and
// count nothing, windows start again after their length, and the
// retention sweep removes windows that are over.
#include <gtest/gtest.h>

#include "sequence_fixture.h"

namespace ar {
namespace {

using ::ar::testing::At;
using ::ar::testing::kSoftBounceLimit;
using ::ar::testing::kTokenKey;
using ::ar::testing::MakeEnrol;
using ::ar::testing::SequenceStoreTest;

constexpr int64_t kHour = 3600;

class EnrolWindows : public SequenceStoreTest {
 protected:
  // One trigger enrolment of `person` from client 192.0.2.7; the windows of
  // a sequence with enrol_source_limit = 3/1h and enrol_rate_limit = 5/1h.
  std::vector<RateLimitedEnrol> EnrolFrom(const std::string& person, const std::string& client,
                                          TimePoint now) {
    EnrolAction enrol = MakeEnrol(person, "form", At(86400), "<" + person + "/" + client + ">");
    enrol.windows = {
        {"sequence", "form", "", {5, Seconds(kHour)}},
        {"client", "form", client, {3, Seconds(kHour)}},
    };
    SequenceDecision decision;
    decision.enrols.push_back(enrol);
    std::vector<RateLimitedEnrol> limited = {RateLimitedEnrol{}};  // must be cleared
    EXPECT_TRUE(
        seq().ApplySequenceDecision(decision, kTokenKey, kSoftBounceLimit, now, &limited).ok());
    return limited;
  }
  static std::string Person(int i) { return "victim" + std::to_string(i) + "@example.org"; }
};

TEST_F(EnrolWindows, OneSourceEnrolsOnlyItsLimit) {
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(EnrolFrom(Person(i), "192.0.2.7", At(i)).empty());
  for (int i = 3; i < 10; ++i) {
    std::vector<RateLimitedEnrol> limited = EnrolFrom(Person(i), "192.0.2.7", At(i));
    ASSERT_EQ(limited.size(), 1u) << i;
    EXPECT_EQ(limited[0].enrol_index, 0u);
    EXPECT_EQ(limited[0].window.scope, "client");
    EXPECT_EQ(limited[0].window.source, "192.0.2.7");
    EXPECT_EQ(limited[0].counted, 3u);
    EXPECT_FALSE(Get(Person(i), "form").has_value()) << i;
  }
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(Get(Person(i), "form").has_value()) << i;
  EXPECT_EQ(Steps().size(), 3u);
}

TEST_F(EnrolWindows, TheSequenceLimitHoldsAcrossSources) {
  // Refused enrols count nothing: two sources fill the sequence's 5.
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(EnrolFrom(Person(i), "192.0.2.7", At(i)).empty());
  EXPECT_EQ(EnrolFrom(Person(3), "192.0.2.7", At(3)).size(), 1u);
  EXPECT_TRUE(EnrolFrom(Person(4), "198.51.100.1", At(4)).empty());
  EXPECT_TRUE(EnrolFrom(Person(5), "198.51.100.1", At(5)).empty());
  std::vector<RateLimitedEnrol> limited = EnrolFrom(Person(6), "198.51.100.2", At(6));
  ASSERT_EQ(limited.size(), 1u);
  EXPECT_EQ(limited[0].window.scope, "sequence");
  EXPECT_EQ(limited[0].counted, 5u);
}

TEST_F(EnrolWindows, AWindowStartsAgainAfterItsLength) {
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(EnrolFrom(Person(i), "192.0.2.7", At(i)).empty());
  EXPECT_EQ(EnrolFrom(Person(3), "192.0.2.7", At(kHour - 1)).size(), 1u);
  EXPECT_TRUE(EnrolFrom(Person(4), "192.0.2.7", At(kHour)).empty());
  EXPECT_TRUE(Get(Person(4), "form").has_value());
}

TEST_F(EnrolWindows, RepeatedTriggersAndEnrolledPeopleUseNoWindow) {
  EXPECT_TRUE(EnrolFrom(Person(0), "192.0.2.7", At(0)).empty());
  // The same trigger mail again, and the same person by another mail.
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(EnrolFrom(Person(0), "192.0.2.7", At(1)).empty());
  EnrolAction again = MakeEnrol(Person(0), "form", At(86400), "<other-mail>");
  again.windows = {{"client", "form", "192.0.2.7", {3, Seconds(kHour)}}};
  SequenceDecision decision;
  decision.enrols.push_back(again);
  std::vector<RateLimitedEnrol> limited;
  ASSERT_TRUE(
      seq().ApplySequenceDecision(decision, kTokenKey, kSoftBounceLimit, At(2), &limited).ok());
  EXPECT_TRUE(limited.empty());
  // Two more distinct people still fit in the client's 3.
  EXPECT_TRUE(EnrolFrom(Person(1), "192.0.2.7", At(3)).empty());
  EXPECT_TRUE(EnrolFrom(Person(2), "192.0.2.7", At(4)).empty());
  EXPECT_EQ(EnrolFrom(Person(3), "192.0.2.7", At(5)).size(), 1u);
}

TEST_F(EnrolWindows, WindowsSurviveReopeningTheStore) {
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(EnrolFrom(Person(i), "192.0.2.7", At(i)).empty());
  store_.reset();
  store_ = OpenStore();
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(EnrolFrom(Person(3), "192.0.2.7", At(10)).size(), 1u);
}

TEST_F(EnrolWindows, EnrolsWithoutWindowsAreNeverLimited) {
  for (int i = 0; i < 10; ++i) Enrol(MakeEnrol(Person(i), "form", At(86400)), At(i));
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(Get(Person(i), "form").has_value());
}

TEST_F(EnrolWindows, TheSweepRemovesWindowsThatAreOver) {
  EXPECT_TRUE(EnrolFrom(Person(0), "192.0.2.7", At(0)).empty());
  EXPECT_TRUE(EnrolFrom(Person(1), "198.51.100.1", At(1800)).empty());
  auto sweep = [&](TimePoint now) {
    Result<SweepStep> step =
        store_->SweepExpired(SweptKind::kEnrolWindows, "", now, RetentionPolicy{}, SweepLimits{});
    EXPECT_TRUE(step.ok()) << step.status().ToString();
    return step.ok() ? step->removed : 0;
  };
  EXPECT_EQ(sweep(At(kHour - 1)), 0u);
  // The first client's window is over; the sequence window (restarted by
  // nobody) too; the second client's runs until 1800 + 1h.
  EXPECT_EQ(sweep(At(kHour)), 2u);
  EXPECT_EQ(sweep(At(kHour + 1800)), 1u);
}

}  // namespace
}  // namespace ar
