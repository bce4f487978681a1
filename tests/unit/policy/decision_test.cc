// DecideOutOfOffice over several rules: one outcome per rule, message-level
// verdicts shared by all rules, per-rule checks independent.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "decision_expectations.h"
#include "policy_test_support.h"

namespace ar::testing {
namespace {

OutOfOfficeRule KariRule() {
  OutOfOfficeRule rule = OleRule();
  rule.address = "kari@example.org";
  rule.aliases = {};
  rule.display_name = "Kari Nordmann";
  rule.generation = 9;
  return rule;
}

Message ToOleAndKari(const Headers& extra = {}) {
  Headers headers = {{"From", "Bob <bob@example.com>"},
                     {"To", "ole@example.org, kari@example.org"},
                     {"Subject", "Meeting"}};
  headers.insert(headers.end(), extra.begin(), extra.end());
  return MakeMessage(kSender, headers);
}

TEST(Decision, AnswersEveryAddressedUser) {
  Decision d = DecideOutOfOffice(ToOleAndKari(), {OleRule(), KariRule()}, NoHistory(), {}, Now());
  ASSERT_EQ(d.replies.size(), 2u);
  EXPECT_TRUE(d.skips.empty());
  EXPECT_EQ(d.replies[0].user, "ole@example.org");
  EXPECT_EQ(d.replies[1].user, "kari@example.org");
  EXPECT_EQ(d.replies[1].from_display_name, "Kari Nordmann");
  EXPECT_EQ(d.replies[1].generation, 9u);
}

TEST(Decision, MessageLevelVerdictSkipsEveryRuleWithSameReason) {
  struct Case {
    Headers extra;
    SkipReason reason;
  };
  const std::vector<Case> cases = {
      {{{"List-Id", "<x.example.com>"}}, SkipReason::kListHeader},
      {{{"Auto-Submitted", "auto-replied"}}, SkipReason::kAutoSubmitted},
      {{{"X-Spam-Flag", "YES"}}, SkipReason::kSpam}};
  OutOfOfficeRule disabled = KariRule();
  disabled.enabled = false;
  for (const Case& c : cases) {
    SCOPED_TRACE(SkipReasonName(c.reason));
    Decision d =
        DecideOutOfOffice(ToOleAndKari(c.extra), {OleRule(), disabled}, NoHistory(), {}, Now());
    EXPECT_TRUE(d.replies.empty());
    ASSERT_EQ(d.skips.size(), 2u);
    EXPECT_EQ(d.skips[0].user, "ole@example.org");
    EXPECT_EQ(d.skips[1].user, "kari@example.org");
    for (const Skip& skip : d.skips) {
      EXPECT_EQ(skip.reason, c.reason);
      EXPECT_EQ(skip.detail, d.skips[0].detail);
    }
  }
}

TEST(Decision, ListHeaderDetailNamesTheField) {
  Decision d = DecideForOle(OrdinaryMessageWith({{"List-Unsubscribe", "<mailto:u@x>"}}));
  ASSERT_TRUE(SkippedFor(d, SkipReason::kListHeader));
  EXPECT_EQ(d.skips[0].detail, "List-Unsubscribe");
}

TEST(Decision, PerRuleChecksAreIndependent) {
  OutOfOfficeRule disabled = KariRule();
  disabled.enabled = false;
  OutOfOfficeRule not_addressed = KariRule();
  not_addressed.address = "per@example.org";
  OutOfOfficeRule answered = KariRule();
  answered.address = "liv@example.org";
  Message message = MakeMessage(kSender, {{"From", "bob@example.com"},
                                          {"To", "ole@example.org, kari@example.org"},
                                          {"Cc", "liv@example.org"}});
  ResponseHistory history = [](const std::string& user, uint64_t,
                               const std::string&) -> std::optional<TimePoint> {
    if (user == "liv@example.org") return Now() - Seconds(60);
    return std::nullopt;
  };
  Decision d = DecideOutOfOffice(message, {OleRule(), disabled, not_addressed, answered}, history,
                                 {}, Now());
  ASSERT_EQ(d.replies.size(), 1u);
  EXPECT_EQ(d.replies[0].user, "ole@example.org");
  ASSERT_EQ(d.skips.size(), 3u);
  EXPECT_EQ(d.skips[0].reason, SkipReason::kRuleDisabled);
  EXPECT_EQ(d.skips[0].user, "kari@example.org");
  EXPECT_EQ(d.skips[1].reason, SkipReason::kNotAddressed);
  EXPECT_EQ(d.skips[1].user, "per@example.org");
  EXPECT_EQ(d.skips[2].reason, SkipReason::kAlreadyAnswered);
  EXPECT_EQ(d.skips[2].user, "liv@example.org");
}

TEST(Decision, AsksHistoryWithUserGenerationAndDedupeSender) {
  struct Query {
    std::string user;
    uint64_t generation;
    std::string sender;
    bool operator==(const Query&) const = default;
  };
  std::vector<Query> queries;
  ResponseHistory history = [&](const std::string& user, uint64_t generation,
                                const std::string& sender) -> std::optional<TimePoint> {
    queries.push_back({user, generation, sender});
    return std::nullopt;
  };
  Message message = ToOleAndKari();
  message.mutable_envelope().sender = "prvs=0042beef=Bob@Example.com";
  Decision d = DecideOutOfOffice(message, {OleRule(), KariRule()}, history, {}, Now());
  EXPECT_EQ(d.replies.size(), 2u);
  EXPECT_EQ(queries, (std::vector<Query>{{"ole@example.org", 3, "bob@example.com"},
                                         {"kari@example.org", 9, "bob@example.com"}}));
}

TEST(Decision, IsDeterministic) {
  Message message = ToOleAndKari();
  Decision a = DecideOutOfOffice(message, {OleRule(), KariRule()}, NoHistory(), {}, Now());
  Decision b = DecideOutOfOffice(message, {OleRule(), KariRule()}, NoHistory(), {}, Now());
  ASSERT_EQ(a.replies.size(), b.replies.size());
  for (size_t i = 0; i < a.replies.size(); ++i) {
    EXPECT_EQ(a.replies[i].subject, b.replies[i].subject);
    EXPECT_EQ(a.replies[i].from_address, b.replies[i].from_address);
  }
}

TEST(Decision, NoRulesNoOutcomes) {
  Decision d = DecideOutOfOffice(ToOleAndKari(), {}, NoHistory(), {}, Now());
  EXPECT_TRUE(d.replies.empty());
  EXPECT_TRUE(d.skips.empty());
}

TEST(Decision, SurvivesHostileHeaders) {
  // Bounded garbage must give some outcome for every rule, never a crash.
  std::string junk;
  uint32_t state = 12345;  // fixed seed
  for (int i = 0; i < 4000; ++i) {
    state = state * 1103515245u + 12345u;
    junk.push_back(static_cast<char>((state >> 16) & 0xff));
  }
  const std::vector<std::string> names = {"To",
                                          "From",
                                          "Cc",
                                          "Subject",
                                          "Auto-Submitted",
                                          "Authentication-Results",
                                          "Content-Type",
                                          "Message-ID",
                                          "References",
                                          "Precedence",
                                          "X-Auto-Response-Suppress"};
  PolicySettings settings;
  settings.require_authenticated_sender = true;
  settings.trusted_authserv_id = "mx.example.org";
  for (size_t offset = 0; offset + 200 < junk.size(); offset += 97) {
    Headers headers;
    for (const std::string& name : names) headers.emplace_back(name, junk.substr(offset, 200));
    headers.emplace_back("To", "ole@example.org");
    Decision d = DecideOutOfOffice(MakeMessage(kSender, headers), {OleRule(), KariRule()},
                                   NoHistory(), settings, Now());
    EXPECT_EQ(d.replies.size() + d.skips.size(), 2u);
  }
}

TEST(SkipReasonName, IsStableKebabCaseAndUnique) {
  struct Case {
    SkipReason reason;
    std::string name;
  };
  const std::vector<Case> cases = {{SkipReason::kNullSender, "null-sender"},
                                   {SkipReason::kIgnoredSender, "ignored-sender"},
                                   {SkipReason::kAutoSubmitted, "auto-submitted"},
                                   {SkipReason::kListHeader, "list-header"},
                                   {SkipReason::kPrecedence, "precedence"},
                                   {SkipReason::kSuppressHeader, "suppress-header"},
                                   {SkipReason::kReport, "report"},
                                   {SkipReason::kNotAddressed, "not-addressed"},
                                   {SkipReason::kSenderIsUser, "sender-is-user"},
                                   {SkipReason::kSpam, "spam"},
                                   {SkipReason::kTooManyReceived, "too-many-received"},
                                   {SkipReason::kLoopMarker, "loop-marker"},
                                   {SkipReason::kRuleDisabled, "rule-disabled"},
                                   {SkipReason::kOutsideWindow, "outside-window"},
                                   {SkipReason::kAudienceOff, "audience-off"},
                                   {SkipReason::kAlreadyAnswered, "already-answered"},
                                   {SkipReason::kNotAuthenticated, "not-authenticated"},
                                   {SkipReason::kUnsafeSender, "unsafe-sender"},
                                   {SkipReason::kTooManyHeaders, "too-many-headers"},
                                   {SkipReason::kTooManyRecipients, "too-many-recipients"}};
  std::set<std::string> seen;
  for (const Case& c : cases) {
    EXPECT_EQ(SkipReasonName(c.reason), c.name);
    EXPECT_TRUE(seen.insert(c.name).second) << c.name;
    for (char ch : c.name) EXPECT_TRUE((ch >= 'a' && ch <= 'z') || ch == '-') << c.name;
  }
  EXPECT_STREQ(SkipReasonName(static_cast<SkipReason>(999)), "unknown");
}

TEST(OutOfOfficeRule, AllAddressesIsPrimaryThenAliases) {
  OutOfOfficeRule rule = OleRule();
  rule.aliases = {"a@example.org", "b@example.org"};
  EXPECT_EQ(rule.AllAddresses(),
            (std::vector<std::string>{"ole@example.org", "a@example.org", "b@example.org"}));
  rule.aliases.clear();
  EXPECT_EQ(rule.AllAddresses(), (std::vector<std::string>{"ole@example.org"}));
}

}  // namespace
}  // namespace ar::testing
