// Session: the milter's per-connection logic, driven as libmilter would drive
// it, against a real Store in a temporary directory and a ManualClock.
#include "milter/session.h"

#include <gtest/gtest.h>

#include "core/clock.h"
#include "core/logger.h"
#include "store/store.h"
#include "tests/support/forwarding_store.h"
#include "tests/support/session_fixture.h"
#include "tests/support/temp_store.h"

namespace ar {
namespace {

class SessionTest : public testing::SessionFixture {
 protected:
  void SetUp() override {
    SessionFixture::SetUp();
    OutOfOfficeRule rule;
    rule.address = "alice@example.org";
    rule.aliases = {"a.smith@example.org"};
    rule.display_name = "Alice Smith";
    rule.text_body = "I am away until Monday.";
    ASSERT_TRUE(store_->PutRule(rule).ok());

    auto settings = std::make_shared<MessageSettings>();
    settings->responder.compose.hostname = "mx.example.org";
    StartService(settings);
  }

  Verdict Deliver(const std::string& sender, const std::vector<std::string>& rcpts,
                  const testing::HeaderList& headers, const std::string& queue_id = "4Xk2Ld") {
    return DeliverMessage(sender, rcpts, headers, "", queue_id).end.verdict;
  }
};

const std::vector<std::pair<std::string, std::string>> kPlainHeaders = {
    {"From", "Bob <bob@example.net>"},
    {"To", "Alice Smith <alice@example.org>"},
    {"Subject", "Lunch?"},
    {"Message-ID", "<m1@example.net>"}};

TEST_F(SessionTest, QueuesOneReplyDurablyBeforeAnswering) {
  EXPECT_EQ(Deliver("bob@example.net", {"alice@example.org"}, kPlainHeaders), Verdict::kContinue);
  auto items = store_->ListQueue(10);
  ASSERT_TRUE(items.ok());
  ASSERT_EQ(items->size(), 1u);
  EXPECT_EQ((*items)[0].envelope_recipient, "bob@example.net");
  EXPECT_EQ((*items)[0].envelope_sender, "");
  EXPECT_EQ((*items)[0].origin_queue_id, "4Xk2Ld");
  EXPECT_NE((*items)[0].message.find("In-Reply-To: <m1@example.net>"), std::string::npos);
  EXPECT_TRUE(logger_.Contains("4Xk2Ld: reply queued to bob@example.net for alice@example.org"));
}

TEST_F(SessionTest, SecondMessageWithinPeriodIsNotAnsweredAgain) {
  Deliver("bob@example.net", {"alice@example.org"}, kPlainHeaders);
  clock_.Advance(Seconds(3600));
  EXPECT_EQ(Deliver("bob@example.net", {"alice@example.org"}, kPlainHeaders, "4Xk2Le"),
            Verdict::kContinue);
  EXPECT_EQ(QueueSize(), 1u);
  EXPECT_TRUE(logger_.Contains("4Xk2Le: no reply to bob@example.net for alice@example.org"));
}

TEST_F(SessionTest, OneReplyWhenTheUserIsReachedThroughSeveralRecipients) {
  auto headers = kPlainHeaders;
  headers[1].second = "alice@example.org, a.smith@example.org";
  Deliver("bob@example.net", {"alice@example.org", "A.Smith@Example.org"}, headers);
  EXPECT_EQ(QueueSize(), 1u);
}

TEST_F(SessionTest, ListMailIsLetThroughWithoutReply) {
  auto headers = kPlainHeaders;
  headers.push_back({"List-Id", "<dev.lists.example.net>"});
  EXPECT_EQ(Deliver("bob@example.net", {"alice@example.org"}, headers), Verdict::kContinue);
  EXPECT_EQ(QueueSize(), 0u);
  EXPECT_TRUE(logger_.Contains("list-header"));
}

// The session keeps at most Message::kMaxHeaders fields: a List-Id beyond
// them is not seen, so the message must not be answered blind.
TEST_F(SessionTest, MessageCutAtTheHeaderLimitIsNotAnswered) {
  auto headers = kPlainHeaders;
  while (headers.size() < Message::kMaxHeaders) headers.push_back({"X-Filler", "x"});
  headers.push_back({"List-Id", "<dev.lists.example.net>"});
  EXPECT_EQ(Deliver("bob@example.net", {"alice@example.org"}, headers), Verdict::kContinue);
  EXPECT_EQ(QueueSize(), 0u);
  EXPECT_TRUE(logger_.Contains("for alice@example.org: too-many-headers"));
}

// Likewise past the recipient cap: the envelope the decision sees is not the
// whole envelope.
TEST_F(SessionTest, EnvelopeCutAtTheRecipientLimitIsNotAnswered) {
  std::vector<std::string> rcpts = {"alice@example.org"};
  for (size_t i = 1; i <= Session::kMaxRecipients; ++i)
    rcpts.push_back("user" + std::to_string(i) + "@example.org");
  EXPECT_EQ(Deliver("bob@example.net", rcpts, kPlainHeaders), Verdict::kContinue);
  EXPECT_EQ(QueueSize(), 0u);
  EXPECT_TRUE(logger_.Contains("for alice@example.org: too-many-recipients 1 recipients dropped"));
}

TEST_F(SessionTest, MailToNobodyAwayLogsNothingAtInfo) {
  auto headers = kPlainHeaders;
  headers[1].second = "carol@example.org";
  Deliver("bob@example.net", {"carol@example.org"}, headers);
  EXPECT_EQ(QueueSize(), 0u);
  EXPECT_TRUE(logger_.Lines().empty());
}

TEST_F(SessionTest, AbortedMessageLeavesNoTrace) {
  Session session(*service_);
  session.OnMailFrom("<bob@example.net>", false);
  session.OnRecipient("<alice@example.org>");
  for (const auto& [n, v] : kPlainHeaders) session.OnHeader(n, v);
  session.OnAbort();
  EXPECT_EQ(session.OnEndOfMessage("X").verdict, Verdict::kContinue);
  EXPECT_EQ(QueueSize(), 0u);
}

// A Store whose every call fails, as a full or unwritable disk would make it.
struct BrokenStore {
  BrokenStore() { store.FailEveryCall(Status::IoError("mdb_txn_begin: Input/output error")); }
  testing::TempStore real;
  testing::ForwardingStore store{*real.store};
};

TEST(SessionFailure, StoreFailureAcceptsMailAndLogsQueueId) {
  BrokenStore broken;
  ManualClock clock(FromUnixSeconds(1767225600));
  CapturingLogger logger;
  auto settings = std::make_shared<MessageSettings>();
  MilterService service(settings, broken.store, clock, logger);
  Session session(service);
  session.OnMailFrom("<bob@example.net>", false);
  session.OnRecipient("<alice@example.org>");
  EXPECT_EQ(session.OnEndOfMessage("4Xk2Lz").verdict, Verdict::kContinue);
  EXPECT_TRUE(logger.Contains("4Xk2Lz: cannot record out-of-office replies, message accepted"));
}

TEST(SessionFailure, StoreFailureTempfailsOnlyWhenConfigured) {
  BrokenStore broken;
  ManualClock clock(FromUnixSeconds(1767225600));
  CapturingLogger logger;
  auto settings = std::make_shared<MessageSettings>();
  settings->tempfail_on_error = true;
  MilterService service(settings, broken.store, clock, logger);
  Session session(service);
  session.OnMailFrom("<bob@example.net>", false);
  session.OnRecipient("<alice@example.org>");
  EXPECT_EQ(session.OnEndOfMessage("4Xk2Lz").verdict, Verdict::kTempfail);
}

TEST_F(SessionTest, DirectionIsWhatTheMtaSaysNotWhatTraceFieldsClaim) {
  Session session(*service_);
  session.OnMailFrom("<www-data@shop.example>", true);
  EXPECT_TRUE(session.message().envelope().local_submission);
  session.OnMailFrom("<bob@example.net>", false);
  // A remote host's own pickup trace does not make relayed mail local.
  session.OnHeader("Received", "by far.example (Postfix, from userid 33) id 1");
  EXPECT_FALSE(session.message().envelope().local_submission);
}

TEST(StripAngleBrackets, HandlesNullAndBareSenders) {
  EXPECT_EQ(StripAngleBrackets("<>"), "");
  EXPECT_EQ(StripAngleBrackets(" <bob@example.net> "), "bob@example.net");
  EXPECT_EQ(StripAngleBrackets("bob@example.net"), "bob@example.net");
}

}  // namespace
}  // namespace ar
