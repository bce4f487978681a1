#include "metrics/textfile.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/logger.h"
#include "metrics/textfile_exporter.h"
#include "tests/support/test_dir.h"

namespace ar {
namespace {

using testing::FreshTestDir;

using ::testing::HasSubstr;

std::string Slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Textfile, ReplacesTheFileByRenameLeavingNoTemporary) {
  const auto dir = FreshTestDir("textfile");
  const auto path = dir / "ar.prom";
  ASSERT_TRUE(WriteTextfileAtomically(path.string(), "a 1\n").ok());
  // Keep the old file open: a reader holding it during the update still
  // sees the complete old content, because the new one is a new inode.
  std::ifstream reader(path);
  struct stat before;
  ASSERT_EQ(::stat(path.c_str(), &before), 0);
  ASSERT_TRUE(WriteTextfileAtomically(path.string(), "a 2\n").ok());
  struct stat after;
  ASSERT_EQ(::stat(path.c_str(), &after), 0);
  EXPECT_NE(before.st_ino, after.st_ino);
  std::string old_content((std::istreambuf_iterator<char>(reader)),
                          std::istreambuf_iterator<char>());
  EXPECT_EQ(old_content, "a 1\n");
  EXPECT_EQ(Slurp(path), "a 2\n");
  EXPECT_FALSE(std::filesystem::exists(path.string() + ".tmp"));
}

TEST(Textfile, IsWorldReadableWhateverTheUmask) {
  const auto dir = FreshTestDir("textfile");
  const auto path = dir / "ar.prom";
  const mode_t old_mask = ::umask(077);
  Status written = WriteTextfileAtomically(path.string(), "a 1\n");
  ::umask(old_mask);
  ASSERT_TRUE(written.ok()) << written.ToString();
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

TEST(Textfile, FailureLeavesTheOldFile) {
  const auto dir = FreshTestDir("textfile");
  const auto path = dir / "ar.prom";
  ASSERT_TRUE(WriteTextfileAtomically(path.string(), "a 1\n").ok());
  // The temporary name is taken by a directory: the write fails.
  std::filesystem::create_directory(path.string() + ".tmp");
  Status written = WriteTextfileAtomically(path.string(), "a 2\n");
  EXPECT_EQ(written.code(), Status::Code::kIoError);
  EXPECT_EQ(Slurp(path), "a 1\n");
}

TEST(Textfile, ReadSaysNotFoundForAMissingFile) {
  const auto dir = FreshTestDir("textfile");
  auto read = ReadTextfile((dir / "none.prom").string());
  EXPECT_TRUE(read.status().IsNotFound());
  ASSERT_TRUE(WriteTextfileAtomically((dir / "big.prom").string(), std::string(100, 'x')).ok());
  EXPECT_EQ(ReadTextfile((dir / "big.prom").string(), 99).status().code(), Status::Code::kIoError);
  EXPECT_EQ(*ReadTextfile((dir / "big.prom").string(), 100), std::string(100, 'x'));
}

TEST(TextfileExporter, WritesOnStartAndAgainOnStop) {
  const auto dir = FreshTestDir("exporter");
  const auto path = dir / "ar.prom";
  CapturingLogger logger;
  int value = 1;
  std::mutex mu;
  {
    // An interval far longer than the test: only Start and Stop write.
    TextfileExporter exporter(
        path.string(),
        [&] {
          std::lock_guard<std::mutex> lock(mu);
          return "a " + std::to_string(value) + "\n";
        },
        logger, std::chrono::hours(1));
    exporter.Start();
    for (int i = 0; i < 500 && !std::filesystem::exists(path); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(Slurp(path), "a 1\n");
    {
      std::lock_guard<std::mutex> lock(mu);
      value = 2;
    }
    exporter.Stop();
    EXPECT_EQ(Slurp(path), "a 2\n");
    {
      std::lock_guard<std::mutex> lock(mu);
      value = 3;
    }
  }  // the destructor after Stop() writes nothing more
  EXPECT_EQ(Slurp(path), "a 2\n");
  EXPECT_TRUE(logger.Lines().empty());
}

TEST(TextfileExporter, WithoutPathDoesNothing) {
  CapturingLogger logger;
  int renders = 0;
  TextfileExporter exporter(
      "", [&] { return std::to_string(++renders); }, logger);
  EXPECT_FALSE(exporter.enabled());
  exporter.Start();
  EXPECT_TRUE(exporter.WriteNow().ok());
  exporter.Stop();
  EXPECT_EQ(renders, 0);
}

TEST(TextfileExporter, LogsAFailureOnceAndTheRecovery) {
  const auto dir = FreshTestDir("exporter");
  const auto path = dir / "missing-dir" / "ar.prom";
  CapturingLogger logger;
  TextfileExporter exporter(
      path.string(), [] { return std::string("a 1\n"); }, logger);
  EXPECT_FALSE(exporter.WriteNow().ok());
  EXPECT_FALSE(exporter.WriteNow().ok());
  EXPECT_FALSE(exporter.WriteNow().ok());
  ASSERT_EQ(logger.Lines().size(), 1u);
  EXPECT_THAT(logger.Lines()[0], HasSubstr("warning: cannot write metrics file"));
  std::filesystem::create_directories(path.parent_path());
  EXPECT_TRUE(exporter.WriteNow().ok());
  EXPECT_TRUE(exporter.WriteNow().ok());
  ASSERT_EQ(logger.Lines().size(), 2u);
  EXPECT_THAT(logger.Lines()[1], HasSubstr("info: writing metrics file"));
}

}  // namespace
}  // namespace ar
