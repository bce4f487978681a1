// The installed program end to end: autoresponder-ctl (path from the build,
// AR_CTL_BINARY) against a store in a temporary directory, through a shell so
// that the exit status and stdout are exactly what an operator sees.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <utility>
#include <fstream>
#include <sstream>

#include "ctl_test_support.h"

namespace ar {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// 2026-12-21T12:00:00Z, a Monday in the Oslo winter.
constexpr int64_t kNow = 1797854400;

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct CtlRun {
  int code = -1;
  std::string out;
  std::string err;
};

class CtlBinaryTest : public ::testing::Test {
 protected:
  CtlSandbox sandbox_{kNow};

  CtlRun Ctl(const std::vector<std::string>& args) {
    std::string command = ShellQuote(AR_CTL_BINARY) + " --config " + ShellQuote(sandbox_.config) +
                          " --store_path " + ShellQuote(sandbox_.store) + " --clock " +
                          ShellQuote("file:" + sandbox_.clock_file);
    for (const std::string& a : args) command += " " + ShellQuote(a);
    const std::string out = (sandbox_.root / "stdout").string();
    const std::string err = (sandbox_.root / "stderr").string();
    command += " </dev/null >" + ShellQuote(out) + " 2>" + ShellQuote(err);
    const int status = std::system(command.c_str());
    CtlRun run;
    run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.out = ReadAll(out);
    run.err = ReadAll(err);
    return run;
  }
};

TEST_F(CtlBinaryTest, SetShowEditOffOnListClear) {
  const std::string text = sandbox_.WriteFile(
      "ferie.txt", "Hei!\n\nJeg er på ferie til 4. januar og leser ikke e-post.\nHilsen Ole\n");

  // Set a rule for an Oslo vacation.
  CtlRun set = Ctl({"ooo", "set", "Ole@Example.NO", "--alias", "ole.hansen@example.no", "--name",
                    "Ole Hansen", "--subject", "Ferie", "--text-file", text, "--internal-text",
                    "Ring Kari på 555 12 345.", "--tz", "Europe/Oslo", "--start", "2026-12-20",
                    "--end", "2027-01-03"});
  ASSERT_EQ(set.code, 0) << set.err;
  EXPECT_EQ(set.out, "created ole@example.no (generation 1)\n");
  EXPECT_THAT(set.err, IsEmpty());

  // Show it: every field, in UTC and in Oslo time, active now.
  CtlRun show = Ctl({"ooo", "show", "ole@example.no"});
  ASSERT_EQ(show.code, 0) << show.err;
  EXPECT_THAT(show.out, HasSubstr("address: ole@example.no\n"));
  EXPECT_THAT(show.out, HasSubstr("aliases: ole.hansen@example.no\n"));
  EXPECT_THAT(show.out, HasSubstr("state: on\n"));
  EXPECT_THAT(show.out, HasSubstr("active now: yes: until 2027-01-04 00:00:00 CET (+0100)\n"));
  EXPECT_THAT(show.out, HasSubstr("generation: 1\n"));
  EXPECT_THAT(show.out, HasSubstr("name: Ole Hansen\n"));
  EXPECT_THAT(show.out, HasSubstr("subject: Ferie\n"));
  EXPECT_THAT(show.out, HasSubstr("period: 1w\n"));
  EXPECT_THAT(show.out, HasSubstr("start: 2026-12-19T23:00:00Z  (2026-12-20 00:00:00 CET (+0100), "
                                  "Europe/Oslo)\n"));
  EXPECT_THAT(show.out, HasSubstr("end: 2027-01-03T23:00:00Z  (2027-01-04 00:00:00 CET (+0100), "
                                  "Europe/Oslo)\n"));
  EXPECT_THAT(show.out, HasSubstr("    Jeg er på ferie til 4. januar og leser ikke e-post.\n"));
  EXPECT_THAT(show.out, HasSubstr("internal text:\n    Ring Kari på 555 12 345.\n"));

  // Re-setting the same text keeps the generation; a new text bumps it.
  CtlRun same = Ctl({"ooo", "set", "ole@example.no", "--text-file", text, "--subject", "Ferie"});
  ASSERT_EQ(same.code, 0) << same.err;
  EXPECT_EQ(same.out, "updated ole@example.no (generation 1 kept: the same response)\n");
  CtlRun edit = Ctl({"ooo", "set", "ole@example.no", "--text", "Tilbake 5. januar."});
  ASSERT_EQ(edit.code, 0) << edit.err;
  EXPECT_THAT(edit.out, HasSubstr("generation 2: a new response"));
  show = Ctl({"ooo", "show", "ole@example.no"});
  EXPECT_THAT(show.out, HasSubstr("generation: 2\n"));
  EXPECT_THAT(show.out, HasSubstr("    Tilbake 5. januar.\n"));
  EXPECT_THAT(show.out, HasSubstr("subject: Ferie\n"));                  // kept
  EXPECT_THAT(show.out, HasSubstr("aliases: ole.hansen@example.no\n"));  // kept

  // Off, then on again: a new response.
  CtlRun off = Ctl({"ooo", "off", "ole@example.no"});
  ASSERT_EQ(off.code, 0) << off.err;
  EXPECT_EQ(off.out, "ole@example.no is off\n");
  show = Ctl({"ooo", "show", "ole@example.no"});
  EXPECT_THAT(show.out, HasSubstr("state: off\n"));
  EXPECT_THAT(show.out, HasSubstr("active now: no: the rule is off\n"));
  EXPECT_THAT(Ctl({"ooo", "list"}).out, HasSubstr("ole@example.no\toff\t"));
  CtlRun on = Ctl({"ooo", "on", "ole@example.no"});
  ASSERT_EQ(on.code, 0) << on.err;
  EXPECT_THAT(on.out, HasSubstr("generation 3"));
  EXPECT_THAT(Ctl({"ooo", "show", "ole@example.no"}).out, HasSubstr("generation: 3\n"));

  // A second rule, then list both.
  ASSERT_EQ(Ctl({"ooo", "set", "kari@example.no", "--text", "Away."}).code, 0);
  CtlRun list = Ctl({"ooo", "list"});
  ASSERT_EQ(list.code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("ole@example.no\ton\t2026-12-20T00:00+01:00.."
                                  "2027-01-04T00:00+01:00\tole.hansen@example.no\n"));
  EXPECT_THAT(list.out, HasSubstr("kari@example.no\ton\talways\t-\n"));

  // Clear: gone from show and list.
  CtlRun clear = Ctl({"ooo", "clear", "ole@example.no"});
  ASSERT_EQ(clear.code, 0) << clear.err;
  EXPECT_EQ(clear.out, "deleted ole@example.no\n");
  CtlRun gone = Ctl({"ooo", "show", "ole@example.no"});
  EXPECT_EQ(gone.code, 1);
  EXPECT_THAT(gone.out, IsEmpty());
  EXPECT_THAT(gone.err, HasSubstr("no rule for ole@example.no"));
  EXPECT_THAT(Ctl({"ooo", "list"}).out, Not(HasSubstr("ole@example.no")));
}

TEST_F(CtlBinaryTest, UsageErrorExitsTwo) {
  CtlRun run = Ctl({"ooo", "set", "ole@example.no", "--text", "x", "--tz", "Europe/Nowhere"});
  EXPECT_EQ(run.code, 2);
  EXPECT_THAT(run.out, IsEmpty());
  EXPECT_THAT(run.err, HasSubstr("unknown time zone 'Europe/Nowhere'"));
  EXPECT_THAT(run.err, HasSubstr("Try 'autoresponder-ctl --help'"));
  EXPECT_THAT(run.err, Not(HasSubstr("Usage: autoresponder-ctl")));
}

TEST_F(CtlBinaryTest, StoreThatCannotBeOpenedExitsOne) {
  // A regular file where the store directory should be.
  const std::string not_a_dir = sandbox_.WriteFile("file", "x");
  const std::string command = ShellQuote(AR_CTL_BINARY) + " --config " +
                              ShellQuote(sandbox_.config) + " --store_path " +
                              ShellQuote(not_a_dir) + " ooo list >/dev/null 2>&1";
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
}

// --- root on the daemons' store ---

// The user a store may belong to in these tests; nullopt unless root.
std::optional<std::pair<uid_t, gid_t>> OtherUser() {
  struct passwd* nobody = getpwnam("nobody");
  if (geteuid() != 0 || nobody == nullptr) return std::nullopt;
  return std::make_pair(nobody->pw_uid, nobody->pw_gid);
}

uid_t OwnerOf(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? st.st_uid : static_cast<uid_t>(-1);
}

TEST_F(CtlBinaryTest, RootOnAStoreOfAnotherUserLeavesOnlyThatUsersFiles) {
  auto user = OtherUser();
  if (!user) GTEST_SKIP() << "needs root and the user nobody";
  // As tmpfiles.d leaves it: the directory the daemons' user's, private.
  // The clock file is read on every "now", after the switch too.
  chmod(sandbox_.root.c_str(), 0755);
  chmod(sandbox_.clock_file.c_str(), 0644);
  std::filesystem::create_directories(sandbox_.store);
  ASSERT_EQ(chown(sandbox_.store.c_str(), user->first, user->second), 0);
  chmod(sandbox_.store.c_str(), 0700);
  // Root's own file, which that user could not read: read before the switch.
  const std::string text = sandbox_.WriteFile("away.txt", "Away until Monday.\n");
  chmod(text.c_str(), 0600);

  CtlRun set = Ctl({"ooo", "set", "ole@example.no", "--text-file", text});
  ASSERT_EQ(set.code, 0) << set.err;
  for (const char* name : {"data.mdb", "lock.mdb"}) {
    const std::string file = sandbox_.store + "/" + name;
    ASSERT_TRUE(std::filesystem::exists(file)) << file;
    EXPECT_EQ(OwnerOf(file), user->first) << file << " belongs to root";
  }
  CtlRun show = Ctl({"ooo", "show", "ole@example.no"});
  ASSERT_EQ(show.code, 0) << show.err;
  EXPECT_THAT(show.out, HasSubstr("Away until Monday."));
}

TEST_F(CtlBinaryTest, RootRefusesAStoreWhoseFilesAnEarlierRootRunLeftAndNamesTheFix) {
  auto user = OtherUser();
  if (!user) GTEST_SKIP() << "needs root and the user nobody";
  chmod(sandbox_.root.c_str(), 0755);
  // An earlier run as root created the store; then the directory was given
  // to the daemons' user, but not the files in it.
  ASSERT_EQ(Ctl({"ooo", "list"}).code, 0);
  ASSERT_EQ(OwnerOf(sandbox_.store + "/data.mdb"), 0u);
  ASSERT_EQ(chown(sandbox_.store.c_str(), user->first, user->second), 0);

  CtlRun list = Ctl({"ooo", "list"});
  EXPECT_EQ(list.code, 1);
  EXPECT_THAT(list.err, HasSubstr("chown -R nobody: " + sandbox_.store));
  EXPECT_EQ(OwnerOf(sandbox_.store + "/data.mdb"), 0u);  // nothing touched
}

}  // namespace
}  // namespace ar
