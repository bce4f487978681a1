// autoresponder-ctl(8) documents every command and every flag of `ooo set`:
// adding a flag to RuleSetFlags() without documenting it fails here.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "ctl/command_context.h"
#include "ctl/rule_flags.h"

namespace ar {
namespace {

// The page with roff's escaped hyphens turned back into plain ones.
std::string ManPage() {
  std::ifstream in(std::string(AR_SOURCE_DIR) + "/man/autoresponder-ctl.8");
  std::stringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  std::string plain;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '-') continue;
    plain += text[i];
  }
  return plain;
}

TEST(CtlManPage, DocumentsEveryFlagOfOooSet) {
  const std::string page = ManPage();
  ASSERT_FALSE(page.empty());
  for (const ProgramFlag& flag : RuleSetFlags()) {
    // A tagged paragraph of its own: ".TP" then the flag, alone or with
    // its argument.
    const std::string tag = ".TP\n.B";
    const bool documented = page.find(tag + " --" + flag.name + "\n") != std::string::npos ||
                            page.find(tag + "I --" + flag.name + " ") != std::string::npos ||
                            page.find(tag + "R --" + flag.name + " ") != std::string::npos;
    EXPECT_TRUE(documented) << flag.name;
    EXPECT_NE(UsageText().find("--" + flag.name), std::string::npos) << flag.name;
  }
}

TEST(CtlManPage, DocumentsEveryCommandAndExitStatus) {
  const std::string page = ManPage();
  for (const char* heading : {".SS ooo set", ".SS ooo show", ".SS ooo list", ".SS ooo off",
                              ".SS ooo on", ".SS ooo clear", ".SS queue list", ".SS queue failed",
                              ".SS sequence list", ".SS sequence show", ".SS sequence enrol",
                              ".SS sequence unenrol", ".SS sequence migrate",
                              ".SS sequence render", ".SS sequence preview", ".SS doctor",
                              ".SS person show", ".SS suppression list",
                              ".SS suppression add", ".SS suppression remove", ".SS schedule",
                              ".SS coupon verify", ".SS explain", ".SS stats",
                              ".SS store-error [clear]", ".SH WHEN", ".SH EXIT STATUS",
                              ".SH EXAMPLES", ".SH SEE ALSO"}) {
    EXPECT_NE(page.find(heading), std::string::npos) << heading;
  }
}

}  // namespace
}  // namespace ar
