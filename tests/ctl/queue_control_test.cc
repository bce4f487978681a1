// autoresponder-ctl queue show, delete, retry, hold, release and the
// --json output of the read commands, in-process against a real store.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core/version.h"
#include "ctl_test_support.h"
#include "store/store.h"

namespace ar {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// 2026-12-21T12:00:00Z.
constexpr int64_t kNow = 1797854400;

// A reply as the composer writes it: base64 UTF-8 text, encoded subject.
constexpr char kMessage[] =
    "From: Ole Hansen <ole@example.no>\r\n"
    "To: kari@example.org\r\n"
    "Subject: =?utf-8?B?RnLDpSBrb250b3JldA==?=\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "SmVnIGVyIHDDpSBmZXJpZS4NCg==\r\n";

class QueueControlCtl : public ::testing::Test {
 protected:
  CtlSandbox sandbox_{kNow};

  CtlResult Ctl(const std::vector<std::string>& args) { return RunCtlIn(sandbox_, args); }

  // Queues replies to each recipient (due a minute from now) and returns
  // their ids; the store is closed again (one environment per process).
  std::vector<uint64_t> Seed(const std::vector<std::string>& recipients) {
    StoreOptions options;
    options.path = sandbox_.store;
    auto store = Store::Open(options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    std::vector<NewReply> replies;
    for (const std::string& to : recipients) {
      NewReply r;
      r.user = "ole@example.no";
      r.generation = 1;
      r.dedupe_sender = to;
      r.period = Seconds(86400);
      r.envelope_recipient = to;
      r.message_id = "<1@example.no>";
      r.message = kMessage;
      r.due = FromUnixSeconds(kNow + 3600);
      r.origin_queue_id = "4XyZ" + to.substr(0, 1);
      replies.push_back(r);
    }
    auto queued = (*store)->Enqueue(replies, FromUnixSeconds(kNow));
    EXPECT_TRUE(queued.ok());
    std::vector<uint64_t> ids;
    for (const EnqueueOutcome& o : *queued) ids.push_back(o.id);
    return ids;
  }

  nlohmann::json Json(const std::vector<std::string>& args) {
    CtlResult run = Ctl(args);
    EXPECT_EQ(run.code, 0) << run.err;
    return nlohmann::json::parse(run.out, nullptr, /*allow_exceptions=*/false);
  }
};

TEST_F(QueueControlCtl, ShowPrintsTheEnvelopeOriginAndTheDecodedMessage) {
  const uint64_t id = Seed({"kari@example.org"})[0];
  CtlResult show = Ctl({"queue", "show", std::to_string(id)});
  ASSERT_EQ(show.code, 0) << show.err;
  EXPECT_THAT(show.out, HasSubstr("envelope recipient: kari@example.org\n"));
  EXPECT_THAT(show.out, HasSubstr("origin queue id: 4XyZk\n"));
  EXPECT_THAT(show.out, HasSubstr("attempts: 0\n"));
  EXPECT_THAT(show.out, HasSubstr("Subject: Frå kontoret\n"));
  EXPECT_THAT(show.out, HasSubstr("Jeg er på ferie.\n"));
  CtlResult raw = Ctl({"queue", "show", std::to_string(id), "--raw"});
  EXPECT_THAT(raw.out, HasSubstr("SmVnIGVyIHDDpSBmZXJpZS4NCg=="));

  CtlResult missing = Ctl({"queue", "show", "999"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_THAT(missing.err, HasSubstr("no item 999"));
  EXPECT_EQ(Ctl({"queue", "show", "abc"}).code, 2);
}

TEST_F(QueueControlCtl, HoldReleaseRetryAndDeleteChangeTheQueue) {
  const std::vector<uint64_t> ids = Seed({"kari@example.org", "per@example.org"});
  const std::string a = std::to_string(ids[0]);
  const std::string b = std::to_string(ids[1]);
  ASSERT_EQ(Ctl({"queue", "hold", a}).code, 0);
  EXPECT_THAT(Ctl({"queue", "list"}).out, HasSubstr("\t" + a + "\tkari@example.org\tole@example.no\t0\theld\t4XyZk\t-\n"));
  EXPECT_EQ(Json({"queue", "show", a, "--json"})["state"], "held");

  CtlResult refused = Ctl({"queue", "retry", a});
  EXPECT_EQ(refused.code, 1);
  EXPECT_THAT(refused.err, HasSubstr("held"));
  ASSERT_EQ(Ctl({"queue", "release", a}).code, 0);

  ASSERT_EQ(Ctl({"queue", "retry", b}).code, 0);
  EXPECT_EQ(Json({"queue", "show", b, "--json"})["due"], "2026-12-21T12:00:00Z");
  CtlResult all = Ctl({"queue", "retry", "--all"});
  ASSERT_EQ(all.code, 0) << all.err;
  EXPECT_EQ(all.out, "due now: 1 item\n");

  ASSERT_EQ(Ctl({"queue", "delete", a}).code, 0);
  EXPECT_THAT(Ctl({"queue", "list"}).out, Not(HasSubstr("kari@example.org")));
  EXPECT_EQ(Ctl({"queue", "delete", a}).code, 1);
  EXPECT_EQ(Ctl({"queue", "delete"}).code, 2);
  EXPECT_EQ(Ctl({"queue", "hold", "--all"}).code, 2);
}

TEST_F(QueueControlCtl, DeleteAllFailedEmptiesTheFailedList) {
  const uint64_t id = Seed({"kari@example.org"})[0];
  {
    StoreOptions options;
    options.path = sandbox_.store;
    auto store = Store::Open(options);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->MarkFailed(id, FromUnixSeconds(kNow), "550 no such user").ok());
  }
  EXPECT_EQ(Json({"queue", "failed", "--json"})[0]["last_error"], "550 no such user");
  CtlResult deleted = Ctl({"queue", "delete", "--all-failed"});
  ASSERT_EQ(deleted.code, 0) << deleted.err;
  EXPECT_EQ(deleted.out, "deleted 1 item\n");
  EXPECT_THAT(Ctl({"queue", "failed"}).out, IsEmpty());
}

TEST_F(QueueControlCtl, QueueListJsonHasTheDocumentedFields) {
  Seed({"kari@example.org"});
  nlohmann::json list = Json({"queue", "list", "--json"});
  ASSERT_TRUE(list.is_array());
  ASSERT_EQ(list.size(), 1u);
  for (const char* field : {"id", "kind", "state", "due", "created", "recipient", "sender", "user",
                            "sequence", "step", "attempts", "last_error", "origin_queue_id",
                            "message_id"}) {
    EXPECT_TRUE(list[0].contains(field)) << field;
  }
  EXPECT_EQ(list[0]["kind"], "reply");
  EXPECT_EQ(list[0]["state"], "waiting");
  EXPECT_EQ(list[0]["origin_queue_id"], "4XyZk");
  EXPECT_EQ(list[0]["due"], "2026-12-21T13:00:00Z");
  EXPECT_TRUE(list[0]["last_error"].is_null());
  EXPECT_EQ(Json({"queue", "list", "--json"}).dump(), list.dump());
}

TEST_F(QueueControlCtl, OooJsonListsAndShowsRules) {
  ASSERT_EQ(Ctl({"ooo", "set", "ole@example.no", "--text", "Borte", "--alias", "o@example.no"}).code,
            0);
  nlohmann::json list = Json({"ooo", "list", "--json"});
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["address"], "ole@example.no");
  EXPECT_EQ(list[0]["aliases"], nlohmann::json::array({"o@example.no"}));
  EXPECT_EQ(list[0]["enabled"], true);
  EXPECT_EQ(list[0]["active_now"], true);
  nlohmann::json show = Json({"ooo", "show", "ole@example.no", "--json"});
  EXPECT_EQ(show["text"], "Borte");
  EXPECT_EQ(show["period_seconds"], 7 * 86400);
  EXPECT_THAT(Ctl({"ooo", "list"}).out, ::testing::StartsWith("ADDRESS\tSTATE\tWINDOW\tALIASES\n"));
}

TEST_F(QueueControlCtl, VersionIsTheProjectVersion) {
  CtlResult run = Ctl({"--version"});
  EXPECT_EQ(run.code, 0);
  EXPECT_EQ(run.out, std::string("autoresponder-ctl ") + Version() + "\n");
  const char* argv[] = {"autoresponder-ctl", "--version", nullptr};
  std::istringstream in;
  std::ostringstream out, err;
  EXPECT_EQ(RunCtl(2, argv, in, out, err), 0);
  EXPECT_EQ(out.str(), std::string("autoresponder-ctl ") + Version() + "\n");
}

TEST_F(QueueControlCtl, TheEnvironmentNamesTheConfigWhenNoConfigIsGiven) {
  // A config that moves the store: only read when the variable is honoured.
  const std::string store = (sandbox_.root / "env-store").string();
  const std::string config = sandbox_.WriteFile("env.conf", "store_path = " + store + "\n");
  ::setenv(kConfigEnvironmentVariable, config.c_str(), 1);
  const std::string clock = "file:" + sandbox_.clock_file;
  auto run = [&](std::vector<std::string> args) {
    std::vector<const char*> argv;
    for (const std::string& a : args) argv.push_back(a.c_str());
    argv.push_back(nullptr);
    std::istringstream in;
    std::ostringstream out, err;
    return RunCtl(static_cast<int>(args.size()), argv.data(), in, out, err);
  };
  EXPECT_EQ(run({"autoresponder-ctl", "--clock", clock, "ooo", "set", "a@example.org", "--text",
                 "x"}),
            0);
  EXPECT_TRUE(std::filesystem::exists(store + "/data.mdb"));
  // --config wins over the environment.
  CtlResult named = Ctl({"ooo", "list"});
  EXPECT_EQ(named.code, 0) << named.err;
  EXPECT_THAT(named.out, Not(HasSubstr("a@example.org")));
  // A file the variable names must exist.
  ::setenv(kConfigEnvironmentVariable, (sandbox_.root / "missing.conf").c_str(), 1);
  EXPECT_EQ(run({"autoresponder-ctl", "--clock", clock, "ooo", "list"}), 2);
  ::unsetenv(kConfigEnvironmentVariable);
}

}  // namespace
}  // namespace ar
