#include "ctl/rule_editing.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ar {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

PolicySettings Policy() {
  PolicySettings p;
  p.default_period = Seconds(7 * 86400);
  p.min_period = Seconds(86400);
  p.max_period = Seconds(30 * 86400);
  return p;
}

RuleEdits TextOnly(const std::string& text) {
  RuleEdits e;
  e.text_body = text;
  return e;
}

OutOfOfficeRule Created(const std::string& text = "Jeg er på ferie.") {
  auto outcome = ApplyRuleEdits(std::nullopt, "ole@example.no", TextOnly(text), Policy());
  EXPECT_TRUE(outcome.ok()) << outcome.status().ToString();
  return outcome.ok() ? outcome->rule : OutOfOfficeRule{};
}

TEST(RuleEditing, NewRuleStartsAtGenerationOneWithTheDefaultPeriod) {
  auto outcome = ApplyRuleEdits(std::nullopt, " Ole@Example.NO ", TextOnly("Borte."), Policy());
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_TRUE(outcome->created);
  EXPECT_FALSE(outcome->generation_bumped);
  EXPECT_THAT(outcome->warnings, IsEmpty());
  const OutOfOfficeRule& rule = outcome->rule;
  EXPECT_EQ(rule.address, "ole@example.no");
  EXPECT_EQ(rule.generation, 1u);
  EXPECT_TRUE(rule.enabled);
  EXPECT_TRUE(rule.reply_to_external);
  EXPECT_EQ(rule.period, Seconds(7 * 86400));
  EXPECT_EQ(rule.text_body, "Borte.");
}

TEST(RuleEditing, NewRuleTakesThePolicyDefaultPeriod) {
  PolicySettings policy = Policy();
  policy.default_period = Seconds(3 * 86400);
  auto outcome = ApplyRuleEdits(std::nullopt, "a@example.org", TextOnly("x"), policy);
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome->rule.period, Seconds(3 * 86400));
}

TEST(RuleEditing, NewRuleWithoutTextIsRefused) {
  RuleEdits edits;
  edits.subject = "Away";
  auto outcome = ApplyRuleEdits(std::nullopt, "a@example.org", edits, Policy());
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(outcome.status().message(), HasSubstr("--text"));
}

TEST(RuleEditing, EmptyTextIsRefused) {
  EXPECT_FALSE(ApplyRuleEdits(std::nullopt, "a@example.org", TextOnly(""), Policy()).ok());
  EXPECT_FALSE(ApplyRuleEdits(Created(), "ole@example.no", TextOnly(""), Policy()).ok());
}

TEST(RuleEditing, PeriodAboveMaximumIsClampedWithAWarning) {
  RuleEdits edits = TextOnly("x");
  edits.period = Seconds(90 * 86400);
  auto outcome = ApplyRuleEdits(std::nullopt, "a@example.org", edits, Policy());
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome->rule.period, Seconds(30 * 86400));
  ASSERT_EQ(outcome->warnings.size(), 1u);
  EXPECT_THAT(outcome->warnings[0], HasSubstr("period_max"));
  EXPECT_THAT(outcome->warnings[0], HasSubstr("30d"));
}

TEST(RuleEditing, PeriodBelowMinimumIsClampedWithAWarning) {
  RuleEdits edits = TextOnly("x");
  edits.period = Seconds(3600);
  auto outcome = ApplyRuleEdits(Created(), "ole@example.no", edits, Policy());
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome->rule.period, Seconds(86400));
  ASSERT_EQ(outcome->warnings.size(), 1u);
  EXPECT_THAT(outcome->warnings[0], HasSubstr("period_min"));
}

TEST(RuleEditing, PeriodWithinBoundsIsKeptSilently) {
  RuleEdits edits = TextOnly("x");
  edits.period = Seconds(2 * 86400);
  auto outcome = ApplyRuleEdits(std::nullopt, "a@example.org", edits, Policy());
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome->rule.period, Seconds(2 * 86400));
  EXPECT_THAT(outcome->warnings, IsEmpty());
}

TEST(RuleEditing, EditKeepsEveryFieldNotGiven) {
  OutOfOfficeRule stored = Created();
  stored.aliases = {"ole.hansen@example.no"};
  stored.display_name = "Ole Hansen";
  stored.subject = "Ferie";
  stored.html_body = "<p>Ferie</p>";
  stored.internal_text_body = "Ring meg.";
  stored.reply_to_external = false;
  stored.period = Seconds(2 * 86400);
  stored.start = FromUnixSeconds(1'800'000'000);
  stored.end = FromUnixSeconds(1'801'000'000);
  stored.time_zone = "Europe/Oslo";
  stored.enabled = false;
  stored.generation = 4;

  auto outcome = ApplyRuleEdits(stored, "ole@example.no", RuleEdits{}, Policy());
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_FALSE(outcome->created);
  EXPECT_FALSE(outcome->generation_bumped);
  const OutOfOfficeRule& rule = outcome->rule;
  EXPECT_THAT(rule.aliases, ElementsAre("ole.hansen@example.no"));
  EXPECT_EQ(rule.display_name, "Ole Hansen");
  EXPECT_EQ(rule.subject, "Ferie");
  EXPECT_EQ(rule.text_body, stored.text_body);
  EXPECT_EQ(rule.html_body, "<p>Ferie</p>");
  EXPECT_EQ(rule.internal_text_body, "Ring meg.");
  EXPECT_FALSE(rule.reply_to_external);
  EXPECT_EQ(rule.period, Seconds(2 * 86400));
  EXPECT_EQ(rule.start, stored.start);
  EXPECT_EQ(rule.end, stored.end);
  EXPECT_EQ(rule.time_zone, "Europe/Oslo");
  EXPECT_FALSE(rule.enabled);
  EXPECT_EQ(rule.generation, 4u);
}

// Each edit that changes what a sender reads starts a new response.
TEST(RuleEditing, ChangingTheResponseBumpsTheGeneration) {
  const OutOfOfficeRule stored = Created();
  std::vector<RuleEdits> edits(5);
  edits[0].text_body = "Ny tekst.";
  edits[1].html_body = "<p>Ny</p>";
  edits[2].internal_text_body = "Intern.";
  edits[3].subject = "Fraværende";
  edits[4].display_name = "Ole";
  for (size_t i = 0; i < edits.size(); ++i) {
    auto outcome = ApplyRuleEdits(stored, stored.address, edits[i], Policy());
    ASSERT_TRUE(outcome.ok()) << i;
    EXPECT_TRUE(outcome->generation_bumped) << i;
    EXPECT_EQ(outcome->rule.generation, stored.generation + 1) << i;
  }
}

TEST(RuleEditing, SettingIdenticalValuesKeepsTheGeneration) {
  OutOfOfficeRule stored = Created();
  stored.subject = "Ferie";
  stored.generation = 3;
  RuleEdits edits;
  edits.text_body = stored.text_body;
  edits.subject = "Ferie";
  edits.html_body = "";
  edits.display_name = "";
  auto outcome = ApplyRuleEdits(stored, stored.address, edits, Policy());
  ASSERT_TRUE(outcome.ok());
  EXPECT_FALSE(outcome->generation_bumped);
  EXPECT_EQ(outcome->rule.generation, 3u);
}

TEST(RuleEditing, WindowAliasesPeriodAndAudienceKeepTheGeneration) {
  const OutOfOfficeRule stored = Created();
  RuleEdits edits;
  edits.aliases = std::vector<std::string>{"o@example.no"};
  edits.start = std::optional<TimePoint>(FromUnixSeconds(1'800'000'000));
  edits.end = std::optional<TimePoint>(FromUnixSeconds(1'800'086'400));
  edits.time_zone = "Europe/Oslo";
  edits.period = Seconds(86400);
  edits.reply_to_external = false;
  auto outcome = ApplyRuleEdits(stored, stored.address, edits, Policy());
  ASSERT_TRUE(outcome.ok());
  EXPECT_FALSE(outcome->generation_bumped);
  EXPECT_EQ(outcome->rule.generation, stored.generation);
  EXPECT_FALSE(outcome->rule.reply_to_external);
  EXPECT_EQ(outcome->rule.time_zone, "Europe/Oslo");
}

TEST(RuleEditing, AliasesAreNormalisedAndDeduplicated) {
  RuleEdits edits = TextOnly("x");
  edits.aliases = std::vector<std::string>{"Ole.Hansen@Example.NO", "ole.hansen@example.no",
                                           "OLE@example.no", "post@example.no"};
  auto outcome = ApplyRuleEdits(std::nullopt, "ole@example.no", edits, Policy());
  ASSERT_TRUE(outcome.ok());
  EXPECT_THAT(outcome->rule.aliases, ElementsAre("ole.hansen@example.no", "post@example.no"));
}

TEST(RuleEditing, AnEmptyAliasListRemovesTheAliases) {
  OutOfOfficeRule stored = Created();
  stored.aliases = {"x@example.no"};
  RuleEdits edits;
  edits.aliases = std::vector<std::string>{};
  auto outcome = ApplyRuleEdits(stored, stored.address, edits, Policy());
  ASSERT_TRUE(outcome.ok());
  EXPECT_THAT(outcome->rule.aliases, IsEmpty());
}

TEST(RuleEditing, UnusableAddressesAreRefused) {
  for (const char* bad :
       {"", "ole", "ole@", "@example.no", "ole hansen@example.no", "<ole@example.no>", "a@b@c"}) {
    EXPECT_FALSE(ApplyRuleEdits(std::nullopt, bad, TextOnly("x"), Policy()).ok()) << bad;
  }
  RuleEdits edits = TextOnly("x");
  edits.aliases = std::vector<std::string>{"not an address"};
  EXPECT_FALSE(ApplyRuleEdits(std::nullopt, "a@example.org", edits, Policy()).ok());
}

TEST(RuleEditing, InvalidUtf8IsRefusedInEveryText) {
  const std::string latin1 = "Jeg er p\xE5 ferie";
  std::vector<RuleEdits> edits(5, TextOnly("ok"));
  edits[0].text_body = latin1;
  edits[1].html_body = latin1;
  edits[2].internal_text_body = latin1;
  edits[3].subject = latin1;
  edits[4].display_name = latin1;
  for (size_t i = 0; i < edits.size(); ++i) {
    auto outcome = ApplyRuleEdits(std::nullopt, "a@example.org", edits[i], Policy());
    ASSERT_FALSE(outcome.ok()) << i;
    EXPECT_THAT(outcome.status().message(), HasSubstr("UTF-8")) << i;
  }
}

TEST(RuleEditing, SubjectAndNameMustBeOneLine) {
  RuleEdits edits = TextOnly("x");
  edits.subject = "Away\r\nBcc: victim@example.org";
  EXPECT_FALSE(ApplyRuleEdits(std::nullopt, "a@example.org", edits, Policy()).ok());
  edits = TextOnly("x");
  edits.display_name = "Ole\nHansen";
  EXPECT_FALSE(ApplyRuleEdits(std::nullopt, "a@example.org", edits, Policy()).ok());
}

TEST(RuleEditing, EndMustBeAfterStart) {
  RuleEdits edits = TextOnly("x");
  edits.start = std::optional<TimePoint>(FromUnixSeconds(2000));
  edits.end = std::optional<TimePoint>(FromUnixSeconds(2000));
  auto outcome = ApplyRuleEdits(std::nullopt, "a@example.org", edits, Policy());
  ASSERT_FALSE(outcome.ok());
  EXPECT_THAT(outcome.status().message(), HasSubstr("after"));

  // Also when only one bound is given and the other is stored.
  OutOfOfficeRule stored = Created();
  stored.start = FromUnixSeconds(5000);
  RuleEdits end_only;
  end_only.end = std::optional<TimePoint>(FromUnixSeconds(4000));
  EXPECT_FALSE(ApplyRuleEdits(stored, stored.address, end_only, Policy()).ok());
}

TEST(RuleEditing, ABoundCanBeRemoved) {
  OutOfOfficeRule stored = Created();
  stored.start = FromUnixSeconds(5000);
  stored.end = FromUnixSeconds(9000);
  RuleEdits edits;
  edits.end = std::optional<TimePoint>();
  auto outcome = ApplyRuleEdits(stored, stored.address, edits, Policy());
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome->rule.start, FromUnixSeconds(5000));
  EXPECT_FALSE(outcome->rule.end.has_value());
}

TEST(RuleEditing, SwitchingOnAgainIsANewResponse) {
  OutOfOfficeRule rule = Created();
  rule.enabled = false;
  rule.generation = 2;
  EXPECT_TRUE(SwitchRuleOn(&rule));
  EXPECT_TRUE(rule.enabled);
  EXPECT_EQ(rule.generation, 3u);
  // Already on: nothing changes.
  EXPECT_FALSE(SwitchRuleOn(&rule));
  EXPECT_EQ(rule.generation, 3u);
}

}  // namespace
}  // namespace ar
