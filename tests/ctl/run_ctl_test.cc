// RunCtl in-process: exit codes, what goes to stdout and stderr, standard
// input for --text-file -. The real binary is exercised in
// ctl_binary_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "ctl/command_dispatch.h"
#include "ctl_test_support.h"
#include "store/store.h"

namespace ar {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

// 2026-12-21T12:00:00Z.
constexpr int64_t kNow = 1797854400;

using CtlRun = CtlResult;

class RunCtlTest : public ::testing::Test {
 protected:
  CtlSandbox sandbox_{kNow};

  CtlRun Ctl(std::vector<std::string> args, const std::string& input = "") {
    return RunCtlIn(sandbox_, args, input);
  }
};

TEST_F(RunCtlTest, NoCommandIsAUsageError) {
  CtlRun run = Ctl({});
  EXPECT_EQ(run.code, 2);
  EXPECT_THAT(run.out, IsEmpty());
  EXPECT_THAT(run.err, HasSubstr("no command"));
  EXPECT_THAT(run.err, HasSubstr("Usage: autoresponder-ctl"));
}

TEST_F(RunCtlTest, HelpPrintsTheUsageAndSucceeds) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--help"}, {"help"}, {"ooo", "set", "--help"}, {"queue", "--help"}}) {
    CtlRun run = Ctl(args);
    EXPECT_EQ(run.code, 0) << args[0];
    EXPECT_THAT(run.out, StartsWith("Usage: autoresponder-ctl"));
  }
}

TEST_F(RunCtlTest, UsageErrorsExitTwoAndPrintOneLineAndAHint) {
  const std::vector<std::vector<std::string>> cases = {
      {"frobnicate"},
      {"ooo"},
      {"ooo", "dance", "a@example.org"},
      {"ooo", "set"},
      {"ooo", "set", "a@example.org", "b@example.org", "--text", "x"},
      {"ooo", "set", "a@example.org", "--text", "x", "--colour", "red"},
      {"ooo", "set", "a@example.org", "--text", "x", "--tz", "Europe/Atlantis"},
      {"ooo", "set", "a@example.org", "--text", "x", "--start", "2026-13-01"},
      {"ooo", "set", "a@example.org", "--text", "p\xE5 ferie"},
      {"ooo", "set", "not-an-address", "--text", "x"},
      {"ooo", "set", "a@example.org"},
      {"ooo", "show"},
      {"ooo", "list", "extra"},
      {"queue", "list", "--limit", "many"},
      {"queue", "purge"},
  };
  for (const auto& args : cases) {
    CtlRun run = Ctl(args);
    EXPECT_EQ(run.code, 2) << ::testing::PrintToString(args);
    EXPECT_THAT(run.out, IsEmpty()) << ::testing::PrintToString(args);
    EXPECT_THAT(run.err, ::testing::MatchesRegex("autoresponder-ctl: [^\n]+\nTry "
                                                 "'autoresponder-ctl --help' for more "
                                                 "information.\n"))
        << ::testing::PrintToString(args);
  }
}

TEST_F(RunCtlTest, UnknownGlobalOptionIsAUsageError) {
  CtlRun run = Ctl({"--no_such_option", "1", "ooo", "list"});
  EXPECT_EQ(run.code, 2);
}

TEST_F(RunCtlTest, UsageErrorCreatesNoStore) {
  Ctl({"ooo", "set", "a@example.org", "--text", "x", "--tz", "Nowhere/Land"});
  EXPECT_FALSE(std::filesystem::exists(sandbox_.store + "/data.mdb"));
}

TEST_F(RunCtlTest, TextFileDashReadsStandardInput) {
  CtlRun set =
      Ctl({"ooo", "set", "ole@example.no", "--text-file", "-"}, "Jeg er på ferie.\nHilsen Ole\n");
  ASSERT_EQ(set.code, 0) << set.err;
  CtlRun show = Ctl({"ooo", "show", "ole@example.no"});
  ASSERT_EQ(show.code, 0);
  EXPECT_THAT(show.out, HasSubstr("    Jeg er på ferie.\n    Hilsen Ole\n"));
}

TEST_F(RunCtlTest, ClampedPeriodIsSetWithAWarning) {
  CtlRun set = Ctl({"ooo", "set", "a@example.org", "--text", "x", "--period", "90d"});
  ASSERT_EQ(set.code, 0) << set.err;
  EXPECT_THAT(set.err, HasSubstr("warning: period 90d is above period_max; using 30d"));
  EXPECT_THAT(Ctl({"ooo", "show", "a@example.org"}).out, HasSubstr("period: 30d\n"));
}

TEST_F(RunCtlTest, DefaultPeriodComesFromTheConfiguration) {
  CtlRun set = Ctl({"--period_default", "3d", "ooo", "set", "a@example.org", "--text", "x"});
  ASSERT_EQ(set.code, 0) << set.err;
  EXPECT_THAT(Ctl({"ooo", "show", "a@example.org"}).out, HasSubstr("period: 3d\n"));
}

TEST_F(RunCtlTest, MissingRuleIsAFailure) {
  for (const char* command : {"show", "off", "on", "clear"}) {
    CtlRun run = Ctl({"ooo", command, "nobody@example.org"});
    EXPECT_EQ(run.code, 1) << command;
    EXPECT_THAT(run.err, HasSubstr("no rule for nobody@example.org")) << command;
  }
}

TEST_F(RunCtlTest, UnreadableTextFileIsAFailure) {
  CtlRun run =
      Ctl({"ooo", "set", "a@example.org", "--text-file", sandbox_.root.string() + "/missing.txt"});
  EXPECT_EQ(run.code, 1);
  EXPECT_THAT(run.err, HasSubstr("--text-file"));
}

TEST_F(RunCtlTest, AliasOfAnotherRuleIsRefusedByTheStore) {
  ASSERT_EQ(
      Ctl({"ooo", "set", "a@example.org", "--text", "x", "--alias", "shared@example.org"}).code, 0);
  CtlRun run = Ctl({"ooo", "set", "b@example.org", "--text", "y", "--alias", "shared@example.org"});
  EXPECT_NE(run.code, 0);
  EXPECT_EQ(Ctl({"ooo", "show", "b@example.org"}).code, 1);
}

TEST_F(RunCtlTest, ActiveNowFollowsTheInjectedClock) {
  ASSERT_EQ(Ctl({"ooo", "set", "ole@example.no", "--text", "x", "--tz", "Europe/Oslo", "--start",
                 "2026-12-24", "--end", "2026-12-31"})
                .code,
            0);
  EXPECT_THAT(Ctl({"ooo", "show", "ole@example.no"}).out,
              HasSubstr("active now: no: starts 2026-12-24 00:00:00 CET"));
  sandbox_.SetNow(kNow + 5 * 86400);
  EXPECT_THAT(Ctl({"ooo", "show", "ole@example.no"}).out,
              HasSubstr("active now: yes: until 2027-01-01 00:00:00 CET"));
  sandbox_.SetNow(kNow + 20 * 86400);
  EXPECT_THAT(Ctl({"ooo", "show", "ole@example.no"}).out,
              HasSubstr("active now: no: ended 2027-01-01 00:00:00 CET"));
}

TEST_F(RunCtlTest, EmptyQueueListsNothing) {
  CtlRun list = Ctl({"queue", "list"});
  EXPECT_EQ(list.code, 0) << list.err;
  EXPECT_THAT(list.out, IsEmpty());
  CtlRun failed = Ctl({"queue", "failed", "--limit", "5"});
  EXPECT_EQ(failed.code, 0) << failed.err;
  EXPECT_THAT(failed.out, IsEmpty());
}

}  // namespace
}  // namespace ar

namespace ar {
namespace {

// Puts one reply in the queue and one in the failed list, then closes the
// store (LMDB allows one open environment per process and path).
void SeedQueue(const std::string& store_path) {
  StoreOptions options;
  options.path = store_path;
  auto store = Store::Open(options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto reply = [](const std::string& to) {
    NewReply r;
    r.user = "ole@example.no";
    r.generation = 1;
    r.dedupe_sender = to;
    r.period = Seconds(86400);
    r.envelope_recipient = to;
    r.message_id = "<1@example.no>";
    r.message = "Subject: x\r\n\r\nx\r\n";
    r.due = FromUnixSeconds(kNow + 60);
    r.origin_queue_id = "4XyZ";
    return r;
  };
  auto queued = (*store)->Enqueue({reply("kari@example.org"), reply("per@example.org")},
                                  FromUnixSeconds(kNow));
  ASSERT_TRUE(queued.ok()) << queued.status().ToString();
  ASSERT_EQ(queued->size(), 2u);
  ASSERT_TRUE((*queued)[1].queued);
  ASSERT_TRUE(
      (*store)->MarkFailed((*queued)[1].id, FromUnixSeconds(kNow), "550 no such user").ok());
}

TEST_F(RunCtlTest, QueueListShowsDueIdRecipientUserAttemptsAndError) {
  SeedQueue(sandbox_.store);
  CtlRun list = Ctl({"queue", "list"});
  ASSERT_EQ(list.code, 0) << list.err;
  EXPECT_THAT(list.out, ::testing::MatchesRegex("DUE\tID\tRECIPIENT\tUSER\tATTEMPTS\tSTATE\t"
                                                "ORIGIN\tLAST_ERROR\n"
                                                "2026-12-21T12:01:00Z\t[0-9]+\tkari@example.org\t"
                                                "ole@example.no\t0\twaiting\t4XyZ\t-\n"));
  CtlRun failed = Ctl({"queue", "failed"});
  ASSERT_EQ(failed.code, 0) << failed.err;
  EXPECT_THAT(failed.out, HasSubstr("\tper@example.org\tole@example.no\t"));
  EXPECT_THAT(failed.out, HasSubstr("550 no such user"));
}

}  // namespace
}  // namespace ar

namespace ar {
namespace {

TEST_F(RunCtlTest, AnAliasIsNotARuleButTheMessageNamesItsOwner) {
  ASSERT_EQ(Ctl({"ooo", "set", "ole@example.no", "--text", "x", "--alias", "post@example.no"}).code,
            0);
  for (const char* command : {"show", "off", "on", "clear"}) {
    CtlRun run = Ctl({"ooo", command, "Post@Example.no"});
    EXPECT_EQ(run.code, 1) << command;
    EXPECT_THAT(run.err, HasSubstr("no rule for post@example.no (it is an alias of "
                                   "ole@example.no)"))
        << command;
  }
  EXPECT_EQ(Ctl({"ooo", "show", "ole@example.no"}).code, 0);
}

}  // namespace
}  // namespace ar
