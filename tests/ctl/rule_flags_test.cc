#include "ctl/rule_flags.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <sstream>

namespace ar {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Files the fake reader knows; anything else is an I/O error.
struct FakeFiles {
  std::map<std::string, std::string> files;
  std::vector<std::string> read;
  TextFileReader Reader() {
    return [this](const std::string& path) -> Result<std::string> {
      read.push_back(path);
      auto it = files.find(path);
      if (it == files.end()) return Status::IoError("cannot open '" + path + "'");
      return it->second;
    };
  }
};

Result<RuleEdits> Edits(const std::vector<std::string>& args,
                        const std::optional<OutOfOfficeRule>& existing = std::nullopt,
                        FakeFiles* files = nullptr) {
  FakeFiles none;
  auto flags = ParseFlags(args, RuleSetFlags());
  EXPECT_TRUE(flags.ok()) << flags.status().ToString();
  if (!flags.ok()) return flags.status();
  return RuleEditsFromFlags(*flags, existing, (files ? files : &none)->Reader());
}

TEST(RuleFlags, NothingGivenChangesNothing) {
  auto edits = Edits({"ole@example.no"});
  ASSERT_TRUE(edits.ok());
  EXPECT_FALSE(edits->text_body || edits->aliases || edits->subject || edits->period ||
               edits->start || edits->end || edits->time_zone || edits->reply_to_external ||
               edits->html_body || edits->internal_text_body || edits->display_name);
}

TEST(RuleFlags, EveryValueFlagLandsInItsField) {
  auto edits = Edits({"ole@example.no", "--alias", "a@example.no", "--alias", "b@example.no",
                      "--name", "Ole Hansen", "--subject", "Ferie", "--text", "Borte.",
                      "--internal-text", "Ring.", "--period", "3d", "--external", "none"});
  ASSERT_TRUE(edits.ok()) << edits.status().ToString();
  EXPECT_THAT(*edits->aliases, ElementsAre("a@example.no", "b@example.no"));
  EXPECT_EQ(*edits->display_name, "Ole Hansen");
  EXPECT_EQ(*edits->subject, "Ferie");
  EXPECT_EQ(*edits->text_body, "Borte.");
  EXPECT_EQ(*edits->internal_text_body, "Ring.");
  EXPECT_EQ(*edits->period, Seconds(3 * 86400));
  EXPECT_FALSE(*edits->reply_to_external);
}

TEST(RuleFlags, TextsComeFromFiles) {
  FakeFiles files;
  files.files = {{"/t.txt", "Fra fil."}, {"/h.html", "<p>Fra fil.</p>"}, {"/i.txt", "Intern."}};
  auto edits = Edits({"--text-file", "/t.txt", "--html-file", "/h.html", "--internal-text-file",
                      "/i.txt", "ole@example.no"},
                     std::nullopt, &files);
  ASSERT_TRUE(edits.ok()) << edits.status().ToString();
  EXPECT_EQ(*edits->text_body, "Fra fil.");
  EXPECT_EQ(*edits->html_body, "<p>Fra fil.</p>");
  EXPECT_EQ(*edits->internal_text_body, "Intern.");
}

TEST(RuleFlags, UnreadableFileIsAnIoErrorNamingTheFlag) {
  FakeFiles files;
  auto edits = Edits({"--text-file", "/missing", "a@example.org"}, std::nullopt, &files);
  ASSERT_FALSE(edits.ok());
  EXPECT_EQ(edits.status().code(), Status::Code::kIoError);
  EXPECT_THAT(edits.status().message(), HasSubstr("--text-file"));
}

TEST(RuleFlags, TextAndTextFileTogetherAreRefused) {
  FakeFiles files;
  files.files = {{"/t", "x"}};
  auto edits = Edits({"--text", "a", "--text-file", "/t", "a@example.org"}, std::nullopt, &files);
  ASSERT_FALSE(edits.ok());
  EXPECT_EQ(edits.status().code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(files.read.empty());
}

TEST(RuleFlags, RemovalSwitchesClearTheirFields) {
  auto edits = Edits({"a@example.org", "--no-aliases", "--no-html", "--no-internal-text"});
  ASSERT_TRUE(edits.ok());
  EXPECT_TRUE(edits->aliases->empty());
  EXPECT_EQ(*edits->html_body, "");
  EXPECT_EQ(*edits->internal_text_body, "");
  EXPECT_FALSE(Edits({"a@example.org", "--alias", "x@example.org", "--no-aliases"}).ok());
}

TEST(RuleFlags, StartAndEndAreReadInTheGivenZone) {
  auto edits = Edits(
      {"a@example.org", "--tz", "Europe/Oslo", "--start", "2026-12-20", "--end", "2027-01-03"});
  ASSERT_TRUE(edits.ok()) << edits.status().ToString();
  EXPECT_EQ(*edits->time_zone, "Europe/Oslo");
  EXPECT_EQ(FormatIsoUtc(**edits->start), "2026-12-19T23:00:00Z");
  EXPECT_EQ(FormatIsoUtc(**edits->end), "2027-01-03T23:00:00Z");
}

TEST(RuleFlags, WithoutTzTheStoredZoneIsUsed) {
  OutOfOfficeRule stored;
  stored.address = "a@example.org";
  stored.time_zone = "America/New_York";
  auto edits = Edits({"a@example.org", "--end", "2026-07-10T17:00"}, stored);
  ASSERT_TRUE(edits.ok());
  EXPECT_FALSE(edits->time_zone.has_value());
  EXPECT_EQ(FormatIsoUtc(**edits->end), "2026-07-10T21:00:00Z");
  // No stored zone and no --tz: UTC.
  auto utc = Edits({"a@example.org", "--end", "2026-07-10T17:00"});
  ASSERT_TRUE(utc.ok());
  EXPECT_EQ(FormatIsoUtc(**utc->end), "2026-07-10T17:00:00Z");
}

TEST(RuleFlags, NoneRemovesABound) {
  auto edits = Edits({"a@example.org", "--start", "none", "--end", "NONE"});
  ASSERT_TRUE(edits.ok());
  ASSERT_TRUE(edits->start.has_value());
  EXPECT_FALSE(edits->start->has_value());
  ASSERT_TRUE(edits->end.has_value());
  EXPECT_FALSE(edits->end->has_value());
}

TEST(RuleFlags, BadValuesAreInvalidArgumentsNamingTheFlag) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"a@example.org", "--tz", "Mars/Olympus_Mons"}, "--tz"},
      {{"a@example.org", "--start", "soon"}, "--start"},
      {{"a@example.org", "--end", "2026-02-30"}, "--end"},
      {{"a@example.org", "--period", "a week"}, "--period"},
      {{"a@example.org", "--period", "0"}, "--period"},
      {{"a@example.org", "--external", "some"}, "--external"},
  };
  for (const auto& [args, flag] : cases) {
    auto edits = Edits(args);
    ASSERT_FALSE(edits.ok()) << args[1];
    EXPECT_EQ(edits.status().code(), Status::Code::kInvalidArgument) << args[1];
    EXPECT_THAT(edits.status().message(), HasSubstr(flag));
  }
}

TEST(RuleFlags, ReadTextFileReadsStandardInputForDash) {
  std::istringstream in("Hei fra stdin.\n");
  auto text = ReadTextFile("-", in, 1000);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "Hei fra stdin.\n");
}

TEST(RuleFlags, ReadTextFileRefusesMoreThanTheLimit) {
  std::istringstream in(std::string(20000, 'x'));
  auto text = ReadTextFile("-", in, 10000);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().code(), Status::Code::kInvalidArgument);
}

TEST(RuleFlags, ReadTextFileReportsAMissingFile) {
  std::istringstream in;
  auto text = ReadTextFile(::testing::TempDir() + "/no-such-file.txt", in, 1000);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().code(), Status::Code::kIoError);
}

}  // namespace
}  // namespace ar
