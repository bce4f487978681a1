// What a reply looks like: addresses, names, subject, bodies, threading and
// the bookkeeping fields the store needs.
#include "policy/reply_plan.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "decision_expectations.h"
#include "policy_test_support.h"

namespace ar::testing {
namespace {

ReplyPlan PlanFor(const Message& message, const OutOfOfficeRule& rule = OleRule(),
                  const PolicySettings& settings = {}) {
  Decision decision = DecideForOle(message, settings, rule);
  EXPECT_TRUE(Replied(decision));
  return decision.replies.empty() ? ReplyPlan{} : decision.replies.front();
}

TEST(ReplyPlan, CarriesRuleAndSenderBookkeeping) {
  ReplyPlan plan = PlanFor(OrdinaryMessageWith({}));
  EXPECT_EQ(plan.user, kUser);
  EXPECT_EQ(plan.generation, 3u);
  EXPECT_EQ(plan.dedupe_sender, kSender);
  EXPECT_EQ(plan.period, Seconds(7 * 86400));
  EXPECT_EQ(plan.envelope_recipient, kSender);
  EXPECT_EQ(plan.from_display_name, "Ole Hansen");
  EXPECT_EQ(plan.text_body, "I am away until August.");
  EXPECT_EQ(plan.html_body, "");
}

TEST(ReplyPlan, GoesToRealEnvelopeSenderButDedupesOnNormalisedOne) {
  struct Case {
    std::string sender;
    std::string dedupe;
  };
  const std::vector<Case> cases = {{"Bob@Example.COM", "bob@example.com"},
                                   {"prvs=1234abcd=bob@example.com", "bob@example.com"}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.sender);
    std::vector<std::string> seen;
    ResponseHistory history = [&](const std::string&, uint64_t,
                                  const std::string& sender) -> std::optional<TimePoint> {
      seen.push_back(sender);
      return std::nullopt;
    };
    Decision decision =
        DecideForOle(OrdinaryMessageReplacing("From", {"Bob <bob@example.com>"}, c.sender), {},
                     OleRule(), history);
    ASSERT_TRUE(Replied(decision));
    EXPECT_EQ(decision.replies[0].envelope_recipient, c.sender);
    EXPECT_EQ(decision.replies[0].dedupe_sender, c.dedupe);
    EXPECT_EQ(seen, std::vector<std::string>{c.dedupe});
  }
}

TEST(ReplyPlan, ComesFromTheAddressThatWasUsed) {
  struct Case {
    Headers recipients;
    std::string from_address;
  };
  const std::vector<Case> cases = {
      {{{"To", "ole@example.org"}}, kUser},
      {{{"To", "O.Hansen@Example.org"}}, kAlias},
      {{{"To", "staff@example.org, o.hansen@example.org"}, {"Cc", "ole@example.org"}}, kAlias},
      {{{"Cc", "ole@example.org"}, {"To", "o.hansen@example.org"}}, kUser}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.recipients.front().second);
    Headers headers = {{"From", "bob@example.com"}};
    headers.insert(headers.end(), c.recipients.begin(), c.recipients.end());
    EXPECT_EQ(PlanFor(MakeMessage(kSender, headers)).from_address, c.from_address);
  }
}

TEST(ReplyPlan, NamesTheRecipientOnlyWhenFromIsTheEnvelopeSender) {
  struct Case {
    std::string name;
    Headers from_fields;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"plain", {{"From", "Bob Smith <bob@example.com>"}}, "Bob Smith"},
      {"case-insensitive address", {{"From", "\"Smith, Bob\" <BOB@example.com>"}}, "Smith, Bob"},
      {"encoded word", {{"From", "=?UTF-8?B?QmrDuHJu?= <bob@example.com>"}}, "Bj\xc3\xb8rn"},
      {"other address", {{"From", "Mallory <mallory@example.net>"}}, ""},
      {"no display name", {{"From", "bob@example.com"}}, ""},
      {"from Sender when From differs",
       {{"From", "Boss <boss@example.com>"}, {"Sender", "Bob Smith <bob@example.com>"}},
       "Bob Smith"},
      {"no From", {}, ""}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Headers headers = {{"To", "ole@example.org"}};
    headers.insert(headers.end(), c.from_fields.begin(), c.from_fields.end());
    EXPECT_EQ(PlanFor(MakeMessage(kSender, headers)).to_display_name, c.expected);
  }
}

TEST(ReplyPlan, SubjectFollowsRfc5230) {
  struct Case {
    std::string rule_subject;
    std::vector<std::string> original;  // Subject fields; empty = none
    std::string expected;
  };
  const std::vector<Case> cases = {{"", {"Lunch on Friday?"}, "Auto: Lunch on Friday?"},
                                   {"", {"  Re: Lunch  "}, "Auto: Re: Lunch"},
                                   {"",
                                    {"=?ISO-8859-1?Q?K=F8benhavn?="},
                                    "Auto: K\xc3\xb8"
                                    "benhavn"},
                                   {"", {"Auto: Lunch"}, "Auto: Lunch"},  // never "Auto: Auto: ..."
                                   {"", {"AUTO: Lunch"}, "AUTO: Lunch"},
                                   {"", {}, "Auto: (no subject)"},
                                   {"", {"   "}, "Auto: (no subject)"},
                                   {"", {"first", "second"}, "Auto: first"},
                                   {"Away until August", {"Lunch"}, "Away until August"}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.original.empty() ? "(none)" : c.original.front());
    OutOfOfficeRule rule = OleRule();
    rule.subject = c.rule_subject;
    EXPECT_EQ(PlanFor(OrdinaryMessageReplacing("Subject", c.original), rule).subject, c.expected);
  }
}

TEST(ReplyPlan, TextFromTheMessageNeverCarriesLineBreaks) {
  // An encoded CR LF must not let a sender add header fields to our reply.
  Headers headers = {{"From", "=?UTF-8?Q?Bob=0D=0ABcc:_x@evil.example?= <bob@example.com>"},
                     {"To", "ole@example.org"},
                     {"Subject", "=?UTF-8?Q?hi=0D=0ABcc:_x@evil.example?="}};
  ReplyPlan plan = PlanFor(MakeMessage(kSender, headers));
  for (const std::string& text : {plan.subject, plan.to_display_name}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(text.find_first_of("\r\n"), std::string::npos);
    EXPECT_NE(text.find("Bcc"), std::string::npos);  // kept as text, not dropped
  }
}

TEST(ReplyPlan, InternalSendersGetInternalTextOnly) {
  struct Case {
    std::string sender;
    std::string internal_text;
    std::string text;
    std::string html;
  };
  const std::vector<Case> cases = {
      {"alice@example.org", "Back Monday, ask Kari.", "Back Monday, ask Kari.", ""},
      {"alice@example.org", "", "I am away until August.", "<p>Away</p>"},
      {"bob@example.com", "Back Monday, ask Kari.", "I am away until August.", "<p>Away</p>"}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.sender + " internal='" + c.internal_text + "'");
    OutOfOfficeRule rule = OleRule();
    rule.html_body = "<p>Away</p>";
    rule.internal_text_body = c.internal_text;
    ReplyPlan plan = PlanFor(OrdinaryMessageReplacing("From", {c.sender}, c.sender), rule);
    EXPECT_EQ(plan.text_body, c.text);
    EXPECT_EQ(plan.html_body, c.html);
  }
}

TEST(ReplyPlan, CopiesThreadingFields) {
  struct Case {
    std::vector<std::string> message_id;
    std::vector<std::string> references;
    std::string expected_id;
    std::string expected_references;
  };
  const std::vector<Case> cases = {
      {{"<1234@mx.example.com>"}, {}, "<1234@mx.example.com>", ""},
      {{"  <1234@mx.example.com> (comment)"},
       {"  <a@x> <b@y>  "},
       "<1234@mx.example.com>",
       "<a@x> <b@y>"},
      {{}, {"<a@x>"}, "", "<a@x>"},
      {{"no-brackets@example.com"}, {}, "", ""},
      {{"<>"}, {}, "", ""},
      {{"<a b@example.com>"}, {}, "", ""},
      {{"<a@x>\r\n\t<b@y>"}, {"<a@x>\r\n <b@y>"}, "<a@x>", "<a@x> <b@y>"}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.message_id.empty() ? "(none)" : c.message_id.front());
    Headers headers = {{"From", "bob@example.com"}, {"To", "ole@example.org"}};
    for (const auto& v : c.message_id) headers.emplace_back("Message-ID", v);
    for (const auto& v : c.references) headers.emplace_back("References", v);
    ReplyPlan plan = PlanFor(MakeMessage(kSender, headers));
    EXPECT_EQ(plan.original_message_id, c.expected_id);
    EXPECT_EQ(plan.original_references, c.expected_references);
  }
}

TEST(ReplyPlan, PeriodIsClamped) {
  struct Case {
    Seconds rule_period;
    Seconds expected;
  };
  PolicySettings settings;  // [1 day, 30 days]
  const std::vector<Case> cases = {{Seconds(0), Seconds(86400)},
                                   {Seconds(-5), Seconds(86400)},
                                   {Seconds(3 * 86400), Seconds(3 * 86400)},
                                   {Seconds(400 * 86400), Seconds(30 * 86400)}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.rule_period.count());
    EXPECT_EQ(ClampPeriod(c.rule_period, settings), c.expected);
    OutOfOfficeRule rule = OleRule();
    rule.period = c.rule_period;
    EXPECT_EQ(PlanFor(OrdinaryMessageWith({}), rule).period, c.expected);
  }
  settings.min_period = Seconds(10 * 86400);
  settings.max_period = Seconds(86400);  // misconfigured: min wins
  EXPECT_EQ(ClampPeriod(Seconds(3 * 86400), settings), Seconds(10 * 86400));
}

}  // namespace
}  // namespace ar::testing
