// A store that cannot record (full map, unwritable disk) seen from the
// milter: the mail goes on, one log line per message, the
// autoresponder_unrecorded_total counter, and the latch file the operator
// finds in the morning. A real LmdbStore holds the rules and sequences; its
// writes fail through StoreOptions::faults, as MDB_MAP_FULL would fail them.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "core/clock.h"
#include "core/logger.h"
#include "metrics/counters.h"
#include "metrics/textfile.h"
#include "milter/session.h"
#include "milter/store_error_latch.h"
#include "store/store.h"
#include "tests/support/write_faults.h"

namespace ar {
namespace {

namespace fs = std::filesystem;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr int64_t kStart = 1767225600;  // 2026-01-01T00:00:00Z

class StoreFailure : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("store_failure_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "sequences");
    std::ofstream(dir_ / "sequences" / "welcome.sequence")
        << "[sequence]\nfrom = Shop <shop@shop.example>\n"
           "[trigger]\nrecipient = ^welcome@shop\\.example$\n"
           "[step one]\ntemplate = welcome.txt\n";
    std::ofstream(dir_ / "sequences" / "welcome.txt") << "Subject: Welcome\n\nHello\n";

    StoreOptions options;
    options.path = (dir_ / "store").string();
    options.faults = faults_;
    auto store = Store::Open(options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    real_ = std::move(*store);
    OutOfOfficeRule rule;
    rule.address = "alice@example.org";
    rule.text_body = "I am away until Monday.";
    ASSERT_TRUE(real_->PutRule(rule).ok());

    Config config;
    config.compose.hostname = "mx.example.org";
    config.sequences.directory = (dir_ / "sequences").string();
    config.sequences.secret_key = "test-key";
    auto loaded = LoadMessageSettings(config, *real_);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    ASSERT_TRUE(loaded->sequences->enabled());
    settings_ = std::make_shared<MessageSettings>(std::move(*loaded));

    faults_->failing = true;
    faults_->Arm();
    latch_file_ = (dir_ / "store-error").string();
    latch_ = std::make_unique<StoreErrorLatch>(latch_file_, clock_, logger_);
    MakeService();
  }
  void TearDown() override {
    service_.reset();
    real_.reset();
    fs::remove_all(dir_);
  }

  void MakeService() {
    service_ = std::make_unique<MilterService>(settings_, *real_, clock_, logger_, &counters_,
                                               latch_.get());
  }

  // A message to the away user and to the sequence trigger address: both
  // halves of end of message want to record something.
  Verdict Deliver(const std::string& queue_id,
                  const std::vector<std::string>& rcpts = {"alice@example.org",
                                                           "welcome@shop.example"}) {
    Session session(*service_);
    session.OnMailFrom("<bob@example.net>", false);
    for (const std::string& r : rcpts) session.OnRecipient("<" + r + ">");
    const Headers headers = {{"From", "Bob <bob@example.net>"},
                             {"To", "alice@example.org, welcome@shop.example"},
                             {"Subject", "Hello"},
                             {"Message-ID", "<" + queue_id + "@example.net>"}};
    for (const auto& [name, value] : headers) session.OnHeader(name, value);
    return session.OnEndOfMessage(queue_id).verdict;
  }

  // Log lines about queue_id's failure to record.
  size_t UnrecordedLines(const std::string& queue_id) const {
    const auto lines = logger_.Lines();
    return std::count_if(lines.begin(), lines.end(), [&](const std::string& line) {
      return line.find(queue_id + ": cannot record") != std::string::npos;
    });
  }

  std::string LatchFile() const {
    auto text = ReadTextfile(latch_file_);
    return text.ok() ? *text : "(" + text.status().ToString() + ")";
  }

  fs::path dir_;
  ManualClock clock_{FromUnixSeconds(kStart)};
  CapturingLogger logger_{LogLevel::kInfo};
  Counters counters_;
  std::unique_ptr<Store> real_;
  std::shared_ptr<testing::WriteFaults> faults_ = std::make_shared<testing::WriteFaults>(
      Status::Full("mdb_put: MDB_MAP_FULL: Environment mapsize limit reached"));
  std::shared_ptr<MessageSettings> settings_;
  std::string latch_file_;
  std::unique_ptr<StoreErrorLatch> latch_;
  std::unique_ptr<MilterService> service_;
};

TEST_F(StoreFailure, MailIsAcceptedAndOneLineNamesEverythingNotRecorded) {
  EXPECT_EQ(Deliver("4Xk2Ld"), Verdict::kContinue);
  // The reply and the enrolment were both tried.
  EXPECT_EQ(faults_->operations(), (std::vector<std::string>{"Enqueue", "ApplySequenceDecision"}));
  EXPECT_EQ(UnrecordedLines("4Xk2Ld"), 1u);
  EXPECT_TRUE(logger_.Contains(
      "error: 4Xk2Ld: cannot record out-of-office replies and sequence actions, message "
      "accepted: store full: mdb_put: MDB_MAP_FULL"));
  EXPECT_EQ(counters_.Snapshot().unrecorded, 1u);
  auto queue = real_->ListQueue(10);
  ASSERT_TRUE(queue.ok());
  EXPECT_TRUE(queue->empty());
}

TEST_F(StoreFailure, AFullStoreIsAlsoCountedApartForTheAlert) {
  EXPECT_EQ(Deliver("4XFull1"), Verdict::kContinue);
  EXPECT_EQ(Deliver("4XFull2"), Verdict::kContinue);
  EXPECT_EQ(counters_.Snapshot().unrecorded, 2u);
  EXPECT_EQ(counters_.Snapshot().store_full, 2u);
  EXPECT_NE(LatchFile().find("queue_id=4XFull1"), std::string::npos) << LatchFile();
}

TEST_F(StoreFailure, OnlyTheHalfThatFailedIsNamed) {
  EXPECT_EQ(Deliver("4Xk2Le", {"welcome@shop.example"}), Verdict::kContinue);
  EXPECT_TRUE(logger_.Contains("4Xk2Le: cannot record sequence actions, message accepted"));
  EXPECT_EQ(Deliver("4Xk2Lf", {"alice@example.org"}), Verdict::kContinue);
  EXPECT_TRUE(logger_.Contains("4Xk2Lf: cannot record out-of-office replies, message accepted"));
  EXPECT_EQ(UnrecordedLines("4Xk2Le") + UnrecordedLines("4Xk2Lf"), 2u);
  EXPECT_EQ(counters_.Snapshot().unrecorded, 2u);
}

TEST_F(StoreFailure, TempfailsWhenConfigured) {
  settings_->tempfail_on_error = true;
  MakeService();
  EXPECT_EQ(Deliver("4Xk2Lg"), Verdict::kTempfail);
  EXPECT_TRUE(logger_.Contains("4Xk2Lg: cannot record out-of-office replies and sequence "
                               "actions, message tempfailed"));
  EXPECT_EQ(UnrecordedLines("4Xk2Lg"), 1u);
  EXPECT_EQ(counters_.Snapshot().unrecorded, 1u);
}

TEST_F(StoreFailure, LatchFileKeepsTheFirstQueueIdAndCountsAtMostOncePerSecond) {
  Deliver("4Xk2Ld");
  EXPECT_EQ(LatchFile(),
            "first=2026-01-01T00:00:00Z queue_id=4Xk2Ld error=store full: mdb_put: MDB_MAP_FULL: "
            "Environment mapsize limit reached\ncount=1\nlast=2026-01-01T00:00:00Z\n");
  Deliver("4Xk2Le");  // the same second: counted in memory, the file not rewritten
  EXPECT_NE(LatchFile().find("count=1\n"), std::string::npos);
  clock_.Advance(Seconds(1));
  Deliver("4Xk2Lf");
  const std::string text = LatchFile();
  EXPECT_EQ(text.rfind("first=2026-01-01T00:00:00Z queue_id=4Xk2Ld ", 0), 0u) << text;
  EXPECT_NE(text.find("\ncount=3\nlast=2026-01-01T00:00:01Z\n"), std::string::npos) << text;
}

TEST_F(StoreFailure, LatchStaysWhenWritesSucceedAgainUntilTheOperatorClearsIt) {
  Deliver("4Xk2Ld");
  const std::string latched = LatchFile();
  faults_->failing = false;
  clock_.Advance(Seconds(60));
  EXPECT_EQ(Deliver("4Xk2Lh", {"welcome@shop.example"}), Verdict::kContinue);
  auto enrolment = real_->sequences().GetEnrolment("bob@example.net", "welcome");
  ASSERT_TRUE(enrolment.ok() && enrolment->has_value());  // recorded this time
  EXPECT_EQ(LatchFile(), latched);
  EXPECT_EQ(counters_.Snapshot().unrecorded, 1u);
  EXPECT_EQ(UnrecordedLines("4Xk2Lh"), 0u);

  // Cleared (autoresponder-ctl store-error clear removes the file): the
  // next failure is the new first one.
  fs::remove(latch_file_);
  faults_->failing = true;
  clock_.Advance(Seconds(60));
  Deliver("4Xk2Li", {"alice@example.org"});
  EXPECT_EQ(LatchFile().rfind("first=2026-01-01T00:02:00Z queue_id=4Xk2Li ", 0), 0u)
      << LatchFile();
  EXPECT_NE(LatchFile().find("\ncount=1\n"), std::string::npos) << LatchFile();
}

TEST_F(StoreFailure, MessageWithNothingToRecordWritesNothingAndIsNotAFailure) {
  EXPECT_EQ(Deliver("4Xk2Lj", {"carol@example.org"}), Verdict::kContinue);
  EXPECT_TRUE(faults_->operations().empty());  // not one store write
  EXPECT_EQ(counters_.Snapshot().unrecorded, 0u);
  EXPECT_FALSE(fs::exists(latch_file_));
  EXPECT_TRUE(logger_.Lines().empty());
}

}  // namespace
}  // namespace ar
