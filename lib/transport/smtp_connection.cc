#include "transport/smtp_connection.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

namespace ar {
namespace {

using SteadyClock = std::chrono::steady_clock;

// RFC 5321 4.5.3.1.5 allows 512 octets per reply line; accept more from
// lenient servers but never buffer without bound.
constexpr size_t kMaxReplyLine = 4096;
constexpr int kMaxReplyLines = 100;

int MillisUntil(SteadyClock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
  return static_cast<int>(std::clamp<int64_t>(left.count(), 0, 1 << 30));
}

// Waits for events on fd until deadline; false on timeout or poll error.
bool WaitFor(int fd, short events, SteadyClock::time_point deadline) {
  for (;;) {
    int ms = MillisUntil(deadline);
    if (ms <= 0) return false;
    pollfd p = {fd, events, 0};
    int r = poll(&p, 1, ms);
    if (r > 0) return true;
    if (r == 0) return false;
    if (errno != EINTR) return false;
  }
}

// Connects a non-blocking socket to one address, waiting until deadline.
int ConnectOne(const addrinfo* ai, SteadyClock::time_point deadline, std::string* error) {
  int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
  if (fd < 0) {
    *error = std::string("socket: ") + strerror(errno);
    return -1;
  }
  if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) return fd;
  if (errno != EINPROGRESS) {
    *error = strerror(errno);
    close(fd);
    return -1;
  }
  if (!WaitFor(fd, POLLOUT, deadline)) {
    *error = "connect timed out";
    close(fd);
    return -1;
  }
  int so_error = 0;
  socklen_t len = sizeof so_error;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len) != 0 || so_error != 0) {
    *error = strerror(so_error != 0 ? so_error : errno);
    close(fd);
    return -1;
  }
  return fd;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string SmtpReply::ToString() const {
  return text.empty() ? std::to_string(code) : std::to_string(code) + " " + text;
}

Result<std::unique_ptr<SmtpConnection>> SmtpConnection::Connect(
    const std::string& host, int port, std::chrono::milliseconds timeout) {
  const std::string where = host + ":" + std::to_string(port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* list = nullptr;
  int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &list);
  if (rc != 0) return Status::Temporary("cannot resolve " + where + ": " + gai_strerror(rc));

  const auto deadline = SteadyClock::now() + timeout;
  std::string error = "no address";
  int fd = -1;
  for (const addrinfo* ai = list; ai != nullptr && fd < 0; ai = ai->ai_next) {
    fd = ConnectOne(ai, deadline, &error);
  }
  freeaddrinfo(list);
  if (fd < 0) return Status::Temporary("cannot connect to " + where + ": " + error);
  return std::unique_ptr<SmtpConnection>(new SmtpConnection(fd, timeout));
}

SmtpConnection::~SmtpConnection() {
  if (fd_ >= 0) close(fd_);
}

Status SmtpConnection::Write(std::string_view data) {
  const auto deadline = SteadyClock::now() + timeout_;
  while (!data.empty()) {
    // MSG_NOSIGNAL: a server that hung up must give EPIPE, not a SIGPIPE
    // that kills the dispatcher.
    ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!WaitFor(fd_, POLLOUT, deadline)) return Status::Temporary("timed out sending");
      continue;
    }
    return Status::Temporary(std::string("connection lost while sending: ") + strerror(errno));
  }
  return Status::Ok();
}

Result<std::string> SmtpConnection::ReadLine(SteadyClock::time_point deadline) {
  for (;;) {
    size_t eol = buffer_.find('\n');
    if (eol != std::string::npos) {
      std::string line = buffer_.substr(0, eol);
      buffer_.erase(0, eol + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return line;
    }
    if (buffer_.size() > kMaxReplyLine) return Status::Temporary("reply line too long");
    if (!WaitFor(fd_, POLLIN, deadline)) return Status::Temporary("timed out waiting for reply");
    char buf[4096];
    ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n > 0) {
      buffer_.append(buf, static_cast<size_t>(n));
    } else if (n == 0) {
      return Status::Temporary("connection closed by server");
    } else if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
      return Status::Temporary(std::string("connection lost: ") + strerror(errno));
    }
  }
}

Result<SmtpReply> SmtpConnection::ReadReply() {
  // One deadline per reply: a server trickling continuation lines cannot
  // hold us longer than the timeout.
  const auto deadline = SteadyClock::now() + timeout_;
  SmtpReply reply;
  for (int i = 0; i < kMaxReplyLines; ++i) {
    Result<std::string> line = ReadLine(deadline);
    if (!line.ok()) return line.status();
    const std::string& l = *line;
    // RFC 5321 4.2: three digits, then '-' on all but the last line, then text.
    if (l.size() < 3 || !IsDigit(l[0]) || !IsDigit(l[1]) || !IsDigit(l[2]) ||
        (l.size() > 3 && l[3] != ' ' && l[3] != '-')) {
      return Status::Temporary("malformed reply: " + l.substr(0, 80));
    }
    int code = (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0');
    if (i == 0) reply.code = code;
    // The text ends up in logs: keep it printable.
    std::string text;
    for (size_t k = 4; k < l.size(); ++k) {
      unsigned char u = static_cast<unsigned char>(l[k]);
      if (u >= 0x20 && u != 0x7f) text += l[k];
    }
    reply.lines.push_back(text);
    if (!text.empty()) {
      if (!reply.text.empty()) reply.text += ' ';
      reply.text += text;
    }
    if (l.size() == 3 || l[3] == ' ') return reply;
  }
  return Status::Temporary("reply has too many lines");
}

}  // namespace ar
