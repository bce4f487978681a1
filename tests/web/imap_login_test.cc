// web_auth = imap against a real Dovecot (dovecot-imapd) that the test
// starts with its own configuration, passwd-file and a free port of
// 127.0.0.1; the system's Dovecot is never touched.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "web/imap_password_verifier.h"
#include "web_test_server.h"

namespace ar {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr const char* kDovecot = "/usr/sbin/dovecot";

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

bool Accepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

// A private Dovecot: IMAP only, plaintext logins (loopback), users from a
// passwd-file, mail under the test directory, run by the test's process.
class PrivateDovecot {
 public:
  PrivateDovecot() {
    root_ = fs::path("/tmp") / ("ar-web-dovecot-" + std::to_string(getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "home");
    // Dovecot's login and mail processes run as other users.
    fs::permissions(root_, fs::perms::all & ~fs::perms::group_write & ~fs::perms::others_write);
    fs::permissions(root_ / "home", fs::perms::all | fs::perms::sticky_bit);
    port_ = FreePort();
    std::ofstream(root_ / "passwd") << "ola@example.org:{PLAIN}secret\n";
    const std::string dir = root_.string();
    std::ofstream(root_ / "dovecot.conf")
        << "base_dir = " << dir << "/run\n"
        << "state_dir = " << dir << "/state\n"
        << "log_path = " << dir << "/dovecot.log\n"
        << "protocols = imap\nlisten = 127.0.0.1, 127.0.0.2\nssl = no\n"
        << "disable_plaintext_auth = no\nauth_mechanisms = plain login\n"
        << "auth_failure_delay = 0\n"
        << "mail_location = maildir:~/Maildir\n"
        << "passdb {\n  driver = passwd-file\n  args = scheme=PLAIN " << dir << "/passwd\n}\n"
        << "userdb {\n  driver = static\n  args = uid=nobody gid=nogroup home=" << dir
        << "/home/%u\n}\n"
        << "service imap-login {\n  chroot =\n  inet_listener imap {\n"
        << "    address = 127.0.0.1, 127.0.0.2\n"
        << "    port = " << port_ << "\n  }\n  inet_listener imaps {\n    port = 0\n  }\n}\n"
        << "service anvil {\n  chroot =\n}\n";
    pid_ = fork();
    if (pid_ == 0) {
      const std::string config = dir + "/dovecot.conf";
      execl(kDovecot, "dovecot", "-F", "-c", config.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 500 && !Accepts(port_); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ~PrivateDovecot() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }
  std::string Url(const std::string& host = "127.0.0.1") const {
    return "imap://" + host + ":" + std::to_string(port_);
  }
  bool Up() const { return Accepts(port_); }

 private:
  fs::path root_;
  int port_ = 0;
  pid_t pid_ = -1;
};

class ImapLogin : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kDovecot)) GTEST_FAIL() << "dovecot-imapd is not installed";
    if (geteuid() != 0) GTEST_SKIP() << "a private Dovecot needs root to switch users";
    dovecot_ = std::make_unique<PrivateDovecot>();
    ASSERT_TRUE(dovecot_->Up()) << "the private Dovecot did not start";
  }
  std::unique_ptr<PrivateDovecot> dovecot_;
};

TEST_F(ImapLogin, AcceptsTheRightPasswordAndRefusesAWrongOne) {
  ImapPasswordVerifier verifier(dovecot_->Url(), Seconds(10));
  auto right = verifier.Verify("ola@example.org", "secret");
  ASSERT_TRUE(right.ok()) << right.status().ToString();
  EXPECT_TRUE(*right);
  auto wrong = verifier.Verify("ola@example.org", "guess");
  ASSERT_TRUE(wrong.ok()) << wrong.status().ToString();
  EXPECT_FALSE(*wrong);
  auto unknown = verifier.Verify("kari@example.org", "secret");
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(*unknown);
  // A line break must never reach the IMAP command.
  auto injected = verifier.Verify("ola@example.org", "secret\r\nA1 LOGOUT");
  ASSERT_TRUE(injected.ok());
  EXPECT_FALSE(*injected);
}

// The private Dovecot offers no STARTTLS. On 127.0.0.1 that is accepted;
// the same server reached as 127.0.0.2 stands for one across the network,
// where the password must not go in clear: the check fails without sending it.
TEST_F(ImapLogin, PlainImapOffLoopbackNeedsStarttls) {
  ImapPasswordVerifier verifier(dovecot_->Url("127.0.0.2"), Seconds(10));
  auto result = verifier.Verify("ola@example.org", "secret");
  EXPECT_FALSE(result.ok());
}

TEST_F(ImapLogin, AnUnreachableServerIsAnErrorNotARefusal) {
  const std::string url = "imap://127.0.0.1:" + std::to_string(FreePort());
  ImapPasswordVerifier verifier(url, Seconds(5));
  auto result = verifier.Verify("ola@example.org", "secret");
  EXPECT_FALSE(result.ok());
}

TEST_F(ImapLogin, TheWebLoginGoesThroughDovecot) {
  ImapPasswordVerifier verifier(dovecot_->Url(), Seconds(10));
  WebTestServer server([](Config& c) { c.web.auth = WebAuth::kImap; }, &verifier);
  EXPECT_EQ(server.Call("POST", "/api/v1/login", {},
                        Json{{"user", "ola@example.org"}, {"password", "guess"}}.dump())
                .status,
            401);
  JsonResponse login = server.Call("POST", "/api/v1/login", {},
                                   Json{{"user", "ola@example.org"}, {"password", "secret"}}.dump());
  ASSERT_EQ(login.status, 200) << login.body.dump();
  const httplib::Headers session = {{"Cookie", SessionCookie(login.set_cookie)},
                                    {kCsrfHeader, login.body["csrf_token"].get<std::string>()}};
  EXPECT_EQ(server.Call("PUT", "/api/v1/ooo", session, Json{{"text", "Away."}}.dump()).status,
            201);
  EXPECT_EQ(server.Call("GET", "/api/v1/ooo", session).body["text"], "Away.");
}

}  // namespace
}  // namespace ar
