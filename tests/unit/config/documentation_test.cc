// The example config file and the man page are written by hand; these tests
// keep them in step with the options table: every option documented, with
// its real default, and nothing documented that the table does not have.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "config/options_table.h"
#include "config_test_support.h"

namespace ar {
namespace {

const std::string kExampleConf = std::string(AR_SOURCE_DIR) + "/conf/autoresponder-milter.conf";
const std::string kManPage = std::string(AR_SOURCE_DIR) + "/man/autoresponder-milter.conf.5";

// The only default that depends on the machine.
const std::string kMachineDependent = "hostname";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

std::set<std::string> TableNames() {
  std::set<std::string> names;
  for (const OptionInfo& info : OptionsTable()) names.insert(info.name);
  return names;
}

std::string DefaultOf(const std::string& name) {
  for (const OptionInfo& info : OptionsTable())
    if (info.name == name) return info.default_value;
  return "<not in table>";
}

TEST(ExampleConf, LoadsCleanlyAndChangesNothing) {
  Result<CommandLine> parsed = testing_support::Parse({"--config", kExampleConf});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->config.config_file, kExampleConf);
  EXPECT_EQ(PrintNonDefaults(parsed->config), "");
}

// Each option appears as one commented-out "#name = default" line.
TEST(ExampleConf, ShowsEveryOptionOnceWithItsDefaultAndNothingElse) {
  std::string text = ReadFile(kExampleConf);
  ASSERT_FALSE(text.empty()) << kExampleConf;
  const std::regex assignment(R"(^#?\s*([A-Za-z0-9_-]+)\s*=\s*(.*?)\s*$)");
  std::map<std::string, int> seen;
  for (const std::string& line : Lines(text)) {
    std::smatch m;
    if (!std::regex_match(line, m, assignment)) continue;
    std::string name = m[1];
    ++seen[name];
    EXPECT_TRUE(TableNames().count(name)) << "documents unknown option: " << line;
    if (name != kMachineDependent) {
      EXPECT_EQ(m[2].str(), DefaultOf(name)) << line;
    }
  }
  for (const std::string& name : TableNames()) EXPECT_EQ(seen[name], 1) << name;
}

// Roff escapes that may appear in a documented default.
std::string Unescape(std::string text) {
  const std::pair<std::string, std::string> escapes[] = {{"\\-", "-"}, {"\\e", "\\"}, {"\\&", ""}};
  for (const auto& [from, to] : escapes) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
      text.replace(at, from.size(), to);
  }
  return text;
}

// Each option is a ".TP" / ".B name" entry whose text says "Default:
// \fBvalue\fR" (or "Default: empty").
TEST(ManPage, DocumentsEveryOptionOnceWithItsDefaultAndNothingElse) {
  std::vector<std::string> lines = Lines(ReadFile(kManPage));
  ASSERT_FALSE(lines.empty()) << kManPage;
  std::map<std::string, int> seen;
  std::map<std::string, std::string> entry_text;
  std::string current;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i] == ".TP" && i + 1 < lines.size() && lines[i + 1].rfind(".B ", 0) == 0) {
      std::string name = Unescape(lines[i + 1].substr(3));
      current = TableNames().count(name) ? name : "";
      // Entries in the OPTIONS section are all settings; others (like files)
      // are skipped by having a name that is not a plain word.
      if (name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string::npos) {
        ++seen[name];
        EXPECT_TRUE(TableNames().count(name)) << "documents unknown option: " << name;
      }
      ++i;
      continue;
    }
    if (lines[i].rfind(".SH", 0) == 0 || lines[i].rfind(".SS", 0) == 0) current.clear();
    if (!current.empty()) entry_text[current] += lines[i] + "\n";
  }
  for (const std::string& name : TableNames()) {
    EXPECT_EQ(seen[name], 1) << name;
    const std::string& text = entry_text[name];
    if (name == kMachineDependent) {
      EXPECT_NE(text.find("gethostname"), std::string::npos) << text;
      continue;
    }
    std::string expected = DefaultOf(name);
    if (expected.empty()) {
      EXPECT_NE(text.find("Default: empty"), std::string::npos) << name << ":\n" << text;
    } else {
      size_t at = text.find("Default: \\fB");
      ASSERT_NE(at, std::string::npos) << name << ":\n" << text;
      at += 12;
      size_t end = text.find("\\fR", at);
      ASSERT_NE(end, std::string::npos) << name;
      EXPECT_EQ(Unescape(text.substr(at, end - at)), expected) << name;
    }
  }
}

}  // namespace
}  // namespace ar
