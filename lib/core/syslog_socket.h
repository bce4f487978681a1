// SyslogSocket: one local syslog datagram socket (/dev/log by default, the
// option syslog_socket), written in the RFC 3164 local form
// "<PRI>ident[pid]: line" with facility mail. Used instead of syslog(3)
// because glibc always writes to /dev/log, and a test must be able to point
// a program at a socket of its own to read what it logged.
//
// No timestamp is sent: rsyslog and systemd-journald stamp a local message
// when it arrives, and the clock is read only through core/clock.h.
// Sending never fails loudly: a missing or full socket drops the line
// (logging must not stop mail). Thread-safe.
#pragma once

#include <mutex>
#include <string>
#include <string_view>

namespace ar {

enum class LogLevel;

class SyslogSocket {
 public:
  SyslogSocket(std::string path, std::string ident);
  ~SyslogSocket();
  SyslogSocket(const SyslogSocket&) = delete;
  SyslogSocket& operator=(const SyslogSocket&) = delete;

  // False when the line could not be handed to the socket.
  bool Send(LogLevel level, std::string_view line);

 private:
  bool ConnectLocked();

  const std::string path_;
  const std::string ident_;
  std::mutex mu_;
  int fd_ = -1;
};

// An error that stops a program at start: "PROGRAM: LINE" on stderr and the
// same line at level error to the syslog socket, so it reaches the mail log
// whether or not anyone reads the terminal.
void ReportStartupError(const std::string& program, const std::string& syslog_socket,
                        std::string_view line);

}  // namespace ar
