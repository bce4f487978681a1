#include <gtest/gtest.h>

#include "config/options_table.h"
#include "config_test_support.h"

namespace ar {
namespace {

using testing_support::Parse;

const std::vector<ProgramFlag> kFlags = {
    {"foreground", "Do not detach.", false, false},
    {"pid_file", "Write the process id here.", true, false},
    {"tag", "A label.", true, true},
};

TEST(CommandLine, AcceptsSpaceAndEqualsForms) {
  Result<CommandLine> parsed = Parse({"--max_received", "5", "--log_level=debug"});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->config.policy.max_received, 5);
  EXPECT_EQ(parsed->config.log_level, "debug");
}

TEST(CommandLine, StopsAtTheFirstPositionalArgument) {
  Result<CommandLine> parsed =
      Parse({"--log_level", "debug", "rule", "set", "--period", "7d", "--max_received=3"});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->positional,
            (std::vector<std::string>{"rule", "set", "--period", "7d", "--max_received=3"}));
  EXPECT_EQ(parsed->config.policy.max_received, 25);
}

TEST(CommandLine, DoubleDashEndsOptions) {
  Result<CommandLine> parsed = Parse({"--", "--help", "x"});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_FALSE(parsed->help);
  EXPECT_EQ(parsed->positional, (std::vector<std::string>{"--help", "x"}));
}

TEST(CommandLine, HelpInLongAndShortForm) {
  EXPECT_TRUE(Parse({"--help"})->help);
  EXPECT_TRUE(Parse({"-h"})->help);
  EXPECT_FALSE(Parse({})->help);
}

TEST(CommandLine, ProgramFlagsAreRecorded) {
  Result<CommandLine> parsed = Parse(
      {"--foreground", "--pid_file", "/run/ar.pid", "--tag=a", "--tag", "b", "status"}, kFlags);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_TRUE(parsed->Has("foreground"));
  EXPECT_EQ(parsed->Flag("foreground"), "");
  EXPECT_EQ(parsed->Flag("pid_file"), "/run/ar.pid");
  EXPECT_EQ(parsed->flags.at("tag"), (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(parsed->Has("other"));
  EXPECT_EQ(parsed->positional, std::vector<std::string>{"status"});
}

TEST(CommandLine, HyphenatedProgramFlagsWork) {
  Result<CommandLine> parsed =
      Parse({"--print-defaults"}, {{"print-defaults", "Print.", false, false}});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_TRUE(parsed->Has("print-defaults"));
}

TEST(CommandLine, EmptyValueAfterEqualsIsKept) {
  Result<CommandLine> parsed = Parse({"--reply_envelope_sender=bounce@example.com"});
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->config.reply_envelope_sender, "bounce@example.com");
  std::string path =
      testing_support::WriteConfigFile("sender.conf", "reply_envelope_sender = a@example.com\n");
  Result<CommandLine> cleared = Parse({"--config", path, "--reply_envelope_sender="});
  ASSERT_TRUE(cleared.ok()) << cleared.status().ToString();
  EXPECT_EQ(cleared->config.reply_envelope_sender, "");
}

TEST(CommandLine, NonRepeatableFlagTwiceIsAnError) {
  Result<CommandLine> parsed = Parse({"--pid_file=a", "--pid_file=b"}, kFlags);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(), "--pid_file: given more than once");
}

TEST(CommandLine, SwitchWithAValueIsAnError) {
  EXPECT_FALSE(Parse({"--foreground=yes"}, kFlags).ok());
}

TEST(CommandLine, UnknownOptionIsAnError) {
  Result<CommandLine> parsed = Parse({"--no_such_thing=1"});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(), "unknown option '--no_such_thing'");
  EXPECT_EQ(Parse({"--foo", "1"}).status().message(), "unknown option '--foo'");
}

TEST(CommandLine, AbbreviationsAreNotGuessed) {
  EXPECT_FALSE(Parse({"--period_def=1d"}).ok());
  EXPECT_FALSE(Parse({"--smtp_p", "26"}).ok());
}

TEST(CommandLine, OptionWithoutItsValueIsAnError) {
  Result<CommandLine> parsed = Parse({"--max_received"});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(), "option '--max_received' needs a value");
}

TEST(CommandLine, SettingGivenTwiceIsAnError) {
  Result<CommandLine> parsed = Parse({"--max_received=3", "--max_received=4"});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(),
            "--max_received: given more than once (first at --max_received)");
}

TEST(CommandLine, BadValueNamesTheOption) {
  Result<CommandLine> parsed = Parse({"--period_min", "soon"});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message(),
            "--period_min: not a duration: 'soon' (use e.g. 90s, 15m, 12h, 7d, 2w)");
}

TEST(CommandLine, ProgramFlagMayNotShadowASetting) {
  Result<CommandLine> parsed = Parse({}, {{"max_received", "clash", true, false}});
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("clashes"), std::string::npos);
}

TEST(CommandLine, NullArgvEntryDoesNotCrash) {
  const char* argv[] = {"prog", nullptr};
  Result<CommandLine> parsed = ParseCommandLine(2, argv, {}, testing_support::MissingPath());
  EXPECT_TRUE(parsed.ok());
}

TEST(ParseFlags, CollectsFlagsAndEveryPositionalInOrder) {
  Result<CommandLine> parsed = ParseFlags(
      {"alice@example.com", "--tag", "x", "bob@example.com", "--foreground", "--", "--tag"},
      kFlags);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->positional,
            (std::vector<std::string>{"alice@example.com", "bob@example.com", "--tag"}));
  EXPECT_EQ(parsed->Flag("tag"), "x");
  EXPECT_TRUE(parsed->Has("foreground"));
  EXPECT_FALSE(parsed->help);
}

TEST(ParseFlags, UnknownFlagAndHelp) {
  EXPECT_FALSE(ParseFlags({"--nope"}, kFlags).ok());
  EXPECT_FALSE(ParseFlags({"--max_received=3"}, kFlags).ok());  // settings are not subcommand flags
  EXPECT_TRUE(ParseFlags({"-h"}, kFlags)->help);
}

TEST(ParseFlags, FlagMissingItsValue) {
  Result<CommandLine> parsed = ParseFlags({"--pid_file"}, kFlags);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("pid_file"), std::string::npos);
}

}  // namespace
}  // namespace ar
