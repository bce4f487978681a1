// The abuse controls of sequence files: enrol_rate_limit and
// enrol_source_limit, the trigger conditions client and authenticated, and
// the windows a trigger enrolment counts against (sequence/enrol_windows.h).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "sequence/enrol_windows.h"
#include "sequence/sequence_decision.h"
#include "sequence/sequence_definition.h"
#include "sequence/trigger_matcher.h"

namespace ar {
namespace {

using ::testing::HasSubstr;

const TimePoint kNow = FromUnixSeconds(1795000000);

SequenceSource Source(const std::string& sequence_keys, const std::string& trigger_keys) {
  SequenceSource source;
  source.file_name = "form.sequence";
  source.text = "[sequence]\nname = form\nfrom = Shop <shop@shop.example>\n" + sequence_keys +
                "\n[trigger]\nrecipient = ^leads@shop\\.example$\nperson = reply-to\n" +
                trigger_keys + "\n[step info]\nwhen = 1d after enrolment\ntemplate = info.txt\n";
  source.templates["info.txt"] = "Subject: Hello\n\nHello.\n";
  return source;
}

Message FormMail(const std::string& client, const std::string& login = "",
                 const std::string& sender = "www-data@web.shop.example") {
  Envelope envelope;
  envelope.sender = sender;
  envelope.recipients = {"leads@shop.example"};
  envelope.client_address = client;
  envelope.authenticated_user = login;
  Message message(std::move(envelope));
  message.AddHeader("From", "Form <www-data@web.shop.example>");
  message.AddHeader("Reply-To", "Kari <kari@example.no>");
  message.AddHeader("Message-ID", "<form-1@web.shop.example>");
  return message;
}

TEST(EnrolLimits, SequenceFileSetsBothLimits) {
  Result<SequenceDefinition> def =
      ParseSequence(Source("enrol_rate_limit = 100/1d\nenrol_source_limit = 3/1h", ""));
  ASSERT_TRUE(def.ok()) << def.status().ToString();
  EXPECT_EQ(def->enrol_rate_limit, (RateLimit{100, Seconds(86400)}));
  EXPECT_EQ(def->enrol_source_limit, (RateLimit{3, Seconds(3600)}));

  Result<SequenceDefinition> plain = ParseSequence(Source("", ""));
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_FALSE(plain->enrol_rate_limit.enabled());
  EXPECT_FALSE(plain->enrol_source_limit.enabled());
}

TEST(EnrolLimits, BadLimitsAndConditionsAreReportedWithTheirLines) {
  Result<SequenceDefinition> def =
      ParseSequence(Source("enrol_rate_limit = lots\nenrol_source_limit = 0/1h",
                           "client = 192.0.2.7/24, 127.0.0.1\nauthenticated = maybe"));
  ASSERT_FALSE(def.ok());
  const std::string errors = def.status().message();
  EXPECT_THAT(errors, HasSubstr("form.sequence:4: enrol_rate_limit: expected COUNT/WINDOW"));
  EXPECT_THAT(errors, HasSubstr("form.sequence:5: enrol_source_limit:"));
  EXPECT_THAT(errors, HasSubstr("form.sequence:9: client: '192.0.2.7/24' has host bits set"));
  EXPECT_THAT(errors, HasSubstr("form.sequence:10: authenticated is yes or no"));
}

TEST(EnrolLimits, ClientAndAuthenticatedConditionsOnlyApplyToTriggers) {
  SequenceSource source = Source("", "");
  source.text += "\n[exit replied]\non = reply\nclient = 127.0.0.1\n";
  Result<SequenceDefinition> def = ParseSequence(source);
  ASSERT_FALSE(def.ok());
  EXPECT_THAT(def.status().message(), HasSubstr("only apply to on = trigger"));
}

std::shared_ptr<const TriggerMatcher> Matcher(const std::string& trigger_keys) {
  Result<SequenceDefinition> def = ParseSequence(Source("", trigger_keys));
  EXPECT_TRUE(def.ok()) << def.status().ToString();
  if (!def.ok()) return nullptr;
  Result<std::shared_ptr<const TriggerMatcher>> matcher = TriggerMatcher::Compile(def->trigger);
  EXPECT_TRUE(matcher.ok());
  return matcher.ok() ? *matcher : nullptr;
}

TEST(EnrolLimits, ClientConditionAdmitsOnlyTheConfiguredNetworks) {
  auto matcher = Matcher("client = 127.0.0.1, 2001:db8:5::/48");
  ASSERT_NE(matcher, nullptr);
  EXPECT_TRUE(matcher->Match(FormMail("127.0.0.1")));
  EXPECT_TRUE(matcher->Match(FormMail("2001:db8:5:1::80")));
  EXPECT_TRUE(matcher->Match(FormMail("IPv6:2001:db8:5::1")));
  EXPECT_FALSE(matcher->Match(FormMail("203.0.113.50")));
  EXPECT_FALSE(matcher->Match(FormMail("2001:db8:6::1")));
  // No address at all (local submission, a missing macro): not admitted.
  EXPECT_FALSE(matcher->Match(FormMail("")));

  auto anyone = Matcher("");
  ASSERT_NE(anyone, nullptr);
  EXPECT_TRUE(anyone->Match(FormMail("")));
  EXPECT_TRUE(anyone->Match(FormMail("203.0.113.50")));
}

TEST(EnrolLimits, AuthenticatedConditionNeedsTheMtasLogin) {
  auto matcher = Matcher("authenticated = yes");
  ASSERT_NE(matcher, nullptr);
  EXPECT_TRUE(matcher->Match(FormMail("203.0.113.50", "webform")));
  EXPECT_FALSE(matcher->Match(FormMail("203.0.113.50")));
  // A header claiming a login is no SMTP AUTH.
  Message forged = FormMail("203.0.113.50");
  forged.AddHeader("X-Auth-User", "webform");
  EXPECT_FALSE(matcher->Match(forged));

  auto both = Matcher("authenticated = yes\nclient = 192.0.2.0/24");
  ASSERT_NE(both, nullptr);
  EXPECT_TRUE(both->Match(FormMail("192.0.2.10", "webform")));
  EXPECT_FALSE(both->Match(FormMail("192.0.2.10")));
  EXPECT_FALSE(both->Match(FormMail("198.51.100.1", "webform")));
}

TEST(EnrolLimits, WindowsCoverEachConfiguredScope) {
  SequenceDefinition def;
  def.name = "form";
  def.enrol_rate_limit = {100, Seconds(86400)};
  def.enrol_source_limit = {3, Seconds(3600)};
  Envelope envelope;
  envelope.sender = "<WWW-Data@Web.Shop.Example>";
  envelope.client_address = "2001:db8:1:2:3:4:5:6";
  std::vector<EnrolWindow> windows = EnrolWindowsFor(def, envelope, {500, Seconds(3600)});
  ASSERT_EQ(windows.size(), 4u);
  EXPECT_EQ(windows[0], (EnrolWindow{"global", "", "", {500, Seconds(3600)}}));
  EXPECT_EQ(windows[1], (EnrolWindow{"sequence", "form", "", {100, Seconds(86400)}}));
  EXPECT_EQ(windows[2], (EnrolWindow{"client", "form", "2001:db8:1:2::/64", {3, Seconds(3600)}}));
  EXPECT_EQ(windows[3],
            (EnrolWindow{"sender", "form", "www-data@web.shop.example", {3, Seconds(3600)}}));

  // No limits configured: no windows; a null sender and no client: none
  // per source.
  EXPECT_TRUE(EnrolWindowsFor(SequenceDefinition{}, envelope, RateLimit{}).empty());
  Envelope anonymous;
  windows = EnrolWindowsFor(def, anonymous, RateLimit{});
  ASSERT_EQ(windows.size(), 1u);
  EXPECT_EQ(windows[0].scope, "sequence");
}

TEST(EnrolLimits, OnlyTriggerEnrolmentsCarryWindows) {
  Result<SequenceDefinition> def =
      ParseSequence(Source("enrol_source_limit = 3/1h", "client = 127.0.0.1"));
  ASSERT_TRUE(def.ok()) << def.status().ToString();
  Result<CompiledSequence> compiled = CompileSequence(*def);
  ASSERT_TRUE(compiled.ok()) << compiled.status().ToString();
  std::vector<CompiledSequence> sequences = {*compiled};
  SequenceStateView state;
  state.is_suppressed = [](const std::string&) { return false; };
  state.enrolment = [](const std::string&, const std::string&) -> std::optional<Enrolment> {
    return std::nullopt;
  };
  state.find_message = [](const std::string&) -> std::optional<SentMessageRef> {
    return std::nullopt;
  };
  state.trigger_seen = [](const std::string&, const std::string&) { return false; };
  state.person_for_token = [](const std::string&) -> std::optional<std::string> {
    return std::nullopt;
  };
  SequenceSettings settings;
  settings.global_enrol_rate_limit = {50, Seconds(3600)};

  SequenceDecision decision =
      DecideSequences(FormMail("127.0.0.1"), sequences, state, settings, kNow);
  ASSERT_EQ(decision.enrols.size(), 1u);
  const std::vector<EnrolWindow>& windows = decision.enrols[0].windows;
  ASSERT_EQ(windows.size(), 3u);
  EXPECT_EQ(windows[0].scope, "global");
  EXPECT_EQ(windows[1].scope, "client");
  EXPECT_EQ(windows[1].source, "127.0.0.1");
  EXPECT_EQ(windows[2].scope, "sender");

  // From a client outside the trigger's networks: nobody is enrolled.
  EXPECT_TRUE(
      DecideSequences(FormMail("203.0.113.50"), sequences, state, settings, kNow).enrols.empty());
}

}  // namespace
}  // namespace ar
