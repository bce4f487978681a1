// A damaged data.mdb (cut short, or with broken meta pages) is reported as a
// Corruption Status when the store opens, never a SIGBUS when a page past the
// end of the file is first read. Opens run in a child process, so that the
// old behaviour (the child killed by SIGBUS) fails the test instead of
// killing the test binary.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "store/data_file_check.h"
#include "store_fixture.h"

namespace ar {
namespace {

using ::ar::testing::At;
using ::ar::testing::MakeReply;
using ::ar::testing::MakeRule;
using ::ar::testing::StoreTest;

// How a child that opened the store and read all of it ended.
constexpr int kChildOpened = 0;
constexpr int kChildCorruption = 3;
constexpr int kChildOtherError = 4;

class DamagedFile : public StoreTest {
 protected:
  std::string DataFile() const { return (dir_ / "data.mdb").string(); }

  // A store with enough records that its newest pages lie well past the
  // meta pages, then closed.
  void FillAndClose() {
    ASSERT_OK(store_->PutRule(MakeRule("ole@example.com")));
    for (int i = 0; i < 200; ++i) {
      NewReply reply = MakeReply("ole@example.com", "s" + std::to_string(i) + "@example.org");
      reply.message = std::string(2000, 'x');
      ASSERT_OK(store_->Enqueue({reply}, At(i)));
    }
    store_.reset();
  }

  // Opens the store in a child and reads every queued item; the child's
  // wait status.
  int OpenInChild(bool read_only = false) {
    StoreOptions options = Options();
    options.read_only = read_only;
    pid_t pid = fork();
    if (pid == 0) {
      Result<std::unique_ptr<Store>> opened = Store::Open(options);
      if (!opened.ok()) {
        _exit(opened.status().code() == Status::Code::kCorruption ? kChildCorruption
                                                                  : kChildOtherError);
      }
      Result<std::vector<QueueItem>> all = (*opened)->ListQueue(100000);
      Result<std::vector<OutOfOfficeRule>> rules = (*opened)->ListRules();
      _exit(all.ok() && rules.ok() ? kChildOpened : kChildOtherError);
    }
    int status = 0;
    EXPECT_EQ(waitpid(pid, &status, 0), pid);
    return status;
  }

  static void ExpectCorruptionExit(int status) {
    ASSERT_FALSE(WIFSIGNALED(status)) << "child killed by signal " << WTERMSIG(status);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), kChildCorruption);
  }
};

TEST_F(DamagedFile, HealthyStoreOpensAndHeaderMatchesFile) {
  FillAndClose();
  DataFileHeader header;
  ASSERT_OK(CheckDataFile(DataFile(), &header));
  EXPECT_TRUE(header.present);
  EXPECT_GT(header.last_page, 2u);
  EXPECT_GE(header.file_size, (header.last_page + 1) * header.page_size);
  int status = OpenInChild();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), kChildOpened);
}

TEST_F(DamagedFile, TruncatedFileIsCorruptionNotSigbus) {
  FillAndClose();
  DataFileHeader header;
  ASSERT_OK(CheckDataFile(DataFile(), &header));
  // Keep the two meta pages and one more: every page they point at is gone.
  ASSERT_EQ(truncate(DataFile().c_str(), 3 * header.page_size), 0) << std::strerror(errno);

  Status checked = CheckDataFile(DataFile());
  EXPECT_EQ(checked.code(), Status::Code::kCorruption) << checked.ToString();
  EXPECT_NE(checked.message().find(DataFile()), std::string::npos) << checked.message();
  EXPECT_NE(checked.message().find("autoresponder-milter(8)"), std::string::npos);
  ExpectCorruptionExit(OpenInChild());
  ExpectCorruptionExit(OpenInChild(/*read_only=*/true));
}

TEST_F(DamagedFile, FileCutByOnePageIsCorruption) {
  FillAndClose();
  DataFileHeader header;
  ASSERT_OK(CheckDataFile(DataFile(), &header));
  const uint64_t needed = (header.last_page + 1) * header.page_size;
  ASSERT_EQ(truncate(DataFile().c_str(), static_cast<off_t>(needed - header.page_size)), 0);
  ExpectCorruptionExit(OpenInChild());
}

TEST_F(DamagedFile, FileShorterThanMetaPagesIsCorruption) {
  FillAndClose();
  ASSERT_EQ(truncate(DataFile().c_str(), 100), 0);
  EXPECT_EQ(CheckDataFile(DataFile()).code(), Status::Code::kCorruption);
  ExpectCorruptionExit(OpenInChild());
}

TEST_F(DamagedFile, BadMagicIsCorruption) {
  FillAndClose();
  {
    std::fstream file(DataFile(), std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(16);
    file.write("\0\0\0\0", 4);
  }
  Status checked = CheckDataFile(DataFile());
  EXPECT_EQ(checked.code(), Status::Code::kCorruption);
  EXPECT_NE(checked.message().find("magic"), std::string::npos) << checked.message();
  ExpectCorruptionExit(OpenInChild());
}

TEST_F(DamagedFile, MissingOrEmptyFileIsANewStore) {
  store_.reset();
  std::filesystem::remove_all(dir_);
  EXPECT_OK(CheckDataFile(DataFile()));
  std::filesystem::create_directories(dir_);
  { std::ofstream empty(DataFile()); }
  DataFileHeader header;
  EXPECT_OK(CheckDataFile(DataFile(), &header));
  EXPECT_FALSE(header.present);
  store_ = OpenStore();
  ASSERT_NE(store_, nullptr);
  EXPECT_OK(store_->PutRule(MakeRule("ole@example.com")));
}

}  // namespace
}  // namespace ar
