#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "config/options_table.h"
#include "config/sequence_secret.h"
#include "config_test_support.h"

namespace ar {
namespace {

using testing_support::Parse;
using testing_support::WriteConfigFile;

const std::string kKey = "k3y-of-at-least-16-bytes";

class SequenceOptionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/seqopts_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name() + "_" +
           std::to_string(getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ + "/sequences");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string WriteKey(const std::string& contents) {
    const std::string path = dir_ + "/secret.key";
    std::ofstream(path, std::ios::binary | std::ios::trunc) << contents;
    chmod(path.c_str(), 0600);  // as the key must be
    return path;
  }
  Result<CommandLine> ParseWith(const std::string& key_file) {
    return Parse({"--sequence_dir", dir_ + "/sequences", "--secret_key_file", key_file});
  }

  std::string dir_;
};

TEST_F(SequenceOptionsTest, DefaultsAreTheDocumentedOnes) {
  const Config c = DefaultConfig();
  EXPECT_EQ(c.sequences.directory, "/etc/autoresponder-milter/sequences");
  EXPECT_EQ(c.sequences.secret_key_file, "/etc/autoresponder-milter/secret.key");
  EXPECT_EQ(c.sequences.bounce_local_part, "bounces");
  EXPECT_EQ(c.sequences.unsubscribe_local_part, "unsubscribe");
  EXPECT_EQ(c.sequences.unsubscribe_url, "");
  EXPECT_EQ(c.sequences.soft_bounce_limit, 3u);
  EXPECT_TRUE(c.sequences.control_domains.empty());
  EXPECT_EQ(c.sequences.trigger_body_limit, 256u * 1024u);
  EXPECT_EQ(c.sequences.capture_max_length, 64u);
  EXPECT_FALSE(c.sequences.capture_allow_urls);
}

TEST_F(SequenceOptionsTest, ReadsTheKeyWhenTheSequenceDirectoryExists) {
  auto parsed = ParseWith(WriteKey(kKey + "\n"));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->config.sequences.secret_key, kKey);  // trailing newline dropped
}

TEST_F(SequenceOptionsTest, KeyIsNeverPrinted) {
  auto parsed = ParseWith(WriteKey(kKey));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const std::string printed = PrintNonDefaults(parsed->config);
  EXPECT_NE(printed.find("secret_key_file = " + dir_ + "/secret.key"), std::string::npos)
      << printed;
  EXPECT_EQ(printed.find(kKey), std::string::npos) << printed;
  EXPECT_EQ(PrintDefaults().find(kKey), std::string::npos);
}

TEST_F(SequenceOptionsTest, UnreadableOrShortKeyIsAnErrorNamingTheFile) {
  auto missing = ParseWith(dir_ + "/no-such.key");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find(dir_ + "/no-such.key"), std::string::npos)
      << missing.status().message();

  const std::string short_key = WriteKey("fifteen-bytes!!\n");
  auto too_short = ParseWith(short_key);
  ASSERT_FALSE(too_short.ok());
  EXPECT_NE(too_short.status().message().find(short_key), std::string::npos);
  EXPECT_NE(too_short.status().message().find("shorter than 16 bytes"), std::string::npos);

  auto sixteen = ParseWith(WriteKey("sixteen-bytes!!!"));
  EXPECT_TRUE(sixteen.ok()) << sixteen.status().ToString();
}

// --- who may read the key (secret_key_file; as OpenDKIM judges keys) ---

gid_t GroupOfNobody() {
  struct passwd* nobody = getpwnam("nobody");
  return nobody == nullptr ? static_cast<gid_t>(-1) : nobody->pw_gid;
}

TEST(SecretKeyMode, OwnerOnlyIsAccepted) {
  EXPECT_TRUE(CheckSecretKeyMode("/k", 0, 0, 0600, "nobody").ok());
  EXPECT_TRUE(CheckSecretKeyMode("/k", 1000, 1000, 0400, "").ok());
}

TEST(SecretKeyMode, AnyPermissionForOthersIsRefusedNamingModeAndFix) {
  for (mode_t mode : {0644, 0604, 0602, 0601, 0607}) {
    Status s = CheckSecretKeyMode("/etc/k", 0, GroupOfNobody(), mode, "nobody");
    ASSERT_FALSE(s.ok()) << std::oct << mode;
    EXPECT_NE(s.message().find("/etc/k: mode 0"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("chmod 600 /etc/k"), std::string::npos) << s.message();
  }
}

TEST(SecretKeyMode, GroupReadOnlyForRootOwnedFileInTheServiceUsersGroup) {
  if (GroupOfNobody() == static_cast<gid_t>(-1)) GTEST_SKIP() << "no user nobody";
  EXPECT_TRUE(CheckSecretKeyMode("/k", 0, GroupOfNobody(), 0640, "nobody").ok());
  // Another group, another owner, a group that may write, or no service user.
  EXPECT_FALSE(CheckSecretKeyMode("/k", 0, GroupOfNobody() + 1, 0640, "nobody").ok());
  EXPECT_FALSE(CheckSecretKeyMode("/k", 1000, GroupOfNobody(), 0640, "nobody").ok());
  EXPECT_FALSE(CheckSecretKeyMode("/k", 0, GroupOfNobody(), 0660, "nobody").ok());
  EXPECT_FALSE(CheckSecretKeyMode("/k", 0, GroupOfNobody(), 0620, "nobody").ok());
  EXPECT_FALSE(CheckSecretKeyMode("/k", 0, GroupOfNobody(), 0640, "").ok());
  EXPECT_FALSE(CheckSecretKeyMode("/k", 0, GroupOfNobody(), 0640, "no-such-user-here").ok());
}

TEST_F(SequenceOptionsTest, AKeyOthersCanReadIsAConfigurationError) {
  const std::string path = WriteKey(kKey);
  chmod(path.c_str(), 0644);
  auto parsed = ParseWith(path);
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("secret_key_file " + path + ": mode 0644"),
            std::string::npos)
      << parsed.status().message();
}

TEST_F(SequenceOptionsTest, AGroupReadableKeyCountsOnlyInTheServiceUsersGroup) {
  if (geteuid() != 0 || GroupOfNobody() == static_cast<gid_t>(-1))
    GTEST_SKIP() << "needs root and the user nobody";
  const std::string path = WriteKey(kKey);
  ASSERT_EQ(chown(path.c_str(), 0, 0), 0);
  chmod(path.c_str(), 0640);
  auto other_group = Parse({"--sequence_dir", dir_ + "/sequences", "--secret_key_file", path,
                            "--service_user", "nobody"});
  ASSERT_FALSE(other_group.ok());
  EXPECT_NE(other_group.status().message().find("mode 0640 lets group"), std::string::npos)
      << other_group.status().message();
  ASSERT_EQ(chown(path.c_str(), 0, GroupOfNobody()), 0);
  auto service_group = Parse({"--sequence_dir", dir_ + "/sequences", "--secret_key_file", path,
                              "--service_user", "nobody"});
  ASSERT_TRUE(service_group.ok()) << service_group.status().ToString();
  EXPECT_EQ(service_group->config.sequences.secret_key, kKey);
}

TEST_F(SequenceOptionsTest, CheckConfigReadsTheKeyAsTheServiceUser) {
  if (geteuid() != 0 || GroupOfNobody() == static_cast<gid_t>(-1))
    GTEST_SKIP() << "needs root and the user nobody";
  chmod(dir_.c_str(), 0755);
  const std::string path = WriteKey(kKey);  // 0600, root's
  ASSERT_EQ(chown(path.c_str(), 0, 0), 0);
  auto parsed = Parse({"--sequence_dir", dir_ + "/sequences", "--secret_key_file", path,
                       "--service_user", "nobody"});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();  // root reads it
  Status as_nobody = CheckSecretKeyAsServiceUser(parsed->config);
  ASSERT_FALSE(as_nobody.ok());
  EXPECT_NE(as_nobody.message().find(path + ": service_user nobody cannot read it"),
            std::string::npos)
      << as_nobody.message();

  ASSERT_EQ(chown(path.c_str(), 0, GroupOfNobody()), 0);
  chmod(path.c_str(), 0640);
  auto readable = Parse({"--sequence_dir", dir_ + "/sequences", "--secret_key_file", path,
                         "--service_user", "nobody"});
  ASSERT_TRUE(readable.ok()) << readable.status().ToString();
  EXPECT_TRUE(CheckSecretKeyAsServiceUser(readable->config).ok());
}

TEST_F(SequenceOptionsTest, NoKeyIsReadWhenSequencesAreOff) {
  auto off = Parse({"--sequence_dir", "", "--secret_key_file", dir_ + "/no-such.key"});
  ASSERT_TRUE(off.ok()) << off.status().ToString();
  EXPECT_EQ(off->config.sequences.secret_key, "");
  auto absent_dir =
      Parse({"--sequence_dir", dir_ + "/not-there", "--secret_key_file", dir_ + "/no-such.key"});
  ASSERT_TRUE(absent_dir.ok()) << absent_dir.status().ToString();
  EXPECT_EQ(absent_dir->config.sequences.secret_key, "");
}

TEST_F(SequenceOptionsTest, FromTheConfigFile) {
  const std::string key_file = WriteKey(kKey);
  const std::string conf = WriteConfigFile(
      "seq.conf", "sequence_dir = " + dir_ + "/sequences\nsecret_key_file = " + key_file +
                      "\nbounce_local_part = return\nunsubscribe_local_part = leave\n"
                      "unsubscribe_url = https://shop.example/u/{token}\nsoft_bounce_limit = 5\n"
                      "control_domain = Mail.Shop.example, em.shop.example\n"
                      "control_domain = news.shop.example\n"
                      "trigger_body_limit = 64K\ncapture_max_length = 20\n"
                      "capture_allow_urls = yes\n");
  auto parsed = Parse({"--config", conf});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const SequenceOptions& s = parsed->config.sequences;
  EXPECT_EQ(s.bounce_local_part, "return");
  EXPECT_EQ(s.unsubscribe_local_part, "leave");
  EXPECT_EQ(s.unsubscribe_url, "https://shop.example/u/{token}");
  EXPECT_EQ(s.soft_bounce_limit, 5u);
  EXPECT_EQ(s.control_domains,
            (std::vector<std::string>{"mail.shop.example", "em.shop.example", "news.shop.example"}));
  EXPECT_EQ(s.secret_key, kKey);
  EXPECT_EQ(s.trigger_body_limit, 64u * 1024u);
  EXPECT_EQ(s.capture_max_length, 20u);
  EXPECT_TRUE(s.capture_allow_urls);
}

TEST_F(SequenceOptionsTest, RefusesBadValues) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--sequence_dir", "relative/dir"},
           {"--secret_key_file", "secret.key"},
           {"--bounce_local_part", "bounces+x"},
           {"--bounce_local_part", ""},
           {"--unsubscribe_local_part", "un subscribe"},
           {"--unsubscribe_url", "http://shop.example/u/{token}"},
           {"--unsubscribe_url", "https://shop.example/u/"},
           {"--unsubscribe_url", "https://shop.example/u/{token} x"},
           {"--soft_bounce_limit", "0"},
           {"--trigger_body_limit", "512"},
           {"--trigger_body_limit", "1G"},
           {"--capture_max_length", "0"},
           {"--capture_allow_urls", "maybe"},
           {"--control_domain", "shop..example"},
           {"--control_domain", "unsubscribe@shop.example"},
           {"--bounce_local_part", "same", "--unsubscribe_local_part", "SAME"}}) {
    std::vector<std::string> full = args;
    full.insert(full.end(), {"--sequence_dir", ""});
    if (args[0] == "--sequence_dir") full = args;
    EXPECT_FALSE(Parse(full).ok()) << args[0] << " " << args[1];
  }
}

}  // namespace
}  // namespace ar
