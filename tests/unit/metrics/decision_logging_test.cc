// What the milter logs per message at each level, driven through Session
// as libmilter would drive it, on a real store. At info there is exactly
// one line per away user's decision, carrying the MTA queue id and a
// reason code; nothing at all for mail that reaches nobody away.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/logger.h"
#include "message_fixture.h"
#include "metrics/counters.h"
#include "milter/session.h"
#include "tests/support/temp_store.h"

namespace ar {
namespace {

using testing::AwayRule;
using testing::TempStore;

using ::testing::HasSubstr;
using ::testing::StartsWith;

class DecisionLogging : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(t_.store, nullptr);
    ASSERT_TRUE(t_.store->PutRule(AwayRule("alice@example.org")).ok());
    ASSERT_TRUE(t_.store->PutRule(AwayRule("carol@example.org")).ok());
  }

  // One message through a fresh Session; returns what the logger kept.
  std::vector<std::string> Deliver(LogLevel level, const std::string& sender,
                                   const std::vector<std::string>& recipients,
                                   const HeaderList& headers, const std::string& queue_id) {
    CapturingLogger logger(level);
    auto settings = std::make_shared<MessageSettings>();
    settings->responder.compose.hostname = "mx.example.org";
    MilterService service(settings, *t_.store, clock_, logger, &counters_);
    Session session(service);
    session.OnMailFrom("<" + sender + ">", false);
    for (const auto& r : recipients) session.OnRecipient("<" + r + ">");
    for (const auto& [name, value] : headers) session.OnHeader(name, value);
    EXPECT_EQ(session.OnEndOfMessage(queue_id).verdict, Verdict::kContinue);
    return logger.Lines();
  }

  TempStore t_;
  ManualClock clock_{FromUnixSeconds(1767225600)};
  Counters counters_;
};

TEST_F(DecisionLogging, OneInfoLinePerUserDecisionWithQueueIdAndReason) {
  // alice replies; carol is not addressed in the headers (Bcc): two
  // decisions, two lines.
  auto lines =
      Deliver(LogLevel::kInfo, "bob@example.net", {"alice@example.org", "carol@example.org"},
              PlainHeaders("alice@example.org"), "4Xk2Ld");
  ASSERT_EQ(lines.size(), 2u) << ::testing::PrintToString(lines);
  for (const std::string& line : lines) EXPECT_THAT(line, StartsWith("info: 4Xk2Ld: "));
  EXPECT_THAT(lines, ::testing::Contains(
                         HasSubstr("reply queued to bob@example.net for alice@example.org")));
  EXPECT_THAT(
      lines, ::testing::Contains(HasSubstr("no reply to bob@example.net for carol@example.org: ")));
}

TEST_F(DecisionLogging, ASkippedMessageLogsItsReasonCodeOnce) {
  HeaderList list = PlainHeaders("alice@example.org");
  list.push_back({"List-Id", "<dev.lists.example.net>"});
  auto lines = Deliver(LogLevel::kInfo, "bob@example.net", {"alice@example.org"}, list, "4Xk2Lf");
  ASSERT_EQ(lines.size(), 1u) << ::testing::PrintToString(lines);
  EXPECT_EQ(lines[0],
            "info: 4Xk2Lf: no reply to bob@example.net for alice@example.org: list-header List-Id");
}

TEST_F(DecisionLogging, MailToNobodyAwayLogsNothingAtInfo) {
  auto lines = Deliver(LogLevel::kInfo, "bob@example.net", {"dave@example.org"},
                       PlainHeaders("dave@example.org"), "4Xk2Lg");
  EXPECT_TRUE(lines.empty()) << ::testing::PrintToString(lines);
}

// At debug the decision trail answers "why no reply?" for every message,
// also one that reaches nobody with a rule; nothing else is logged for it.
TEST_F(DecisionLogging, MailToNobodyAwayLogsOnlyItsTrailAtDebug) {
  auto lines = Deliver(LogLevel::kDebug, "bob@example.net", {"dave@example.org"},
                       PlainHeaders("dave@example.org"), "4Xk2Lg");
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "debug: 4Xk2Lg: trail: dave@example.org: out-of-office rule: stop (none)"}));
}

TEST_F(DecisionLogging, AtWarningLevelNormalMailLogsNothing) {
  auto lines = Deliver(LogLevel::kWarning, "bob@example.net", {"alice@example.org"},
                       PlainHeaders("alice@example.org"), "4Xk2Lh");
  EXPECT_TRUE(lines.empty()) << ::testing::PrintToString(lines);
  // Not logged, yet counted: metrics do not depend on the log level.
  EXPECT_EQ(counters_.Snapshot().decided_to_reply, 1u);
}

}  // namespace
}  // namespace ar
