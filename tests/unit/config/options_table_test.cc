#include "config/options_table.h"

#include <gtest/gtest.h>

#include <set>

#include "config/option_entry.h"
#include "config_test_support.h"

namespace ar {
namespace {

using testing_support::Parse;

TEST(OptionsTable, NamesAreUniqueLowercaseWithUnderscoresAndDescribed) {
  std::set<std::string> names;
  for (const OptionInfo& info : OptionsTable()) {
    EXPECT_TRUE(names.insert(info.name).second) << info.name;
    EXPECT_EQ(info.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_"), std::string::npos)
        << info.name;
    EXPECT_FALSE(info.description.empty()) << info.name;
    EXPECT_EQ(info.description.back(), '.') << info.name;
  }
  EXPECT_EQ(names.size(), 74u);
}

TEST(OptionsTable, HasEverySettingOfTheBrief) {
  for (const char* name : {"milter_socket",
                           "clock",
                           "log_target",
                           "log_level",
                           "on_internal_error",
                           "reply_envelope_sender",
                           "hostname",
                           "store_path",
                           "store_map_size",
                           "store_reserve",
                           "ignored_sender",
                           "max_received",
                           "spam_header",
                           "require_authenticated_sender",
                           "trusted_authserv_id",
                           "loop_marker_header",
                           "internal_domain",
                           "period_default",
                           "period_min",
                           "period_max",
                           "transport",
                           "sendmail_path",
                           "sendmail_arg",
                           "smtp_host",
                           "smtp_port",
                           "helo_name",
                           "transport_timeout",
                           "dispatch_batch_size",
                           "dispatch_lease",
                           "retry_base",
                           "retry_max",
                           "max_age",
                           "poll_interval",
                           "sequence_dir",
                           "secret_key_file",
                           "bounce_local_part",
                           "unsubscribe_local_part",
                           "control_domain",
                           "unsubscribe_url",
                           "soft_bounce_limit",
                           "trigger_body_limit",
                           "capture_max_length",
                           "capture_allow_urls"}) {
    EXPECT_NE(FindOptionEntry(name), nullptr) << name;
  }
}

TEST(OptionsTable, OnlyListsAreRepeatable) {
  std::set<std::string> repeatable;
  for (const OptionInfo& info : OptionsTable())
    if (info.repeatable) repeatable.insert(info.name);
  EXPECT_EQ(repeatable, (std::set<std::string>{"ignored_sender", "spam_header", "internal_domain",
                                               "sendmail_arg", "control_domain",
                                               "web_trusted_proxies"}));
}

// Nothing given: every field is what Config{} says (hostname aside, which
// Config{} leaves for the table to fill from gethostname()).
TEST(Defaults, EqualTheDefaultsOfTheConfigStruct) {
  Result<CommandLine> parsed = Parse({});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const Config& c = parsed->config;
  const Config d;
  EXPECT_EQ(c.config_file, "");
  EXPECT_EQ(c.milter_socket, d.milter_socket);
  EXPECT_EQ(c.clock, d.clock);
  EXPECT_EQ(c.log_target, d.log_target);
  EXPECT_EQ(c.log_level, d.log_level);
  EXPECT_EQ(c.tempfail_on_error, d.tempfail_on_error);
  EXPECT_EQ(c.reply_envelope_sender, d.reply_envelope_sender);
  EXPECT_EQ(c.store.path, d.store.path);
  EXPECT_EQ(c.store.map_size, d.store.map_size);
  EXPECT_EQ(c.store.read_only, d.store.read_only);
  EXPECT_EQ(c.policy.ignored_sender_patterns, d.policy.ignored_sender_patterns);
  EXPECT_EQ(c.policy.max_received, d.policy.max_received);
  ASSERT_EQ(c.policy.spam_verdict_headers.size(), d.policy.spam_verdict_headers.size());
  for (size_t i = 0; i < d.policy.spam_verdict_headers.size(); ++i) {
    EXPECT_EQ(c.policy.spam_verdict_headers[i].name, d.policy.spam_verdict_headers[i].name);
    EXPECT_EQ(c.policy.spam_verdict_headers[i].value, d.policy.spam_verdict_headers[i].value);
  }
  EXPECT_EQ(c.policy.require_authenticated_sender, d.policy.require_authenticated_sender);
  EXPECT_EQ(c.policy.trusted_authserv_id, d.policy.trusted_authserv_id);
  EXPECT_EQ(c.policy.loop_marker_header, d.policy.loop_marker_header);
  EXPECT_EQ(c.policy.internal_domains, d.policy.internal_domains);
  EXPECT_EQ(c.policy.default_period, d.policy.default_period);
  EXPECT_EQ(c.policy.min_period, d.policy.min_period);
  EXPECT_EQ(c.policy.max_period, d.policy.max_period);
  EXPECT_EQ(c.compose.loop_marker_header, d.compose.loop_marker_header);
  EXPECT_EQ(c.compose.loop_marker_value, d.compose.loop_marker_value);
  EXPECT_FALSE(c.compose.hostname.empty());
  EXPECT_EQ(c.compose.hostname, DefaultConfig().compose.hostname);
  EXPECT_EQ(c.transport.kind, d.transport.kind);
  EXPECT_EQ(c.transport.sendmail_path, d.transport.sendmail_path);
  EXPECT_EQ(c.transport.sendmail_args, d.transport.sendmail_args);
  EXPECT_EQ(c.transport.smtp_host, d.transport.smtp_host);
  EXPECT_EQ(c.transport.smtp_port, d.transport.smtp_port);
  EXPECT_EQ(c.transport.helo_name, d.transport.helo_name);
  EXPECT_EQ(c.transport.timeout, d.transport.timeout);
  EXPECT_EQ(c.dispatch.batch_size, d.dispatch.batch_size);
  EXPECT_EQ(c.dispatch.lease, d.dispatch.lease);
  EXPECT_EQ(c.dispatch.retry_base, d.dispatch.retry_base);
  EXPECT_EQ(c.dispatch.retry_max, d.dispatch.retry_max);
  EXPECT_EQ(c.dispatch.max_age, d.dispatch.max_age);
  EXPECT_EQ(c.dispatch.poll_interval, d.dispatch.poll_interval);
}

TEST(Defaults, EachDefaultTextIsAcceptedByItsOwnOption) {
  for (const OptionEntry& e : OptionEntries()) {
    Config c = DefaultConfig();
    if (e.clear) e.clear(c);
    Status s = e.apply(c, e.info.default_value);
    EXPECT_TRUE(s.ok()) << e.info.name << ": " << s.ToString();
    EXPECT_EQ(e.print(c), e.info.default_value) << e.info.name;
  }
}

TEST(Defaults, DefaultTextsReadAsTheyArePrinted) {
  auto info = [](const std::string& name) { return FindOptionEntry(name)->info.default_value; };
  EXPECT_EQ(info("period_default"), "7d");
  EXPECT_EQ(info("store_map_size"), "1G");
  EXPECT_EQ(info("on_internal_error"), "accept");
  EXPECT_EQ(info("require_authenticated_sender"), "no");
  EXPECT_EQ(info("spam_header"), "X-Spam-Flag: YES");
  EXPECT_EQ(info("reply_envelope_sender"), "");
  EXPECT_EQ(info("ignored_sender").substr(0, 29), "mailer-daemon, listserv, majo");
}

TEST(Options, LoopMarkerHeaderSetsPolicyAndComposerAlike) {
  Result<CommandLine> parsed = Parse({"--loop_marker_header", "X-Vacation-Loop"});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->config.policy.loop_marker_header, "X-Vacation-Loop");
  EXPECT_EQ(parsed->config.compose.loop_marker_header, "X-Vacation-Loop");
}

TEST(Options, TypedValuesLandInTheirFields) {
  Result<CommandLine> parsed = Parse({"--on_internal_error=tempfail",
                                      "--store_map_size=64M",
                                      "--require_authenticated_sender",
                                      "true",
                                      "--trusted_authserv_id",
                                      "mx.example.com",
                                      "--smtp_port",
                                      "10026",
                                      "--transport",
                                      "SMTP",
                                      "--reply_envelope_sender",
                                      "<>",
                                      "--log_level",
                                      "DEBUG",
                                      "--period_min",
                                      "12h",
                                      "--dispatch_batch_size",
                                      "7",
                                      "--hostname",
                                      "MX.Example.COM"});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const Config& c = parsed->config;
  EXPECT_TRUE(c.tempfail_on_error);
  EXPECT_EQ(c.store.map_size, 64ull << 20);
  EXPECT_TRUE(c.policy.require_authenticated_sender);
  EXPECT_EQ(c.policy.trusted_authserv_id, "mx.example.com");
  EXPECT_EQ(c.transport.smtp_port, 10026);
  EXPECT_EQ(c.transport.kind, "smtp");
  EXPECT_EQ(c.reply_envelope_sender, "");
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_EQ(c.policy.min_period, Seconds(12 * 3600));
  EXPECT_EQ(c.dispatch.batch_size, 7u);
  EXPECT_EQ(c.compose.hostname, "mx.example.com");
}

struct BadValue {
  const char* option;
  const char* value;
  const char* expected;  // part of the message
};

TEST(Options, RetentionSettingsLandInTheDispatchersRetention) {
  Result<CommandLine> parsed = Parse({"--retention_sweep_interval=10m", "--history_retention=2d",
                                      "--trigger_id_retention=3d", "--enrolment_retention=4d",
                                      "--token_retention=5d", "--failed_retention=6h"});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const RetentionSettings& r = parsed->config.dispatch.retention;
  EXPECT_EQ(r.sweep_interval, Seconds(600));
  EXPECT_EQ(r.policy.history, Seconds(2 * 86400));
  EXPECT_EQ(r.policy.trigger_ids, Seconds(3 * 86400));
  EXPECT_EQ(r.policy.enrolments, Seconds(4 * 86400));
  EXPECT_EQ(r.policy.tokens, Seconds(5 * 86400));
  EXPECT_EQ(r.policy.failed, Seconds(6 * 3600));
  EXPECT_FALSE(Parse({"--history_retention=1h"}).ok());  // at least 1d
  EXPECT_TRUE(Parse({"--retention_sweep_interval=0"}).ok());
}

TEST(Options, RejectBadValuesWithAClearMessage) {
  const BadValue cases[] = {
      {"milter_socket", "tcp:8894", "expected unix:PATH"},
      {"milter_socket", "inet:99999@127.0.0.1", "PORT 1-65535"},
      {"milter_socket", "unix:relative", "absolute"},
      {"clock", "file:", "system or file:PATH"},
      {"log_target", "journal", "syslog or stderr"},
      {"log_level", "verbose", "error, warning, info or debug"},
      {"on_internal_error", "reject", "accept or tempfail"},
      {"reply_envelope_sender", "bounce@", "not a plain mail address"},
      {"reply_envelope_sender", "a@b.example>\r\nBcc: x@y.example", "not a plain mail address"},
      {"hostname", "host_name", "not a domain name"},
      {"store_path", "", "directory"},
      {"store_map_size", "12", "1M to 16T"},
      {"store_map_size", "lots", "not a size"},
      {"max_received", "0", "out of range"},
      {"max_received", "many", "not a whole number"},
      {"spam_header", "X-Spam-Flag", "Name: value"},
      {"spam_header", "X Spam: yes", "Name: value"},
      {"require_authenticated_sender", "maybe", "yes or no"},
      {"trusted_authserv_id", "mx;evil", "authserv-id"},
      {"loop_marker_header", "X-Loop:", "header field name"},
      {"internal_domain", "example..com", "not a domain name"},
      {"ignored_sender", "bob@example.com", "local-part pattern"},
      {"period_default", "soon", "not a duration"},
      {"period_max", "0", "out of range"},
      {"transport", "lmtp", "sendmail or smtp"},
      {"sendmail_path", "sendmail", "absolute path"},
      {"smtp_host", "", "host"},
      {"smtp_port", "0", "out of range"},
      {"smtp_port", "65536", "out of range"},
      {"helo_name", "two words", "host name"},
      {"transport_timeout", "2h", "out of range"},
      {"dispatch_batch_size", "0", "out of range"},
      {"poll_interval", "0s", "out of range"},
      {"recipient_delimiter", "x", "punctuation"},
      {"recipient_delimiter", "+@", "punctuation"},
      {"recipient_delimiter", "+ ", "punctuation"},
      {"service_user", "Root Admin", "user name"},
  };
  for (const BadValue& bad : cases) {
    Result<CommandLine> parsed = Parse({std::string("--") + bad.option + "=" + bad.value});
    ASSERT_FALSE(parsed.ok()) << bad.option << "=" << bad.value;
    const std::string& message = parsed.status().message();
    EXPECT_EQ(message.rfind(std::string("--") + bad.option + ": ", 0), 0u) << message;
    EXPECT_NE(message.find(bad.expected), std::string::npos) << message;
  }
}

TEST(Options, RecipientDelimiterReachesTheStoreAndTheDispatcher) {
  Result<CommandLine> parsed = Parse({"--recipient_delimiter", "+-"});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->config.store.recipient_delimiter, "+-");
  EXPECT_EQ(parsed->config.dispatch.recipient_delimiter, "+-");
  Result<CommandLine> off = Parse({"--recipient_delimiter="});
  ASSERT_TRUE(off.ok()) << off.status().ToString();
  EXPECT_EQ(off->config.store.recipient_delimiter, "");
  EXPECT_EQ(off->config.dispatch.recipient_delimiter, "");
}

TEST(Consistency, PeriodDefaultMustLieBetweenMinAndMax) {
  EXPECT_TRUE(Parse({"--period_min=1d", "--period_default=1d", "--period_max=1d"}).ok());
  Result<CommandLine> low = Parse({"--period_default=1h"});
  ASSERT_FALSE(low.ok());
  EXPECT_EQ(low.status().message(),
            "--period_default: period_default (1h) is shorter than period_min (1d)");
  Result<CommandLine> high = Parse({"--period_max=2d"});
  ASSERT_FALSE(high.ok());
  EXPECT_EQ(high.status().message(),
            "--period_max: period_default (7d) is longer than period_max (2d)");
}

TEST(Consistency, OtherCombinationsAreChecked) {
  Result<CommandLine> retry = Parse({"--retry_base=2h"});
  ASSERT_FALSE(retry.ok());
  EXPECT_NE(retry.status().message().find("retry_base (2h) is longer than retry_max (1h)"),
            std::string::npos);
  Result<CommandLine> lease = Parse({"--dispatch_lease=30s"});
  ASSERT_FALSE(lease.ok());
  EXPECT_NE(lease.status().message().find("must be longer than transport_timeout"),
            std::string::npos);
  Result<CommandLine> auth = Parse({"--require_authenticated_sender=yes"});
  ASSERT_FALSE(auth.ok());
  EXPECT_NE(auth.status().message().find("needs trusted_authserv_id"), std::string::npos);
}

}  // namespace
}  // namespace ar
