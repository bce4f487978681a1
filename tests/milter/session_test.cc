// Session: the milter's per-connection logic, driven as libmilter would drive
// it, against a real Store in a temporary directory and a ManualClock.
#include "milter/session.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/clock.h"
#include "core/logger.h"
#include "store/store.h"

namespace ar {
namespace {

class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("session_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    StoreOptions options;
    options.path = dir_.string();
    auto store = Store::Open(options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);

    OutOfOfficeRule rule;
    rule.address = "alice@example.org";
    rule.aliases = {"a.smith@example.org"};
    rule.display_name = "Alice Smith";
    rule.text_body = "I am away until Monday.";
    ASSERT_TRUE(store_->PutRule(rule).ok());

    auto settings = std::make_shared<MessageSettings>();
    settings->responder.compose.hostname = "mx.example.org";
    service_ = std::make_unique<MilterService>(settings, *store_, clock_, logger_);
  }

  // One message through a fresh Session, as the callbacks would deliver it.
  Verdict Deliver(const std::string& sender, const std::vector<std::string>& rcpts,
                  const std::vector<std::pair<std::string, std::string>>& headers,
                  const std::string& queue_id = "4Xk2Ld") {
    Session session(*service_);
    session.OnMailFrom("<" + sender + ">", false);
    for (const auto& r : rcpts) session.OnRecipient("<" + r + ">");
    for (const auto& [name, value] : headers) session.OnHeader(name, value);
    return session.OnEndOfMessage(queue_id).verdict;
  }

  size_t QueueSize() {
    auto items = store_->ListQueue(100);
    EXPECT_TRUE(items.ok());
    return items.ok() ? items->size() : 0;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  ManualClock clock_{FromUnixSeconds(1767225600)};
  CapturingLogger logger_{LogLevel::kInfo};
  std::unique_ptr<MilterService> service_;
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
class BrokenStore final : public Store {
 public:
  Status PutRule(const OutOfOfficeRule&) override { return Status::IoError("disk"); }
  Result<std::optional<OutOfOfficeRule>> GetRule(const std::string&) override {
    return Status::IoError("disk");
  }
  Result<std::vector<OutOfOfficeRule>> ListRules() override { return Status::IoError("disk"); }
  Status DeleteRule(const std::string&) override { return Status::IoError("disk"); }
  Result<std::vector<OutOfOfficeRule>> FindRulesForRecipients(
      const std::vector<std::string>&) override {
    return Status::IoError("mdb_txn_begin: Input/output error");
  }
  Result<std::optional<ResponseRecord>> GetResponse(const std::string&,
                                                    const std::string&) override {
    return Status::IoError("disk");
  }
  Result<std::vector<EnqueueOutcome>> Enqueue(const std::vector<NewReply>&, TimePoint) override {
    return Status::IoError("disk");
  }
  Result<std::vector<QueueItem>> ClaimDue(TimePoint, size_t, Seconds) override {
    return Status::IoError("disk");
  }
  Status MarkSent(uint64_t, TimePoint) override { return Status::IoError("disk"); }
  Status MarkRetry(uint64_t, TimePoint, const std::string&) override {
    return Status::IoError("disk");
  }
  Status MarkFailed(uint64_t, TimePoint, const std::string&) override {
    return Status::IoError("disk");
  }
  Result<std::optional<TimePoint>> NextDue() override { return Status::IoError("disk"); }
  Result<std::vector<QueueItem>> ListQueue(size_t) override { return Status::IoError("disk"); }
  Result<std::vector<QueueItem>> ListFailed(size_t) override { return Status::IoError("disk"); }
};

TEST(SessionFailure, StoreFailureAcceptsMailAndLogsQueueId) {
  BrokenStore store;
  ManualClock clock(FromUnixSeconds(1767225600));
  CapturingLogger logger;
  auto settings = std::make_shared<MessageSettings>();
  MilterService service(settings, store, clock, logger);
  Session session(service);
  session.OnMailFrom("<bob@example.net>", false);
  session.OnRecipient("<alice@example.org>");
  EXPECT_EQ(session.OnEndOfMessage("4Xk2Lz").verdict, Verdict::kContinue);
  EXPECT_TRUE(logger.Contains("4Xk2Lz: cannot record out-of-office replies, message accepted"));
}

TEST(SessionFailure, StoreFailureTempfailsOnlyWhenConfigured) {
  BrokenStore store;
  ManualClock clock(FromUnixSeconds(1767225600));
  CapturingLogger logger;
  auto settings = std::make_shared<MessageSettings>();
  settings->tempfail_on_error = true;
  MilterService service(settings, store, clock, logger);
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
