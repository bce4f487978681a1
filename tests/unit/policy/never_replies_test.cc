// Messages that must never be answered (RFC 3834, RFC 5230 section 4.6).
// Each test is a table of variants; each variant differs from an ordinary,
// answerable message in one respect only (see StillReplies.ToOrdinaryMessage).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "decision_expectations.h"
#include "policy_test_support.h"

namespace ar::testing {
namespace {

void ExpectEachSkipped(const std::vector<Headers>& variants, SkipReason reason,
                       const PolicySettings& settings = {}) {
  for (const Headers& extra : variants) {
    SCOPED_TRACE(extra.empty() ? "" : extra.front().first + ": " + extra.front().second);
    EXPECT_TRUE(SkippedFor(DecideForOle(OrdinaryMessageWith(extra), settings), reason));
  }
}

TEST(NeverReplies, ToNullSender) {
  for (const std::string sender : {"", "<>", "  "}) {
    SCOPED_TRACE("sender '" + sender + "'");
    EXPECT_TRUE(SkippedFor(DecideForOle(OrdinaryMessageWith({}, sender)), SkipReason::kNullSender));
  }
}

TEST(NeverReplies, ToIgnoredEnvelopeSenders) {
  const std::vector<std::string> senders = {
      "MAILER-DAEMON@mx.example.com",  "mailer-daemon@example.com",
      "owner-staff@lists.example.com", "staff-request@lists.example.com",
      "staff-owner@example.com",       "staff-bounces@example.com",
      "NoReply@example.com",           "no-reply@example.com",
      "donotreply@example.com",        "prvs=1234abcd=noreply@example.com",
      "listserv@example.com",          "Majordomo@example.com"};
  for (const std::string& sender : senders) {
    SCOPED_TRACE(sender);
    EXPECT_TRUE(
        SkippedFor(DecideForOle(OrdinaryMessageWith({}, sender)), SkipReason::kIgnoredSender));
  }
}

TEST(NeverReplies, ToIgnoredFromAddress) {
  for (const std::string from : {"Shop <noreply@shop.example>", "do-not-reply@example.com"}) {
    SCOPED_TRACE(from);
    Message message = OrdinaryMessageReplacing("From", {from}, "bounce-77@shop.example");
    EXPECT_TRUE(SkippedFor(DecideForOle(message), SkipReason::kIgnoredSender));
  }
}

TEST(NeverReplies, ToSendersMatchingConfiguredPatterns) {
  PolicySettings settings;
  settings.ignored_sender_patterns = {"alerts*", "*.robot"};
  for (const std::string sender : {"ALERTS-prod@example.com", "build.robot@example.com"}) {
    SCOPED_TRACE(sender);
    EXPECT_TRUE(SkippedFor(DecideForOle(OrdinaryMessageWith({}, sender), settings),
                           SkipReason::kIgnoredSender));
  }
}

TEST(NeverReplies, ToUnsafeSenders) {
  const std::vector<std::string> senders = {"bob@example.com\r\nBcc: victim@example.net",
                                            "bob@example.com, eve@example.net",
                                            "bob smith@example.com",
                                            " bob@example.com",
                                            "\"bob\"@example.com",
                                            "bob",
                                            "<bob@example.com>",
                                            std::string(300, 'a') + "@example.com"};
  for (const std::string& sender : senders) {
    SCOPED_TRACE(sender);
    EXPECT_TRUE(
        SkippedFor(DecideForOle(OrdinaryMessageWith({}, sender)), SkipReason::kUnsafeSender));
  }
}

TEST(NeverReplies, ToAutoSubmitted) {
  ExpectEachSkipped({{{"Auto-Submitted", "auto-replied"}},
                     {{"Auto-Submitted", "auto-generated"}},
                     {{"Auto-Submitted", "Auto-Notified; owner-email=\"a@b\""}},
                     {{"Auto-Submitted", "auto-something-new"}},
                     {{"Auto-Submitted", "(no) auto-replied"}},
                     {{"Auto-Submitted", "nope"}},
                     {{"Auto-Submitted", ""}},
                     {{"auto-submitted", "AUTO-REPLIED"}}},
                    SkipReason::kAutoSubmitted);
}

TEST(NeverReplies, WhenAnyOfSeveralAutoSubmittedFieldsIsNotNo) {
  ExpectEachSkipped({{{"Auto-Submitted", "no"}, {"Auto-Submitted", "auto-replied"}},
                     {{"Auto-Submitted", "auto-generated"}, {"Auto-Submitted", "no"}}},
                    SkipReason::kAutoSubmitted);
}

TEST(NeverReplies, ToListIdHeader) {
  ExpectEachSkipped({{{"List-Id", "Staff <staff.lists.example.com>"}},
                     {{"LIST-ID", "<staff.lists.example.com>"}},
                     {{"List-Help", "<mailto:staff-request@lists.example.com?subject=help>"}},
                     {{"List-Subscribe", "<https://lists.example.com/subscribe>"}},
                     {{"List-Unsubscribe", "<mailto:unsubscribe@example.com>"}},
                     {{"list-post", "NO"}},
                     {{"List-Owner", "<mailto:staff-owner@lists.example.com>"}},
                     {{"List-Archive", "<https://lists.example.com/archive>"}}},
                    SkipReason::kListHeader);
}

TEST(NeverReplies, ToBulkPrecedence) {
  ExpectEachSkipped({{{"Precedence", "bulk"}},
                     {{"Precedence", "JUNK"}},
                     {{"Precedence", "List"}},
                     {{"precedence", "  bulk (newsletter)"}}},
                    SkipReason::kPrecedence);
}

TEST(NeverReplies, WhenAutoResponsesSuppressed) {
  ExpectEachSkipped({{{"X-Auto-Response-Suppress", "All"}},
                     {{"X-Auto-Response-Suppress", "OOF"}},
                     {{"X-Auto-Response-Suppress", "DR, RN, NRN, OOF, AutoReply"}},
                     {{"x-auto-response-suppress", "dr,oof"}},
                     {{"X-Auto-Response-Suppress", "all"}}},
                    SkipReason::kSuppressHeader);
}

TEST(NeverReplies, ToReports) {
  ExpectEachSkipped(
      {{{"Content-Type", "multipart/report; report-type=delivery-status; boundary=\"x\""}},
       {{"Content-Type", "Multipart/Report; report-type=disposition-notification"}},
       {{"Content-Type", "multipart/report; report-type=feedback-report"}},
       {{"content-type", "multipart/report (dsn)"}},
       {{"Content-Type", "multipart/report"}}},
      SkipReason::kReport);
}

TEST(NeverReplies, WhenUserNotAddressed) {
  const std::vector<std::vector<std::string>> to_values = {
      {"staff@example.org"},
      {"\"ole@example.org\" <staff@example.org>"},  // a display name does not count
      {"Ole Hansen <nicole@example.org>"},          // no substring match
      {"ole@example.org.evil.example"},
      {"xole@example.org"},
      {"undisclosed-recipients:;"},
      {"team: alice@example.org, carol@example.org;"},
      {"(ole@example.org) staff@example.org"}};
  for (const auto& values : to_values) {
    SCOPED_TRACE(values.front());
    EXPECT_TRUE(SkippedFor(DecideForOle(OrdinaryMessageReplacing("To", values)),
                           SkipReason::kNotAddressed));
  }
}

TEST(NeverReplies, WhenUserOnlyInOtherHeaders) {
  for (const std::string name : {"Reply-To", "Delivered-To", "X-Original-To", "Sender"}) {
    SCOPED_TRACE(name);
    Headers headers = {
        {"From", "bob@example.com"}, {"To", "staff@example.org"}, {name, "ole@example.org"}};
    EXPECT_TRUE(SkippedFor(DecideForOle(MakeMessage(kSender, headers)), SkipReason::kNotAddressed));
  }
}

TEST(NeverReplies, ToTheUserThemself) {
  struct Case {
    std::string sender;
    std::string from;
  };
  const std::vector<Case> cases = {{"ole@example.org", "Bob <bob@example.com>"},
                                   {"OLE@Example.ORG", "Bob <bob@example.com>"},
                                   {"o.hansen@example.org", "Bob <bob@example.com>"},
                                   {"prvs=0123abcd=ole@example.org", "Bob <bob@example.com>"},
                                   {"bounce@relay.example.com", "Ole <ole@example.org>"},
                                   {"bounce@relay.example.com", "Ole <O.Hansen@EXAMPLE.org>"}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.sender + " / " + c.from);
    EXPECT_TRUE(SkippedFor(DecideForOle(OrdinaryMessageReplacing("From", {c.from}, c.sender)),
                           SkipReason::kSenderIsUser));
  }
}

TEST(NeverReplies, ToSpamVerdict) {
  PolicySettings settings;
  settings.spam_verdict_headers = {{"X-Spam-Flag", "YES"}, {"X-Spam-Status", " Yes "}};
  ExpectEachSkipped({{{"X-Spam-Flag", "YES"}},
                     {{"x-spam-flag", " yes "}},
                     {{"X-Spam-Status", "yes"}},
                     {{"X-Spam-Flag", "NO"}, {"X-Spam-Flag", "YES"}}},
                    SkipReason::kSpam, settings);
}

TEST(NeverReplies, ToLoops) {
  PolicySettings settings;
  settings.max_received = 3;
  Headers too_many = {{"Received", "a"}, {"Received", "b"}, {"Received", "c"}};  // + 1 ordinary
  ExpectEachSkipped({too_many}, SkipReason::kTooManyReceived, settings);
  ExpectEachSkipped({{{"X-Autoresponder-Milter", "1"}}, {{"x-autoresponder-milter", ""}}},
                    SkipReason::kLoopMarker, settings);
  settings.loop_marker_header = "X-Our-Loop";
  ExpectEachSkipped({{{"X-Our-Loop", "ole@example.org"}}}, SkipReason::kLoopMarker, settings);
}

TEST(NeverReplies, WhenRuleInactive) {
  struct Case {
    std::string name;
    OutOfOfficeRule rule;
    SkipReason reason;
  };
  OutOfOfficeRule disabled = OleRule();
  disabled.enabled = false;
  OutOfOfficeRule not_started = OleRule();
  not_started.start = Now() + Seconds(1);
  OutOfOfficeRule ended = OleRule();
  ended.end = Now();  // end is exclusive
  OutOfOfficeRule ended_long_ago = OleRule();
  ended_long_ago.start.reset();
  ended_long_ago.end = Now() - Seconds(86400 * 30);
  const std::vector<Case> cases = {{"disabled", disabled, SkipReason::kRuleDisabled},
                                   {"not started", not_started, SkipReason::kOutsideWindow},
                                   {"ended at now", ended, SkipReason::kOutsideWindow},
                                   {"ended", ended_long_ago, SkipReason::kOutsideWindow}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_TRUE(SkippedFor(DecideForOle(OrdinaryMessageWith({}), {}, c.rule), c.reason));
  }
}

TEST(NeverReplies, ToExternalSendersWhenSwitchedOff) {
  OutOfOfficeRule rule = OleRule();
  rule.reply_to_external = false;
  PolicySettings settings;
  settings.internal_domains = {"partner.example"};
  for (const std::string sender : {"bob@example.com", "bob@sub.example.org",
                                   "bob@partner.example.net", "bob@example.org.evil.example"}) {
    SCOPED_TRACE(sender);
    Message message = OrdinaryMessageReplacing("From", {sender}, sender);
    EXPECT_TRUE(SkippedFor(DecideForOle(message, settings, rule), SkipReason::kAudienceOff));
  }
}

TEST(NeverReplies, TwiceWithinPeriod) {
  struct Case {
    std::string name;
    Seconds rule_period;
    Seconds answered_ago;
  };
  // Default bounds: min 1 day, max 30 days.
  const std::vector<Case> cases = {
      {"just answered", Seconds(7 * 86400), Seconds(0)},
      {"one second before period ends", Seconds(7 * 86400), Seconds(7 * 86400 - 1)},
      {"period below minimum is raised to a day", Seconds(60), Seconds(3600)},
      {"zero period is raised to a day", Seconds(0), Seconds(86400 - 1)},
      {"answer in the future (clock step back)", Seconds(86400), Seconds(-3600)}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    OutOfOfficeRule rule = OleRule();
    rule.period = c.rule_period;
    ResponseHistory history = [&](const std::string&, uint64_t,
                                  const std::string&) -> std::optional<TimePoint> {
      return Now() - c.answered_ago;
    };
    EXPECT_TRUE(SkippedFor(DecideForOle(OrdinaryMessageWith({}), {}, rule, history),
                           SkipReason::kAlreadyAnswered));
  }
}

TEST(NeverReplies, WithoutTrustedAuthentication) {
  PolicySettings settings;
  settings.require_authenticated_sender = true;
  settings.trusted_authserv_id = "mx.example.org";
  ExpectEachSkipped(
      {{},
       // Someone else's verdicts are claims, not results.
       {{"Authentication-Results", "mx.evil.example; spf=pass smtp.mailfrom=bob@example.com"}},
       {{"Authentication-Results", "mx.example.org.evil; spf=pass smtp.mailfrom=example.com"}},
       {{"Authentication-Results", "mx.example.org; none"}},
       {{"Authentication-Results", "mx.example.org; spf=fail smtp.mailfrom=bob@example.com"}},
       {{"Authentication-Results", "mx.example.org; spf=softfail smtp.mailfrom=example.com"}},
       // SPF for another domain than the envelope sender's.
       {{"Authentication-Results", "mx.example.org; spf=pass smtp.mailfrom=evil.example"}},
       {{"Authentication-Results", "mx.example.org; spf=pass smtp.helo=mx.example.com"}},
       // Our field below someone else's came with the message.
       {{"Authentication-Results", "mx.evil.example; spf=fail smtp.mailfrom=example.com"},
        {"Authentication-Results", "mx.example.org; dkim=pass header.d=example.com"}},
       // A pass below our own fail for the same method.
       {{"Authentication-Results", "mx.example.org; spf=fail smtp.mailfrom=example.com"},
        {"Authentication-Results", "mx.example.org; spf=pass smtp.mailfrom=example.com"}},
       // DKIM not aligned with the envelope sender's domain example.com.
       {{"Authentication-Results", "mx.example.org; dkim=pass header.d=evil.example"}},
       {{"Authentication-Results", "mx.example.org; dkim=pass header.d=mail.example.com"}},
       {{"Authentication-Results", "mx.example.org; dkim=pass header.d=com"}},
       {{"Authentication-Results", "mx.example.org; dkim=pass header.d=xexample.com"}},
       {{"Authentication-Results", "mx.example.org; dkim=fail header.d=example.com"}},
       // Results hidden in comments or quoted text are not results.
       {{"Authentication-Results", "mx.example.org; dkim=fail (dkim=pass header.d=example.com)"}},
       {{"Authentication-Results",
         "mx.example.org; dkim=fail reason=\"; dkim=pass "
         "header.d=example.com\""}}},
      SkipReason::kNotAuthenticated, settings);
}

TEST(NeverReplies, WhenAuthenticationRequiredButNoTrustedIdConfigured) {
  PolicySettings settings;
  settings.require_authenticated_sender = true;
  ExpectEachSkipped({{{"Authentication-Results", "; spf=pass smtp.mailfrom=example.com"}},
                     {{"Authentication-Results",
                       "mx.example.org; spf=pass "
                       "smtp.mailfrom=example.com"}}},
                    SkipReason::kNotAuthenticated, settings);
}

// The milter keeps at most Message::kMaxHeaders fields and cuts each at
// kMaxHeaderValueBytes. Whatever lay beyond may have been the List-Id,
// Auto-Submitted or our loop marker, so a cut message is never answered.
TEST(NeverReplies, ToAMessageCutAtTheHeaderLimit) {
  for (const std::string& hidden : {std::string("List-Id"), std::string("Auto-Submitted"),
                                    std::string("X-Autoresponder-Milter")}) {
    SCOPED_TRACE(hidden);
    Headers headers = OrdinaryHeaders();
    while (headers.size() < Message::kMaxHeaders) headers.emplace_back("X-Filler", "x");
    headers.emplace_back(hidden, hidden == "List-Id" ? "<dev.lists.example.com>" : "auto-replied");
    Message message = MakeMessage(kSender, headers);
    ASSERT_EQ(message.dropped_headers(), 1u);
    Decision d = DecideForOle(message);
    EXPECT_TRUE(d.replies.empty());
    ASSERT_EQ(d.skips.size(), 1u);
    EXPECT_STREQ(SkipReasonName(d.skips[0].reason), "too-many-headers");
  }
}

TEST(NeverReplies, ToAMessageWithAFieldCutAtTheValueLimit) {
  // A comment longer than the limit hides "auto-replied" behind the cut.
  const std::string value = "(" + std::string(Message::kMaxHeaderValueBytes, 'x') + ") auto-replied";
  Message message = OrdinaryMessageWith({{"Auto-Submitted", value}});
  ASSERT_EQ(message.truncated_headers(), 1u);
  Decision d = DecideForOle(message);
  EXPECT_TRUE(d.replies.empty());
  ASSERT_EQ(d.skips.size(), 1u);
  EXPECT_STREQ(SkipReasonName(d.skips[0].reason), "too-many-headers");
}

// The milter keeps at most Session::kMaxRecipients RCPTs and counts the rest.
TEST(NeverReplies, ToAnEnvelopeCutAtTheRecipientLimit) {
  Message message = OrdinaryMessageWith({});
  message.mutable_envelope().recipients_dropped = 1;
  Decision d = DecideForOle(message);
  EXPECT_TRUE(d.replies.empty());
  ASSERT_EQ(d.skips.size(), 1u);
  EXPECT_EQ(d.skips[0].reason, SkipReason::kTooManyRecipients);
  EXPECT_EQ(d.skips[0].detail, "1 recipients dropped");
}

}  // namespace
}  // namespace ar::testing
