#include "core/syslog_socket.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/logger.h"

namespace ar {

namespace {

constexpr int kFacilityMail = 2 << 3;  // RFC 3164 section 4.1.1, LOG_MAIL

int Severity(LogLevel level) {
  switch (level) {
    case LogLevel::kError:
      return 3;
    case LogLevel::kWarning:
      return 4;
    case LogLevel::kInfo:
      return 6;
    case LogLevel::kDebug:
      return 7;
  }
  return 6;
}

}  // namespace

SyslogSocket::SyslogSocket(std::string path, std::string ident)
    : path_(std::move(path)), ident_(std::move(ident)) {}

SyslogSocket::~SyslogSocket() {
  if (fd_ >= 0) close(fd_);
}

bool SyslogSocket::ConnectLocked() {
  if (fd_ >= 0) return true;
  sockaddr_un addr{};
  if (path_.empty() || path_.size() >= sizeof(addr.sun_path)) return false;
  const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path_.data(), path_.size());
  if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return false;
  }
  fd_ = fd;
  return true;
}

bool SyslogSocket::Send(LogLevel level, std::string_view line) {
  const std::string datagram = "<" + std::to_string(kFacilityMail | Severity(level)) + ">" +
                               ident_ + "[" + std::to_string(getpid()) + "]: " + std::string(line);
  std::lock_guard<std::mutex> lock(mu_);
  // One retry on a fresh socket: the syslog daemon may have been restarted
  // and its socket replaced since the last line.
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!ConnectLocked()) return false;
    if (send(fd_, datagram.data(), datagram.size(), MSG_NOSIGNAL | MSG_DONTWAIT) >= 0) return true;
    close(fd_);
    fd_ = -1;
  }
  return false;
}

void ReportStartupError(const std::string& program, const std::string& syslog_socket,
                        std::string_view line) {
  std::fprintf(stderr, "%s: %.*s\n", program.c_str(), static_cast<int>(line.size()), line.data());
  std::fflush(stderr);
  SyslogSocket(syslog_socket, program).Send(LogLevel::kError, line);
}

}  // namespace ar
