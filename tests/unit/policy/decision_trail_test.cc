// The out-of-office decision's trail (core/decision_trail.h): every message
// check and every rule check with its outcome, in order; the first check
// that stops a rule is the last entry for it; and the decision is the same
// with and without a trail.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policy_test_support.h"

namespace ar::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<std::string> TrailFor(const Message& message, const OutOfOfficeRule& rule = OleRule(),
                                  const ResponseHistory& history = NoHistory()) {
  RecordedTrail trail;
  DecideOutOfOffice(message, {rule}, history, PolicySettings{}, Now(), &trail);
  return trail.Lines();
}

TEST(DecisionTrail, AnswerableMessageRecordsEveryCheckInOrder) {
  EXPECT_THAT(TrailFor(OrdinaryMessageWith({})),
              ElementsAre("message: truncation: pass", "message: sender: pass",
                          "message: automatic signals: pass", "message: delivery signals: pass",
                          "message: authentication: pass",
                          "ole@example.org: consulted (out-of-office rule)",
                          "ole@example.org: enabled: pass", "ole@example.org: window: pass",
                          "ole@example.org: sender: pass",
                          "ole@example.org: addressed: pass (ole@example.org)",
                          "ole@example.org: audience: pass (external sender)",
                          "ole@example.org: history: pass (never answered)",
                          "ole@example.org: decision (reply to bob@example.com)"));
}

TEST(DecisionTrail, MessageCheckThatStopsIsTheLastMessageEntry) {
  const std::vector<std::string> lines = TrailFor(OrdinaryMessageWith({{"List-Id", "<x.y>"}}));
  EXPECT_THAT(lines, ElementsAre("message: truncation: pass", "message: sender: pass",
                                 "message: automatic signals: stop (list-header List-Id)",
                                 "ole@example.org: consulted (out-of-office rule)"));
}

TEST(DecisionTrail, RuleCheckThatStopsEndsThatRule) {
  OutOfOfficeRule rule = OleRule();
  rule.start = Now() + Seconds(60);
  const std::vector<std::string> lines = TrailFor(OrdinaryMessageWith({}), rule);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.back(), "ole@example.org: window: stop (outside-window before start)");
}

TEST(DecisionTrail, AlreadyAnsweredNamesWhen) {
  const ResponseHistory answered = [](const std::string&, uint64_t,
                                      const std::string&) -> std::optional<TimePoint> {
    return Now() - Seconds(3600);
  };
  const std::vector<std::string> lines = TrailFor(OrdinaryMessageWith({}), OleRule(), answered);
  ASSERT_FALSE(lines.empty());
  EXPECT_THAT(lines.back(), HasSubstr("ole@example.org: history: stop (already-answered"));
  EXPECT_THAT(lines.back(), HasSubstr("2026-06-30T23:00:00Z"));
}

TEST(DecisionTrail, NoRulesNoEntries) {
  RecordedTrail trail;
  DecideOutOfOffice(OrdinaryMessageWith({}), {}, NoHistory(), PolicySettings{}, Now(), &trail);
  EXPECT_THAT(trail.entries(), IsEmpty());
}

TEST(DecisionTrail, ControlCharactersNeverSplitALine) {
  EXPECT_EQ(FormatTrailEntry({"a\r\nb", "check", TrailOutcome::kStop, "x\ny"}),
            "a  b: check: stop (x y)");
}

// The decision must not depend on whether anyone watches it.
TEST(DecisionTrail, DecisionIsTheSameWithAndWithoutATrail) {
  OutOfOfficeRule disabled = OleRule();
  disabled.enabled = false;
  OutOfOfficeRule internal_only = OleRule();
  internal_only.reply_to_external = false;
  const std::vector<std::pair<Message, OutOfOfficeRule>> cases = {
      {OrdinaryMessageWith({}), OleRule()},
      {OrdinaryMessageWith({{"Precedence", "bulk"}}), OleRule()},
      {OrdinaryMessageWith({{"Auto-Submitted", "auto-replied"}}), OleRule()},
      {OrdinaryMessageReplacing("To", {"someone@else.example"}), OleRule()},
      {OrdinaryMessageWith({}, ""), OleRule()},
      {OrdinaryMessageWith({}), disabled},
      {OrdinaryMessageWith({}), internal_only},
  };
  const ResponseHistory answered = [](const std::string&, uint64_t,
                                      const std::string&) -> std::optional<TimePoint> {
    return Now() - Seconds(3600);
  };
  for (const auto& [message, rule] : cases) {
    for (const ResponseHistory& history : {NoHistory(), answered}) {
      RecordedTrail trail;
      const Decision plain = DecideOutOfOffice(message, {rule}, history, {}, Now());
      const Decision traced = DecideOutOfOffice(message, {rule}, history, {}, Now(), &trail);
      ASSERT_EQ(plain.replies.size(), traced.replies.size());
      ASSERT_EQ(plain.skips.size(), traced.skips.size());
      for (size_t i = 0; i < plain.skips.size(); ++i) {
        EXPECT_EQ(plain.skips[i].reason, traced.skips[i].reason);
        EXPECT_EQ(plain.skips[i].detail, traced.skips[i].detail);
      }
      for (size_t i = 0; i < plain.replies.size(); ++i) {
        EXPECT_EQ(plain.replies[i].subject, traced.replies[i].subject);
        EXPECT_EQ(plain.replies[i].envelope_recipient, traced.replies[i].envelope_recipient);
      }
      EXPECT_FALSE(trail.entries().empty());
    }
  }
}

}  // namespace
}  // namespace ar::testing
