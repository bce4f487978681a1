#include "config/config_file.h"

#include <gtest/gtest.h>

#include "config/options_table.h"
#include "config_test_support.h"

namespace ar {
namespace {

using testing_support::Parse;
using testing_support::WriteConfigFile;

TEST(ConfigText, SkipsCommentsAndBlankLinesAndTrims) {
  Result<std::vector<OptionAssignment>> r = ParseConfigText(
      "# a comment\n\n   \t\n  # indented comment\n  max_received   =  30  \r\n"
      "reply_envelope_sender =\nsendmail_path=/usr/lib/sendmail#x\n",
      "f.conf");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].name, "max_received");
  EXPECT_EQ((*r)[0].value, "30");
  EXPECT_EQ((*r)[0].place, "f.conf:5");
  EXPECT_EQ((*r)[1].value, "");
  EXPECT_EQ((*r)[2].value, "/usr/lib/sendmail#x");  // '#' inside a value is kept
}

TEST(ConfigText, LineWithoutEqualsIsAnErrorAtItsLine) {
  Result<std::vector<OptionAssignment>> r =
      ParseConfigText("max_received = 3\nlog_level debug\n", "f.conf");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "f.conf:2: expected 'name = value', found no '='");
}

TEST(ConfigText, MissingNameIsAnError) {
  Result<std::vector<OptionAssignment>> r = ParseConfigText("\n = 3\n", "f.conf");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "f.conf:2: no option name before '='");
}

TEST(ConfigFile, ValuesFromTheFileAreApplied) {
  std::string path = WriteConfigFile("apply.conf",
                                     "milter_socket = unix:/run/ar/milter.sock\n"
                                     "period_default = 3d\n"
                                     "transport = smtp\n"
                                     "smtp_port = 10025\n");
  Result<CommandLine> parsed = Parse({"--config", path});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->config.config_file, path);
  EXPECT_EQ(parsed->config.milter_socket, "unix:/run/ar/milter.sock");
  EXPECT_EQ(parsed->config.policy.default_period, Seconds(3 * 86400));
  EXPECT_EQ(parsed->config.transport.kind, "smtp");
  EXPECT_EQ(parsed->config.transport.smtp_port, 10025);
}

TEST(ConfigFile, CommandLineOverridesTheFile) {
  std::string path = WriteConfigFile("override.conf",
                                     "max_received = 30\nlog_level = debug\n"
                                     "internal_domain = a.example\n");
  Result<CommandLine> parsed =
      Parse({"--max_received", "40", "--config=" + path, "--internal_domain=b.example"});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->config.policy.max_received, 40);  // command line wins
  EXPECT_EQ(parsed->config.log_level, "debug");       // file value kept
  EXPECT_EQ(parsed->config.policy.internal_domains,   // list replaced, not merged
            std::vector<std::string>{"b.example"});
}

TEST(ConfigFile, DefaultPathIsReadWhenPresent) {
  std::string path = WriteConfigFile("default.conf", "max_received = 12\n");
  Result<CommandLine> parsed = Parse({}, {}, path);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->config.policy.max_received, 12);
  EXPECT_EQ(parsed->config.config_file, path);
}

TEST(ConfigFile, MissingDefaultFileIsFine) {
  Result<CommandLine> parsed = Parse({}, {}, testing_support::MissingPath());
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->config.config_file, "");
}

TEST(ConfigFile, MissingNamedFileIsAnError) {
  std::string missing = testing_support::MissingPath();
  Result<CommandLine> parsed = Parse({"--config", missing});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(), missing + ": No such file or directory");
}

TEST(ConfigFile, EmptyConfigMeansNoFileAtAll) {
  std::string path = WriteConfigFile("ignored.conf", "max_received = 12\n");
  Result<CommandLine> parsed = Parse({"--config="}, {}, path);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->config.policy.max_received, 25);
}

TEST(ConfigFile, DirectoryIsRefused) {
  Result<CommandLine> parsed = Parse({"--config", ::testing::TempDir()});
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("not a regular file"), std::string::npos);
}

TEST(ConfigFileErrors, UnknownOptionNamesFileAndLine) {
  std::string path = WriteConfigFile("unknown.conf", "# x\nmax_received = 3\nperiod = 7d\n");
  Result<CommandLine> parsed = Parse({"--config", path});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(), path + ":3: unknown option 'period'");
}

TEST(ConfigFileErrors, BadValueNamesFileLineAndOption) {
  std::string path = WriteConfigFile("badvalue.conf", "\n\nperiod_min = 5 days\n");
  Result<CommandLine> parsed = Parse({"--config", path});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(),
            path + ":3: period_min: not a duration: '5 days' (use e.g. 90s, 15m, 12h, 7d, 2w)");
}

TEST(ConfigFileErrors, MissingEqualsNamesFileAndLine) {
  std::string path = WriteConfigFile("noequals.conf", "max_received 3\n");
  Result<CommandLine> parsed = Parse({"--config", path});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(), path + ":1: expected 'name = value', found no '='");
}

TEST(ConfigFileErrors, SingleValuedOptionGivenTwice) {
  std::string path = WriteConfigFile("twice.conf", "max_received = 3\nmax_received = 4\n");
  Result<CommandLine> parsed = Parse({"--config", path});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(),
            path + ":2: max_received: given more than once (first at " + path + ":1)");
}

TEST(ConfigFileErrors, ProgramFlagsAreCommandLineOnly) {
  std::string path = WriteConfigFile("flag.conf", "foreground = yes\n");
  Result<CommandLine> parsed =
      Parse({"--config", path}, {{"foreground", "Stay in front.", false, false}});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(),
            path + ":1: 'foreground' is accepted on the command line only");
  std::string nested = WriteConfigFile("nested.conf", "config = /etc/other.conf\n");
  Result<CommandLine> again = Parse({"--config", nested});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().message(), nested + ":1: 'config' is accepted on the command line only");
}

TEST(ConfigFileErrors, InconsistencyBlamesTheLineThatMadeIt) {
  std::string path = WriteConfigFile("inconsistent.conf",
                                     "period_max = 10d\nperiod_default = 12h\nmax_received = 9\n");
  Result<CommandLine> parsed = Parse({"--config", path});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(),
            path + ":2: period_default (12h) is shorter than period_min (1d)");
}

TEST(RepeatableOptions, AccumulateAndReplaceTheBuiltInList) {
  std::string path = WriteConfigFile("lists.conf",
                                     "ignored_sender = mailer-daemon, bounce-*\n"
                                     "ignored_sender = *-noreply\n"
                                     "spam_header = X-Spam-Flag: YES, X-Spam: yes\n"
                                     "spam_header = X-Virus-Status: Infected\n"
                                     "internal_domain = Example.COM corp.example\n"
                                     "sendmail_arg = -C /etc/postfix-out\n");
  Result<CommandLine> parsed = Parse({"--config", path});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const PolicySettings& p = parsed->config.policy;
  EXPECT_EQ(p.ignored_sender_patterns,
            (std::vector<std::string>{"mailer-daemon", "bounce-*", "*-noreply"}));
  ASSERT_EQ(p.spam_verdict_headers.size(), 3u);
  EXPECT_EQ(p.spam_verdict_headers[1].name, "X-Spam");
  EXPECT_EQ(p.spam_verdict_headers[1].value, "yes");
  EXPECT_EQ(p.spam_verdict_headers[2].name, "X-Virus-Status");
  EXPECT_EQ(p.spam_verdict_headers[2].value, "Infected");
  EXPECT_EQ(p.internal_domains, (std::vector<std::string>{"example.com", "corp.example"}));
  EXPECT_EQ(parsed->config.transport.sendmail_args,
            (std::vector<std::string>{"-C", "/etc/postfix-out"}));
}

TEST(RepeatableOptions, AnEmptyValueEmptiesTheList) {
  std::string path = WriteConfigFile("empty-lists.conf", "ignored_sender =\nspam_header =\n");
  Result<CommandLine> parsed = Parse({"--config", path});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_TRUE(parsed->config.policy.ignored_sender_patterns.empty());
  EXPECT_TRUE(parsed->config.policy.spam_verdict_headers.empty());
}

TEST(RepeatableOptions, RepeatOnTheCommandLineToo) {
  Result<CommandLine> parsed =
      Parse({"--internal_domain", "a.example", "--internal_domain=b.example"});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->config.policy.internal_domains,
            (std::vector<std::string>{"a.example", "b.example"}));
}

TEST(RepeatableOptions, ABadItemNamesItsLine) {
  std::string path = WriteConfigFile("bad-list.conf",
                                     "internal_domain = a.example\ninternal_domain = b..example\n");
  Result<CommandLine> parsed = Parse({"--config", path});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(),
            path + ":2: internal_domain: not a domain name: 'b..example'");
}

}  // namespace
}  // namespace ar
