// OutOfOfficeResponder with Counters, on a real store: every decision it
// logs is counted under its reason, once.
#include <gtest/gtest.h>

#include "core/logger.h"
#include "message_fixture.h"
#include "metrics/counters.h"
#include "responder/out_of_office_responder.h"
#include "tests/support/temp_store.h"

namespace ar {
namespace {

using testing::AwayRule;
using testing::TempStore;

class ResponderCounting : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(t_.store, nullptr);
    ASSERT_TRUE(t_.store->PutRule(AwayRule("alice@example.org")).ok());
    ASSERT_TRUE(t_.store->PutRule(AwayRule("carol@example.org")).ok());
    settings_.compose.hostname = "mx.example.org";
  }

  void Handle(const Message& message) {
    auto report = responder_.Handle(message, settings_, now_);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
  }
  uint64_t Skipped(SkipReason reason) {
    return counters_.Snapshot().skipped[static_cast<size_t>(reason)];
  }
  uint64_t TotalSkipped() {
    uint64_t total = 0;
    for (uint64_t n : counters_.Snapshot().skipped) total += n;
    return total;
  }

  TempStore t_;
  CapturingLogger logger_{LogLevel::kInfo};
  Counters counters_;
  OutOfOfficeResponder responder_{*t_.store, logger_, &counters_};
  ResponderSettings settings_;
  TimePoint now_ = FromUnixSeconds(1767225600);
};

TEST_F(ResponderCounting, AReplyCountsAsQueuedDecisionAndQueuedReply) {
  Handle(MakeMessage("bob@example.net", {"alice@example.org"}, PlainHeaders("alice@example.org")));
  CounterSnapshot snapshot = counters_.Snapshot();
  EXPECT_EQ(snapshot.decided_to_reply, 1u);
  EXPECT_EQ(snapshot.replies[static_cast<size_t>(ReplyOutcome::kQueued)], 1u);
  EXPECT_EQ(TotalSkipped(), 0u);
  EXPECT_EQ(snapshot.internal_errors, 0u);
}

TEST_F(ResponderCounting, EachSkipCountsUnderItsReason) {
  HeaderList list = PlainHeaders("alice@example.org");
  list.push_back({"List-Id", "<dev.lists.example.net>"});
  Handle(MakeMessage("bob@example.net", {"alice@example.org"}, list));

  HeaderList bulk = PlainHeaders("alice@example.org");
  bulk.push_back({"Precedence", "bulk"});
  Handle(MakeMessage("bob@example.net", {"alice@example.org"}, bulk));

  Handle(MakeMessage("", {"alice@example.org"}, PlainHeaders("alice@example.org")));

  EXPECT_EQ(Skipped(SkipReason::kListHeader), 1u);
  EXPECT_EQ(Skipped(SkipReason::kPrecedence), 1u);
  EXPECT_EQ(Skipped(SkipReason::kNullSender), 1u);
  EXPECT_EQ(TotalSkipped(), 3u);
  EXPECT_EQ(counters_.Snapshot().decided_to_reply, 0u);
}

TEST_F(ResponderCounting, OneDecisionPerAwayUser) {
  // Two away users reached by one message: two decisions.
  Handle(MakeMessage("bob@example.net", {"alice@example.org", "carol@example.org"},
                     PlainHeaders("alice@example.org, carol@example.org")));
  EXPECT_EQ(counters_.Snapshot().decided_to_reply, 2u);
  // The same again: both already answered.
  Handle(MakeMessage("bob@example.net", {"alice@example.org", "carol@example.org"},
                     PlainHeaders("alice@example.org, carol@example.org"), "4Xk2Le"));
  EXPECT_EQ(Skipped(SkipReason::kAlreadyAnswered), 2u);
  EXPECT_EQ(counters_.Snapshot().decided_to_reply, 2u);
}

TEST_F(ResponderCounting, MailToNobodyAwayCountsNothing) {
  Handle(MakeMessage("bob@example.net", {"dave@example.org"}, PlainHeaders("dave@example.org")));
  EXPECT_EQ(TotalSkipped(), 0u);
  EXPECT_EQ(counters_.Snapshot().decided_to_reply, 0u);
}

TEST_F(ResponderCounting, AReplyThatCannotBeComposedIsAnInternalError) {
  settings_.compose.hostname = "";  // no Message-ID can be made
  Handle(MakeMessage("bob@example.net", {"alice@example.org"}, PlainHeaders("alice@example.org")));
  EXPECT_EQ(counters_.Snapshot().internal_errors, 1u);
  EXPECT_EQ(counters_.Snapshot().decided_to_reply, 0u);
}

TEST_F(ResponderCounting, WithoutCountersNothingBreaks) {
  OutOfOfficeResponder plain(*t_.store, logger_);
  auto report = plain.Handle(
      MakeMessage("bob@example.net", {"alice@example.org"}, PlainHeaders("alice@example.org")),
      settings_, now_);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->queued, 1u);
}

}  // namespace
}  // namespace ar
