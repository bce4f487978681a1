// The suppression list: Suppress/Unsuppress, suppressions and soft bounces
// inside ApplySequenceDecision.
#include <gtest/gtest.h>

#include "sequence_fixture.h"

namespace ar {
namespace {

using ::ar::testing::At;
using ::ar::testing::kSoftBounceLimit;
using ::ar::testing::kTokenKey;
using ::ar::testing::MakeEnrol;
using ::ar::testing::SequenceStoreTest;

constexpr char kKari[] = "kari@example.org";
constexpr char kOle[] = "ole@example.org";
constexpr char kCanon[] = "canon-eos-5d";
constexpr char kCourse[] = "course";

using Suppressions = SequenceStoreTest;

TEST_F(Suppressions, SuppressEndsActiveEnrolmentsAndRemovesTheirSteps) {
  Enrol(MakeEnrol(kKari, kCanon, At(100)), At(0));
  Enrol(MakeEnrol(kKari, kCourse, At(200)), At(0));
  Enrol(MakeEnrol(kOle, kCanon, At(100)), At(0));
  ASSERT_EQ(Steps().size(), 3u);

  ASSERT_OK(seq().Suppress("Kari@Example.ORG", "manual", At(50)));

  for (const char* sequence : {kCanon, kCourse}) {
    std::optional<Enrolment> e = Get(kKari, sequence);
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->state, EnrolmentState::kLeft);
    EXPECT_EQ(e->left_reason, "manual");
    EXPECT_EQ(e->left_at, At(50));
  }
  std::vector<QueueItem> steps = Steps();
  ASSERT_EQ(steps.size(), 1u);  // only Ole's
  EXPECT_EQ(steps[0].user, kOle);
  EXPECT_EQ(Get(kOle, kCanon)->state, EnrolmentState::kActive);

  Result<std::optional<Suppression>> s = seq().GetSuppression(kKari);
  ASSERT_OK(s);
  ASSERT_TRUE(s->has_value());
  EXPECT_EQ((*s)->person, kKari);
  EXPECT_EQ((*s)->reason, "manual");
  EXPECT_EQ((*s)->at, At(50));
}

TEST_F(Suppressions, CompletedEnrolmentsStayCompleted) {
  Enrol(MakeEnrol(kKari, kCanon, std::nullopt), At(0));
  ASSERT_OK(seq().Suppress(kKari, "unsubscribe", At(10)));
  EXPECT_EQ(Get(kKari, kCanon)->state, EnrolmentState::kCompleted);
}

TEST_F(Suppressions, SecondSuppressionKeepsFirstReason) {
  ASSERT_OK(seq().Suppress(kKari, "unsubscribe", At(10)));
  ASSERT_OK(seq().Suppress(kKari, "hard-bounce", At(20)));
  Result<std::optional<Suppression>> s = seq().GetSuppression(kKari);
  ASSERT_OK(s);
  EXPECT_EQ((*s)->reason, "unsubscribe");
  EXPECT_EQ((*s)->at, At(10));
}

TEST_F(Suppressions, DecisionSuppressionEndsEnrolmentsWithItsReason) {
  Enrol(MakeEnrol(kKari, kCanon, At(100)), At(0));
  SequenceDecision decision;
  decision.suppressions.push_back({kKari, "hard-bounce"});
  decision.consume_recipients.push_back("bounces+TOKEN@shop.example");
  Apply(decision, At(30));
  EXPECT_EQ(Get(kKari, kCanon)->left_reason, "hard-bounce");
  EXPECT_TRUE(Steps().empty());
  EXPECT_TRUE(Suppressed(kKari));
}

TEST_F(Suppressions, SoftBouncesSuppressAtTheLimit) {
  Enrol(MakeEnrol(kKari, kCanon, At(100)), At(0));
  SequenceDecision bounce;
  bounce.soft_bounces.push_back(kKari);
  for (uint32_t i = 1; i < kSoftBounceLimit; ++i) {
    Apply(bounce, At(i));
    EXPECT_FALSE(Suppressed(kKari)) << "after " << i;
    EXPECT_EQ(Get(kKari, kCanon)->state, EnrolmentState::kActive);
  }
  Apply(bounce, At(10));
  Result<std::optional<Suppression>> s = seq().GetSuppression(kKari);
  ASSERT_OK(s);
  ASSERT_TRUE(s->has_value());
  EXPECT_EQ((*s)->reason, "soft-bounces");
  EXPECT_EQ((*s)->soft_bounces, kSoftBounceLimit);
  EXPECT_EQ((*s)->at, At(10));
  EXPECT_EQ(Get(kKari, kCanon)->left_reason, "soft-bounces");
  EXPECT_TRUE(Steps().empty());

  // Further soft bounces are still counted on the suppression.
  Apply(bounce, At(11));
  EXPECT_EQ((*seq().GetSuppression(kKari))->soft_bounces, kSoftBounceLimit + 1);
}

TEST_F(Suppressions, SoftBouncesInOneDecisionCountEach) {
  SequenceDecision bounce;
  for (uint32_t i = 0; i < kSoftBounceLimit; ++i) bounce.soft_bounces.push_back(kKari);
  Apply(bounce, At(0));
  EXPECT_TRUE(Suppressed(kKari));
}

TEST_F(Suppressions, SoftBounceLimitZeroOnlyCounts) {
  SequenceDecision bounce;
  bounce.soft_bounces.push_back(kKari);
  for (int i = 0; i < 5; ++i) {
    ASSERT_OK(seq().ApplySequenceDecision(bounce, kTokenKey, 0, At(i)));
  }
  EXPECT_FALSE(Suppressed(kKari));
  // A later suppression records the count so far.
  ASSERT_OK(seq().Suppress(kKari, "manual", At(10)));
  EXPECT_EQ((*seq().GetSuppression(kKari))->soft_bounces, 5u);
}

TEST_F(Suppressions, UnsuppressAllowsEnrolmentAndResetsSoftBounces) {
  SequenceDecision bounce;
  for (uint32_t i = 0; i < kSoftBounceLimit; ++i) bounce.soft_bounces.push_back(kKari);
  Apply(bounce, At(0));
  ASSERT_TRUE(Suppressed(kKari));

  ASSERT_OK(seq().Unsuppress("KARI@example.org"));
  EXPECT_FALSE(Suppressed(kKari));
  EXPECT_EQ(seq().Unsuppress(kKari).code(), Status::Code::kNotFound);

  // One new soft bounce does not suppress again: the count started over.
  SequenceDecision one;
  one.soft_bounces.push_back(kKari);
  Apply(one, At(10));
  EXPECT_FALSE(Suppressed(kKari));
  Enrol(MakeEnrol(kKari, kCanon, At(100)), At(20));
  EXPECT_EQ(Get(kKari, kCanon)->state, EnrolmentState::kActive);
}

TEST_F(Suppressions, ListSuppressionsInAddressOrderUpToLimit) {
  ASSERT_OK(seq().Suppress("c@x", "manual", At(0)));
  ASSERT_OK(seq().Suppress("a@x", "unsubscribe", At(1)));
  ASSERT_OK(seq().Suppress("b@x", "hard-bounce", At(2)));
  Result<std::vector<Suppression>> all = seq().ListSuppressions(100);
  ASSERT_OK(all);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].person, "a@x");
  EXPECT_EQ((*all)[2].person, "c@x");
  Result<std::vector<Suppression>> two = seq().ListSuppressions(2);
  ASSERT_OK(two);
  EXPECT_EQ(two->size(), 2u);
}

TEST_F(Suppressions, BadPersonsAreRefusedOrNotFound) {
  EXPECT_EQ(seq().Suppress("", "manual", At(0)).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(seq().Suppress(std::string(600, 'a'), "manual", At(0)).code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(seq().Unsuppress("").code(), Status::Code::kNotFound);
  Result<std::optional<Suppression>> huge = seq().GetSuppression(std::string(600, 'a'));
  ASSERT_OK(huge);
  EXPECT_FALSE(huge->has_value());
}

}  // namespace
}  // namespace ar
