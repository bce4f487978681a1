// Messages that look a little like automatic mail but were written by a
// person, and must be answered. They keep the filters in never_replies_test.cc
// from being too eager.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "decision_expectations.h"
#include "policy_test_support.h"

namespace ar::testing {
namespace {

void ExpectEachReplied(const std::vector<Headers>& variants, const PolicySettings& settings = {}) {
  for (const Headers& extra : variants) {
    SCOPED_TRACE(extra.empty() ? "(none)" : extra.front().first + ": " + extra.front().second);
    EXPECT_TRUE(Replied(DecideForOle(OrdinaryMessageWith(extra), settings)));
  }
}

TEST(StillReplies, ToOrdinaryMessage) {
  EXPECT_TRUE(Replied(DecideForOle(OrdinaryMessageWith({}))));
}

TEST(StillReplies, ToPostmasterAndLookalikeSenders) {
  for (const std::string sender :
       {"postmaster@example.com", "noreplyx@example.com", "owner@example.com",
        "request-help@example.com", "daemon@example.com"}) {
    SCOPED_TRACE(sender);
    EXPECT_TRUE(Replied(DecideForOle(OrdinaryMessageReplacing("From", {sender}, sender))));
  }
}

TEST(StillReplies, ToAutoSubmittedNo) {
  ExpectEachReplied({{{"Auto-Submitted", "no"}},
                     {{"Auto-Submitted", "No"}},
                     {{"Auto-Submitted", "no (written by Bob)"}},
                     {{"Auto-Submitted", "no; param=x"}},
                     {{"Auto-Submitted", "(comment) no"}},
                     {{"Auto-Submitted", "no"}, {"Auto-Submitted", " NO "}}});
}

TEST(StillReplies, ToOtherPrecedence) {
  ExpectEachReplied({{{"Precedence", "first-class"}},
                     {{"Precedence", "normal"}},
                     {{"Precedence", "bulky"}},
                     {{"Precedence", "urgent (not bulk)"}}});
}

TEST(StillReplies, WhenOnlyReceiptsSuppressed) {
  ExpectEachReplied({{{"X-Auto-Response-Suppress", "DR"}},
                     {{"X-Auto-Response-Suppress", "RN, NRN"}},
                     {{"X-Auto-Response-Suppress", "DR, NDR, RN, NRN"}},
                     {{"X-Auto-Response-Suppress", "OOFX, Allow"}},
                     {{"X-Auto-Response-Suppress", ""}}});
}

TEST(StillReplies, ToNonReportContentTypes) {
  ExpectEachReplied({{{"Content-Type", "text/plain; charset=utf-8"}},
                     {{"Content-Type", "multipart/mixed; boundary=\"report\""}},
                     {{"Content-Type", "multipart/alternative; report-type=delivery-status"}}});
}

TEST(StillReplies, ToUnrelatedListLookalikeHeaders) {
  ExpectEachReplied({{{"X-List", "staff"}}, {{"List", "x"}}, {{"X-Mailing-List-Ish", "no"}}});
}

TEST(StillReplies, WhenUserAddressed) {
  const std::vector<Headers> variants = {
      {{"To", "ole@example.org"}},
      {{"To", "OLE@EXAMPLE.ORG"}},
      {{"To", "\"Hansen, Ole\" <ole@example.org>"}},
      {{"To", "staff@example.org"}, {"Cc", "Ole <o.hansen@example.org>"}},
      {{"To", "staff@example.org"}, {"Bcc", "ole@example.org"}},
      {{"To", "staff@example.org"}, {"Resent-To", "ole@example.org"}},
      {{"To", "staff@example.org"}, {"Resent-Cc", "ole@example.org"}},
      {{"To", "staff@example.org"}, {"Resent-Bcc", "ole@example.org"}},
      {{"To", "team: alice@example.org, Ole <ole@example.org>;, carol@example.org"}},
      {{"To", "alice@example.org,\r\n\tOle Hansen\r\n <ole@example.org>"}},
      {{"to", "undisclosed-recipients:;"}, {"cc", "ole@example.org"}}};
  for (const Headers& recipients : variants) {
    SCOPED_TRACE(recipients.front().second);
    Headers headers = {{"From", "Bob <bob@example.com>"}, {"Subject", "hi"}};
    headers.insert(headers.end(), recipients.begin(), recipients.end());
    EXPECT_TRUE(Replied(DecideForOle(MakeMessage(kSender, headers))));
  }
}

TEST(StillReplies, InsideRuleWindow) {
  struct Case {
    std::string name;
    std::optional<TimePoint> start;
    std::optional<TimePoint> end;
  };
  const std::vector<Case> cases = {{"no window", std::nullopt, std::nullopt},
                                   {"starts now", Now(), std::nullopt},
                                   {"ends one second later", std::nullopt, Now() + Seconds(1)},
                                   {"exactly at start", Now(), Now() + Seconds(60)}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    OutOfOfficeRule rule = OleRule();
    rule.start = c.start;
    rule.end = c.end;
    EXPECT_TRUE(Replied(DecideForOle(OrdinaryMessageWith({}), {}, rule)));
  }
}

TEST(StillReplies, ToInternalSendersWhenExternalSwitchedOff) {
  OutOfOfficeRule rule = OleRule();
  rule.reply_to_external = false;
  rule.aliases = {"ole@corp.example"};
  PolicySettings settings;
  settings.internal_domains = {"Partner.Example"};
  for (const std::string sender :
       {"alice@example.org", "alice@EXAMPLE.ORG", "alice@corp.example", "alice@partner.example"}) {
    SCOPED_TRACE(sender);
    Message message = OrdinaryMessageReplacing("From", {sender}, sender);
    EXPECT_TRUE(Replied(DecideForOle(message, settings, rule)));
  }
}

TEST(StillReplies, AfterPeriodOrForNewGeneration) {
  struct Case {
    std::string name;
    Seconds rule_period;
    Seconds answered_ago;
    uint64_t answered_generation;
  };
  const std::vector<Case> cases = {
      {"period over", Seconds(7 * 86400), Seconds(7 * 86400), 3},
      {"period above maximum is cut to 30 days", Seconds(365 * 86400), Seconds(30 * 86400), 3},
      {"answered by an older generation", Seconds(7 * 86400), Seconds(60), 2}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    OutOfOfficeRule rule = OleRule();
    rule.period = c.rule_period;
    ResponseHistory history = [&](const std::string& user, uint64_t generation,
                                  const std::string& sender) -> std::optional<TimePoint> {
      if (user != kUser || sender != kSender || generation != c.answered_generation) {
        return std::nullopt;
      }
      return Now() - c.answered_ago;
    };
    EXPECT_TRUE(Replied(DecideForOle(OrdinaryMessageWith({}), {}, rule, history)));
  }
}

TEST(StillReplies, WithoutHistoryFunction) {
  EXPECT_TRUE(Replied(DecideForOle(OrdinaryMessageWith({}), {}, OleRule(), ResponseHistory())));
}

TEST(StillReplies, ToSpamCheckedButClean) {
  ExpectEachReplied(
      {{{"X-Spam-Flag", "NO"}}, {{"X-Spam-Flag", "YESS"}}, {{"X-Spam-Status", "YES"}}});
}

TEST(StillReplies, UpToMaxReceived) {
  PolicySettings settings;
  settings.max_received = 3;
  ExpectEachReplied({{{"Received", "a"}, {"Received", "b"}}}, settings);  // + 1 ordinary = 3
}

TEST(StillReplies, ToAuthenticatedSender) {
  PolicySettings settings;
  settings.require_authenticated_sender = true;
  settings.trusted_authserv_id = "mx.example.org";
  ExpectEachReplied(
      {{{"Authentication-Results", "mx.example.org; spf=pass smtp.mailfrom=bob@example.com"}},
       {{"Authentication-Results", "MX.Example.ORG 1; spf=pass smtp.mailfrom=Example.COM"}},
       {{"Authentication-Results", "mx.example.org; dkim=pass header.d=example.com"}},
       {{"Authentication-Results", "mx.example.org; dkim=pass header.i=@example.com"}},
       {{"Authentication-Results", "mx.example.org; dkim=pass header.i=bob@example.com"}},
       {{"Authentication-Results",
         "mx.example.org (a comment; with semicolon); dkim=fail header.d=evil.example;\r\n"
         " dkim = pass (good signature) reason=\"ok; fine\" header . d = \"example.com\""}},
       // Ours on top; the sender's own field below it came with the message.
       {{"Authentication-Results", "\"mx.example.org\"; dkim/1=pass header.d=example.com"},
        {"Authentication-Results", "mx.evil.example; spf=fail smtp.mailfrom=example.com"}},
       // Our SPF verifier's field and our DKIM verifier's field, one each.
       {{"Authentication-Results", "mx.example.org; spf=fail smtp.mailfrom=example.com"},
        {"Authentication-Results", "mx.example.org; dkim=pass header.d=example.com"}},
       {{"Authentication-Results",
         "mx.example.org; arc=pass; spf=pass smtp.mailfrom=example.com"}}},
      settings);
}

TEST(StillReplies, WithDkimPassOfEnvelopeSenderParentDomain) {
  PolicySettings settings;
  settings.require_authenticated_sender = true;
  settings.trusted_authserv_id = "mx.example.org";
  // The reply goes to the envelope sender; From does not matter here.
  Message message = OrdinaryMessageWith(
      {{"Authentication-Results", "mx.example.org; dkim=pass header.d=example.com"}},
      "bob@mail.example.com");
  EXPECT_TRUE(Replied(DecideForOle(message, settings)));
}

}  // namespace
}  // namespace ar::testing
