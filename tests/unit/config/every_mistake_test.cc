// --check-config's promise: every mistake in a config file is reported at
// once, one "FILE:LINE: what" line each, not only the first.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/config_file.h"
#include "config/options_table.h"
#include "config_test_support.h"
#include "core/strings.h"

namespace ar {
namespace {

using testing_support::WriteConfigFile;

Result<CommandLine> ParseCollecting(const std::vector<std::string>& args,
                                    std::vector<std::string>* errors) {
  std::vector<const char*> argv = {"prog"};
  for (const std::string& a : args) argv.push_back(a.c_str());
  return ParseCommandLine(static_cast<int>(argv.size()), argv.data(), {},
                          testing_support::MissingPath(), errors);
}

// Four different kinds of mistake on four lines, good lines in between.
const char kFourMistakes[] =
    "# comment\n"
    "max_received = 5\n"
    "this line has no equals sign\n"
    "no_such_option = 1\n"
    "period_min = soon\n"
    "log_level = debug\n"
    "log_level = info\n";

TEST(EveryMistake, ParseConfigTextGoesOnAfterABadLine) {
  std::vector<std::string> errors;
  std::vector<OptionAssignment> assignments =
      ParseConfigText("a = 1\nbroken\n= 2\nb = 3\n", "f.conf", &errors);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0], "f.conf:2: expected 'name = value', found no '='");
  EXPECT_EQ(errors[1], "f.conf:3: no option name before '='");
  ASSERT_EQ(assignments.size(), 2u);
  EXPECT_EQ(assignments[1].place, "f.conf:4");
}

TEST(EveryMistake, FourMistakesOnFourLinesGiveFourPlacedLines) {
  std::string path = WriteConfigFile("four-mistakes.conf", kFourMistakes);
  Result<CommandLine> parsed = testing_support::Parse({"--config", path});
  ASSERT_FALSE(parsed.ok());
  std::vector<std::string> lines = SplitTrimmed(parsed.status().message(), '\n');
  ASSERT_EQ(lines.size(), 4u) << parsed.status().message();
  for (const char* expected : {":3: expected 'name = value'", ":4: unknown option 'no_such_option'",
                               ":5: period_min: ", ":7: log_level: given more than once"}) {
    bool found = false;
    for (const std::string& line : lines)
      found |= line.rfind(path + expected, 0) == 0;
    EXPECT_TRUE(found) << "no line starts with " << path << expected << " in\n"
                       << parsed.status().message();
  }
  // In line order, though they are found option by option.
  EXPECT_EQ(lines[2].rfind(path + ":5: ", 0), 0u) << parsed.status().message();
  EXPECT_EQ(lines[3].rfind(path + ":7: ", 0), 0u) << parsed.status().message();
}

TEST(EveryMistake, CollectingVariantKeepsTheGoodSettings) {
  std::string path = WriteConfigFile("four-mistakes-kept.conf", kFourMistakes);
  std::vector<std::string> errors;
  Result<CommandLine> parsed = ParseCollecting({"--config", path, "--retry_base=x"}, &errors);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(errors.size(), 5u);
  EXPECT_EQ(parsed->config.policy.max_received, 5);
  EXPECT_EQ(parsed->config.log_level, "debug");
  EXPECT_EQ(parsed->config.config_file, path);
  bool flag_named = false;
  for (const std::string& e : errors) flag_named |= e.rfind("--retry_base: ", 0) == 0;
  EXPECT_TRUE(flag_named);
}

TEST(EveryMistake, CrossSettingCheckIsReportedAlongsideValueErrors) {
  std::string path = WriteConfigFile("cross.conf",
                                     "period_min = 10d\n"
                                     "period_default = 2d\n"
                                     "max_received = lots\n");
  Result<CommandLine> parsed = testing_support::Parse({"--config", path});
  ASSERT_FALSE(parsed.ok());
  std::vector<std::string> lines = SplitTrimmed(parsed.status().message(), '\n');
  ASSERT_EQ(lines.size(), 2u) << parsed.status().message();
  // The later of the two settings is blamed; lines come in line order.
  EXPECT_EQ(lines[0].rfind(path + ":2: ", 0), 0u) << lines[0];
  EXPECT_NE(lines[0].find("period_default"), std::string::npos) << lines[0];
  EXPECT_EQ(lines[1].rfind(path + ":3: max_received: ", 0), 0u) << lines[1];
}

TEST(EveryMistake, CrossSettingCheckIsSkippedWhenItsOwnValueWasBad) {
  // period_min's bad value leaves the default, which may not fit
  // period_default: only the cause is worth a line.
  std::string path = WriteConfigFile("cause-only.conf",
                                     "period_min = soon\n"
                                     "period_default = 1s\n");
  Result<CommandLine> parsed = testing_support::Parse({"--config", path});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(SplitTrimmed(parsed.status().message(), '\n').size(), 1u)
      << parsed.status().message();
}

TEST(EveryMistake, ValidFileHasNoErrors) {
  std::string path = WriteConfigFile("valid.conf", "max_received = 7\n");
  std::vector<std::string> errors;
  Result<CommandLine> parsed = ParseCollecting({"--config", path}, &errors);
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(parsed->config.policy.max_received, 7);
}

}  // namespace
}  // namespace ar
