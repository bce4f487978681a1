// StoreErrorLatch on its own: the file format, the once-per-second rewrite,
// continuing a file an earlier process left, and an unwritable file.
#include "milter/store_error_latch.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "metrics/textfile.h"

namespace ar {
namespace {

namespace fs = std::filesystem;

class StoreErrorLatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("latch_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "store-error").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string File() const {
    auto text = ReadTextfile(path_);
    return text.ok() ? *text : "(" + text.status().ToString() + ")";
  }

  fs::path dir_;
  std::string path_;
  ManualClock clock_{FromUnixSeconds(1767225600)};  // 2026-01-01T00:00:00Z
  CapturingLogger logger_;
};

TEST_F(StoreErrorLatchTest, FirstFailureIsWrittenAtOnceOnOneLineEach) {
  StoreErrorLatch latch(path_, clock_, logger_);
  latch.Record("4Xk2Ld\nforged=1", Status::IoError("mdb_txn_commit:\nInput/output error"));
  EXPECT_EQ(File(),
            "first=2026-01-01T00:00:00Z queue_id=4Xk2Ld forged=1 error=I/O error: "
            "mdb_txn_commit: Input/output error\ncount=1\nlast=2026-01-01T00:00:00Z\n");
}

TEST_F(StoreErrorLatchTest, FlushWritesTheCountOfTheLastSecond) {
  StoreErrorLatch latch(path_, clock_, logger_);
  latch.Record("A", Status::Full("map full"));
  latch.Record("B", Status::Full("map full"));
  EXPECT_NE(File().find("count=1\n"), std::string::npos);
  latch.Flush();
  EXPECT_NE(File().find("count=2\nlast=2026-01-01T00:00:00Z\n"), std::string::npos) << File();
}

TEST_F(StoreErrorLatchTest, ContinuesTheFileAnEarlierProcessLeft) {
  std::ofstream(path_) << "first=2025-12-31T23:00:00Z queue_id=OLD error=store full: x\n"
                          "count=5\nlast=2025-12-31T23:30:00Z\n";
  StoreErrorLatch latch(path_, clock_, logger_);
  latch.Record("NEW", Status::Full("map full"));
  EXPECT_EQ(File(),
            "first=2025-12-31T23:00:00Z queue_id=OLD error=store full: x\n"
            "count=6\nlast=2026-01-01T00:00:00Z\n");
}

TEST_F(StoreErrorLatchTest, EmptyPathWritesNothing) {
  StoreErrorLatch latch("", clock_, logger_);
  latch.Record("A", Status::Full("map full"));
  latch.Flush();
  EXPECT_TRUE(fs::is_empty(dir_));
  EXPECT_TRUE(logger_.Lines().empty());
}

TEST_F(StoreErrorLatchTest, UnwritableFileIsWarnedAboutOnceAndRetried) {
  const std::string missing_dir = (dir_ / "missing" / "store-error").string();
  StoreErrorLatch latch(missing_dir, clock_, logger_);
  for (int i = 0; i < 3; ++i) {
    latch.Record("Q" + std::to_string(i), Status::Full("map full"));
    clock_.Advance(Seconds(2));
  }
  ASSERT_EQ(logger_.Lines().size(), 1u);
  EXPECT_NE(logger_.Lines()[0].find("warning: cannot write store_error_file " + missing_dir),
            std::string::npos)
      << logger_.Lines()[0];
  // The directory appears (systemd created the runtime directory late):
  // the next failure writes the latch, still with the first queue id.
  fs::create_directories(dir_ / "missing");
  latch.Record("Q3", Status::Full("map full"));
  auto text = ReadTextfile(missing_dir);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->rfind("first=2026-01-01T00:00:00Z queue_id=Q0 ", 0), 0u) << *text;
  EXPECT_NE(text->find("count=4\n"), std::string::npos) << *text;
}

}  // namespace
}  // namespace ar
