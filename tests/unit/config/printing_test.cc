#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "config/options_table.h"
#include "config_test_support.h"

namespace ar {
namespace {

using testing_support::Parse;
using testing_support::WriteConfigFile;

// "name = value" lines -> name -> count.
std::map<std::string, int> NamesIn(const std::string& text) {
  std::map<std::string, int> names;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    size_t equals = line.find(" =");
    if (equals != std::string::npos) ++names[line.substr(0, equals)];
  }
  return names;
}

TEST(PrintDefaults, ListsEveryOptionExactlyOnceInTableOrder) {
  std::string text = PrintDefaults();
  std::map<std::string, int> names = NamesIn(text);
  EXPECT_EQ(names.size(), OptionsTable().size());
  size_t position = 0;
  for (const OptionInfo& info : OptionsTable()) {
    EXPECT_EQ(names[info.name], 1) << info.name;
    size_t at = text.find(info.name + " =", position);
    EXPECT_NE(at, std::string::npos) << info.name << " out of order";
    position = at;
  }
  EXPECT_NE(text.find("period_default = 7d\n"), std::string::npos);
  EXPECT_NE(text.find("reply_envelope_sender =\n"), std::string::npos);
  EXPECT_NE(text.find("spam_header = X-Spam-Flag: YES\n"), std::string::npos);
}

TEST(PrintDefaults, LoadsBackAsTheDefaults) {
  std::string path = WriteConfigFile("printed-defaults.conf", PrintDefaults());
  Result<CommandLine> parsed = Parse({"--config", path});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(PrintNonDefaults(parsed->config), "");
}

TEST(PrintNonDefaults, EmptyForTheDefaults) { EXPECT_EQ(PrintNonDefaults(DefaultConfig()), ""); }

TEST(PrintNonDefaults, ListsOnlyChangedSettings) {
  Result<CommandLine> parsed =
      Parse({"--period_default=3d", "--internal_domain=a.example", "--internal_domain=b.example",
             "--sendmail_arg=-C /etc/postfix-out", "--reply_envelope_sender=bounce@example.com"});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(PrintNonDefaults(parsed->config),
            "reply_envelope_sender = bounce@example.com\n"
            "internal_domain = a.example, b.example\n"
            "period_default = 3d\n"
            "sendmail_arg = -C /etc/postfix-out\n");
}

TEST(PrintNonDefaults, ShowsAnEmptiedListAsAnEmptyValue) {
  Config config = DefaultConfig();
  config.policy.ignored_sender_patterns.clear();
  EXPECT_EQ(PrintNonDefaults(config), "ignored_sender =\n");
}

TEST(PrintNonDefaults, RoundTripsThroughAConfigFile) {
  Result<CommandLine> first =
      Parse({"--milter_socket=unix:/run/ar.sock", "--on_internal_error=tempfail",
             "--spam_header=X-Spam: yes, X-Virus: infected", "--ignored_sender=bounce-*",
             "--store_map_size=3M", "--transport=smtp", "--smtp_port=10026", "--retry_base=90s",
             "--loop_marker_header=X-Loop-Guard", "--require_authenticated_sender=yes",
             "--trusted_authserv_id=mx.example.com"});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  std::string printed = PrintNonDefaults(first->config);
  std::string path = WriteConfigFile("round-trip.conf", printed);
  Result<CommandLine> second = Parse({"--config", path});
  ASSERT_TRUE(second.ok()) << second.status().ToString() << "\n" << printed;
  EXPECT_EQ(PrintNonDefaults(second->config), printed);
  EXPECT_EQ(NamesIn(printed).size(), 11u);
}

TEST(HelpText, NamesTheProgramItsFlagsAndEverySetting) {
  std::string help =
      HelpText("autoresponder-dispatcher", {{"once", "Send what is due and exit.", false, false}});
  EXPECT_EQ(help.rfind("Usage: autoresponder-dispatcher [options]\n", 0), 0u);
  EXPECT_NE(help.find("--once"), std::string::npos);
  EXPECT_NE(help.find("Send what is due and exit."), std::string::npos);
  EXPECT_NE(help.find("--config FILE"), std::string::npos);
  // Descriptions are wrapped; compare with runs of blanks and newlines as one space.
  std::string flowed;
  for (char c : help) {
    bool blank = c == ' ' || c == '\n';
    if (!blank) {
      flowed += c;
    } else if (!flowed.empty() && flowed.back() != ' ') {
      flowed += ' ';
    }
  }
  for (const OptionInfo& info : OptionsTable()) {
    EXPECT_NE(help.find("--" + info.name + " VALUE"), std::string::npos) << info.name;
    EXPECT_NE(flowed.find(info.description), std::string::npos) << info.name;
  }
}

TEST(HelpText, FitsAnEightyColumnTerminalExceptForLongWords) {
  std::istringstream in(HelpText("autoresponder-milter", {}));
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() >= 80) {
      EXPECT_EQ(line.find(' ', 36), std::string::npos) << line;
    }
  }
}

}  // namespace
}  // namespace ar
