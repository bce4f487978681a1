// SyslogSocket and ReportStartupError against a private datagram socket,
// read back as a syslog daemon would read it.
#include "core/syslog_socket.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>

#include "core/logger.h"

namespace ar {
namespace {

// A bound AF_UNIX datagram socket in the test temp dir.
class PrivateSyslog {
 public:
  PrivateSyslog() {
    path_ = (std::filesystem::path(::testing::TempDir()) /
             ("syslog-" + std::to_string(getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                .string();
    std::filesystem::remove(path_);
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path_.data(), path_.size());
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0) << path_;
  }
  ~PrivateSyslog() {
    close(fd_);
    std::filesystem::remove(path_);
  }
  const std::string& path() const { return path_; }
  // The next datagram, or "" when none is waiting.
  std::string Next() {
    char buffer[4096];
    const ssize_t n = recv(fd_, buffer, sizeof(buffer), MSG_DONTWAIT);
    return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : std::string();
  }

 private:
  std::string path_;
  int fd_ = -1;
};

TEST(SyslogSocket, SendsMailFacilityWithSeverityIdentAndPid) {
  PrivateSyslog syslog;
  SyslogSocket socket(syslog.path(), "autoresponder-milter");
  ASSERT_TRUE(socket.Send(LogLevel::kError, "cannot open store /x"));
  // facility mail (2) * 8 + error (3) = 19
  EXPECT_EQ(syslog.Next(),
            "<19>autoresponder-milter[" + std::to_string(getpid()) + "]: cannot open store /x");
  ASSERT_TRUE(socket.Send(LogLevel::kDebug, "trail"));
  EXPECT_EQ(syslog.Next().rfind("<23>", 0), 0u);
}

TEST(SyslogSocket, MissingSocketDropsTheLine) {
  SyslogSocket socket((std::filesystem::path(::testing::TempDir()) / "no-such-socket").string(),
                      "x");
  EXPECT_FALSE(socket.Send(LogLevel::kError, "lost"));
}

TEST(SyslogSocket, LoggerWritesToTheConfiguredSocket) {
  PrivateSyslog syslog;
  auto logger = MakeLogger("syslog", "autoresponder-dispatcher", LogLevel::kInfo, syslog.path());
  logger->Info("started");
  logger->Debug("not at info");
  EXPECT_EQ(syslog.Next(),
            "<22>autoresponder-dispatcher[" + std::to_string(getpid()) + "]: started");
  EXPECT_EQ(syslog.Next(), "");
  logger->SetLevel(LogLevel::kDebug);
  logger->Debug("now at debug");
  EXPECT_NE(syslog.Next().find("now at debug"), std::string::npos);
}

TEST(SyslogSocket, StartupErrorGoesToStderrAndSyslog) {
  PrivateSyslog syslog;
  ::testing::internal::CaptureStderr();
  ReportStartupError("autoresponder-milter", syslog.path(), "bad option");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "autoresponder-milter: bad option\n");
  EXPECT_NE(syslog.Next().find("]: bad option"), std::string::npos);
}

}  // namespace
}  // namespace ar
