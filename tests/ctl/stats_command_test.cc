// `autoresponder-ctl stats` in-process: counters read back from the
// daemons' metrics files, live store gauges, the two output formats, the
// milter's latched store error (stats, store-error) and `queue failed`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "ctl/command_dispatch.h"
#include "ctl_test_support.h"
#include "metrics/counters.h"
#include "metrics/exposition.h"
#include "metrics/metric_samples.h"
#include "metrics/textfile.h"
#include "sequence/sequence_decision.h"
#include "store/store.h"

namespace ar {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int64_t kNow = 1797854400;  // 2026-12-21T12:00:00Z

struct CtlRun {
  int code = -1;
  std::string out;
  std::string err;
};

class StatsCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    milter_file_ = (sandbox_.root / "milter.prom").string();
    store_error_file_ = (sandbox_.root / "store-error").string();
    dispatcher_file_ = (sandbox_.root / "dispatcher.prom").string();
  }

  CtlRun Ctl(std::vector<std::string> args, bool with_metrics_files = true) {
    std::vector<std::string> full = {"autoresponder-ctl",
                                     "--config",
                                     sandbox_.config,
                                     "--store_path",
                                     sandbox_.store,
                                     "--clock",
                                     "file:" + sandbox_.clock_file,
                                     "--store_error_file",
                                     store_error_file_};
    if (with_metrics_files) {
      full.insert(full.end(), {"--milter_metrics_file", milter_file_, "--dispatcher_metrics_file",
                               dispatcher_file_});
    }
    full.insert(full.end(), args.begin(), args.end());
    std::vector<const char*> argv;
    for (const std::string& a : full) argv.push_back(a.c_str());
    argv.push_back(nullptr);
    std::istringstream in;
    std::ostringstream out, err;
    CtlRun run;
    run.code = RunCtl(static_cast<int>(full.size()), argv.data(), in, out, err);
    run.out = out.str();
    run.err = err.str();
    return run;
  }

  // What the two daemons would have written.
  void WriteDaemonFiles() {
    Counters milter;
    milter.CountQueued();
    milter.CountQueued();
    milter.CountSkip(SkipReason::kListHeader);
    ASSERT_TRUE(WriteTextfileAtomically(
                    milter_file_,
                    FormatExposition(CounterSamples(milter.Snapshot(), MetricsProgram::kMilter)))
                    .ok());
    Counters dispatcher;
    dispatcher.CountReply(ReplyOutcome::kSent);
    std::vector<Sample> samples =
        CounterSamples(dispatcher.Snapshot(), MetricsProgram::kDispatcher);
    // A stale gauge the live one must replace.
    StoreStats stale;
    stale.queued = 99;
    for (Sample& s : StoreGaugeSamples(stale, FromUnixSeconds(kNow))) samples.push_back(s);
    ASSERT_TRUE(WriteTextfileAtomically(dispatcher_file_, FormatExposition(samples)).ok());
  }

  Result<std::unique_ptr<Store>> OpenSandboxStore() {
    StoreOptions options;
    options.path = sandbox_.store;
    return Store::Open(options);
  }

  // alice@example.org's out-of-office reply to bob@example.net, due at due.
  static NewReply AwayReplyDue(TimePoint due) {
    NewReply reply;
    reply.user = "alice@example.org";
    reply.dedupe_sender = "bob@example.net";
    reply.period = Seconds(86400);
    reply.envelope_recipient = "bob@example.net";
    reply.message_id = "<r@example.org>";
    reply.message = "Subject: away\r\n\r\nbody\r\n";
    reply.due = due;
    return reply;
  }

  void QueueOneReplyDueAMinuteAgo() {
    auto store = OpenSandboxStore();
    ASSERT_TRUE(store.ok());
    const TimePoint due = FromUnixSeconds(kNow - 60);
    ASSERT_TRUE((*store)->Enqueue({AwayReplyDue(due)}, due).ok());
  }

  // What the milter's StoreErrorLatch writes.
  void LatchStoreError() {
    ASSERT_TRUE(WriteTextfileAtomically(
                    store_error_file_,
                    "first=2026-12-21T03:10:00Z queue_id=4Xk2Ld error=store full: MDB_MAP_FULL\n"
                    "count=12\nlast=2026-12-21T03:12:41Z\n")
                    .ok());
  }

  CtlSandbox sandbox_{kNow};
  std::string store_error_file_;
  std::string milter_file_;
  std::string dispatcher_file_;
};

TEST_F(StatsCommandTest, PrometheusOutputMergesFilesAndLiveGauges) {
  WriteDaemonFiles();
  QueueOneReplyDueAMinuteAgo();
  CtlRun run = Ctl({"stats", "--prometheus"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("autoresponder_decisions_total{reason=\"queued\"} 2\n"));
  EXPECT_THAT(run.out, HasSubstr("autoresponder_decisions_total{reason=\"list-header\"} 1\n"));
  EXPECT_THAT(run.out, HasSubstr("autoresponder_replies_total{outcome=\"queued\"} 2\n"));
  EXPECT_THAT(run.out, HasSubstr("autoresponder_replies_total{outcome=\"sent\"} 1\n"));
  EXPECT_THAT(run.out, HasSubstr("autoresponder_queue_depth 1\n"));
  EXPECT_THAT(run.out, HasSubstr("autoresponder_queue_oldest_due_age_seconds 60\n"));
  EXPECT_THAT(run.out, Not(HasSubstr("autoresponder_queue_depth 99")));
  // Valid exposition, each metric's HELP and TYPE once.
  auto parsed = ParseExposition(run.out);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  size_t types = 0;
  for (size_t at = run.out.find("# TYPE autoresponder_replies_total "); at != std::string::npos;
       at = run.out.find("# TYPE autoresponder_replies_total ", at + 1))
    ++types;
  EXPECT_EQ(types, 1u);
  EXPECT_EQ(run.err, "");
}

TEST_F(StatsCommandTest, HumanOutputGroupsByMetric) {
  WriteDaemonFiles();
  CtlRun run = Ctl({"stats"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("decisions_total:\n  queued "));
  EXPECT_THAT(run.out, HasSubstr("\n  list-header "));
  EXPECT_THAT(run.out, HasSubstr("internal_errors_total:\n  milter "));
  EXPECT_THAT(run.out, HasSubstr("\nqueue_depth "));
  EXPECT_THAT(run.out, Not(HasSubstr("# TYPE")));
  // The replies of both files under one heading.
  EXPECT_EQ(run.out.find("replies_total:"), run.out.rfind("replies_total:"));
}

TEST_F(StatsCommandTest, WithoutMetricsFilesPrintsStoreGaugesAndNotes) {
  CtlRun run = Ctl({"stats"}, /*with_metrics_files=*/false);
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("milter_metrics_file is not set"));
  EXPECT_THAT(run.err, HasSubstr("dispatcher_metrics_file is not set"));
  EXPECT_THAT(run.out, HasSubstr("queue_depth "));
  EXPECT_THAT(run.out, Not(HasSubstr("decisions_total")));
}

TEST_F(StatsCommandTest, FileNotWrittenYetIsANote) {
  CtlRun run = Ctl({"stats"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("does not exist yet"));
}

TEST_F(StatsCommandTest, CorruptMetricsFileFails) {
  WriteDaemonFiles();
  ASSERT_TRUE(WriteTextfileAtomically(milter_file_, "autoresponder_decisions_total{ 1\n").ok());
  CtlRun run = Ctl({"stats"});
  EXPECT_EQ(run.code, 1);
  EXPECT_THAT(run.err, HasSubstr("milter.prom: line 1"));
}

TEST_F(StatsCommandTest, ArgumentsAreUsageErrors) {
  EXPECT_EQ(Ctl({"stats", "extra"}).code, 2);
  EXPECT_EQ(Ctl({"stats", "--bogus"}).code, 2);
}

TEST_F(StatsCommandTest, LatchedStoreErrorIsPrintedFirstAndStatsStillSucceeds) {
  WriteDaemonFiles();
  LatchStoreError();
  CtlRun run = Ctl({"stats"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out.rfind("STORE ERROR LATCHED: first=2026-12-21T03:10:00Z queue_id=4Xk2Ld "
                          "error=store full: MDB_MAP_FULL\n  count=12\n"
                          "  last=2026-12-21T03:12:41Z\n",
                          0),
            0u)
      << run.out;
  EXPECT_THAT(run.out, HasSubstr("\nqueue_depth "));
}

TEST_F(StatsCommandTest, LatchedStoreErrorGoesToStderrWithPrometheus) {
  WriteDaemonFiles();
  LatchStoreError();
  CtlRun run = Ctl({"stats", "--prometheus"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("STORE ERROR LATCHED: first=2026-12-21T03:10:00Z"));
  EXPECT_TRUE(ParseExposition(run.out).ok());
}

TEST_F(StatsCommandTest, NoLatchNoBanner) {
  WriteDaemonFiles();
  CtlRun run = Ctl({"stats"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out + run.err, Not(HasSubstr("STORE ERROR")));
}

using StoreErrorCommandTest = StatsCommandTest;

TEST_F(StoreErrorCommandTest, ExitsOneWhileLatchedAndZeroAfterClear) {
  CtlRun before = Ctl({"store-error"});
  EXPECT_EQ(before.code, 0) << before.err;
  EXPECT_EQ(before.out, "no store error latched\n");

  LatchStoreError();
  CtlRun latched = Ctl({"store-error"});
  EXPECT_EQ(latched.code, 1);
  EXPECT_THAT(latched.out, HasSubstr("STORE ERROR LATCHED: first=2026-12-21T03:10:00Z "
                                     "queue_id=4Xk2Ld error=store full: MDB_MAP_FULL\n"));
  EXPECT_THAT(latched.out, HasSubstr("  count=12\n"));

  CtlRun cleared = Ctl({"store-error", "clear"});
  EXPECT_EQ(cleared.code, 0) << cleared.err;
  EXPECT_THAT(cleared.out, HasSubstr("store error cleared"));
  EXPECT_FALSE(std::filesystem::exists(store_error_file_));
  EXPECT_EQ(Ctl({"store-error"}).code, 0);
  // Clearing nothing is not an error.
  EXPECT_EQ(Ctl({"store-error", "clear"}).code, 0);
}

TEST_F(StoreErrorCommandTest, ControlCharactersInTheFileAreShownAsSpaces) {
  ASSERT_TRUE(WriteTextfileAtomically(store_error_file_,
                                      "first=x queue_id=\x1b]0;owned\x07 error=e\n")
                  .ok());
  CtlRun run = Ctl({"store-error"});
  EXPECT_EQ(run.code, 1);
  EXPECT_EQ(run.out, "STORE ERROR LATCHED: first=x queue_id= ]0;owned  error=e\n");
}

TEST_F(StoreErrorCommandTest, OtherArgumentsAreUsageErrors) {
  EXPECT_EQ(Ctl({"store-error", "reset"}).code, 2);
  EXPECT_EQ(Ctl({"store-error", "clear", "now"}).code, 2);
}

// `queue failed` shows both kinds, with the reason (the dispatcher's
// "skipped: ..." for a step it did not send after downtime).
TEST_F(StatsCommandTest, QueueFailedShowsRepliesAndStepsWithKindAndReason) {
  {
    auto store = OpenSandboxStore();
    ASSERT_TRUE(store.ok());
    const TimePoint due = FromUnixSeconds(kNow - 120);
    ASSERT_TRUE((*store)->Enqueue({AwayReplyDue(due)}, due).ok());
    SequenceDecision decision;
    EnrolAction enrol;
    enrol.sequence = "welcome";
    enrol.version = "v1";
    enrol.person = "kari@example.org";
    enrol.first_due = FromUnixSeconds(kNow - 60);
    enrol.reason = "manual";
    decision.enrols.push_back(enrol);
    ASSERT_TRUE((*store)
                    ->sequences()
                    .ApplySequenceDecision(decision, "key", 3, FromUnixSeconds(kNow - 60))
                    .ok());
    auto claimed = (*store)->ClaimDue(FromUnixSeconds(kNow), 10, Seconds(300));
    ASSERT_TRUE(claimed.ok());
    ASSERT_EQ(claimed->size(), 2u);
    for (const QueueItem& item : *claimed) {
      const std::string reason = item.kind == QueueItemKind::kReply
                                     ? "550 5.1.1 no such user"
                                     : "skipped: overdue by 3d (catch_up_limit 1d)";
      ASSERT_TRUE((*store)->MarkFailed(item.id, FromUnixSeconds(kNow), reason).ok());
    }
  }
  CtlRun run = Ctl({"queue", "failed"});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("\treply\tbob@example.net\talice@example.org\t1\t"
                                 "550 5.1.1 no such user\n"));
  EXPECT_THAT(run.out, HasSubstr("\tstep\tkari@example.org\twelcome/#1\t1\t"
                                 "skipped: overdue by 3d (catch_up_limit 1d)\n"));
}

}  // namespace
}  // namespace ar