// SmtpConnection: one plain TCP connection to an SMTP server, with a timeout
// on connect, on every write and on every reply. Knows the reply syntax of
// RFC 5321 4.2 (multi-line replies, bounded line length), nothing about the
// command sequence (that is SmtpTransport's).
//
// Owns its socket; closed on destruction. Used by one thread at a time.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/status.h"

namespace ar {

struct SmtpReply {
  int code = 0;      // e.g. 250
  std::string text;  // the text of every line, joined with a space
  std::vector<std::string> lines;  // each line's text alone (EHLO keywords)
  // "250 2.0.0 Ok: queued as 4Xb1", for logs and SendResult::detail.
  std::string ToString() const;
};

class SmtpConnection {
 public:
  // Resolves host, connects to the first address that answers within timeout.
  // Errors are Temporary: a server down now may be up later.
  static Result<std::unique_ptr<SmtpConnection>> Connect(const std::string& host, int port,
                                                         std::chrono::milliseconds timeout);
  ~SmtpConnection();
  SmtpConnection(const SmtpConnection&) = delete;
  SmtpConnection& operator=(const SmtpConnection&) = delete;

  // Writes all of data; Temporary on timeout or when the peer is gone.
  Status Write(std::string_view data);
  // Reads one complete (possibly multi-line) reply. Temporary on timeout, on
  // end of file, and on a reply that does not parse.
  Result<SmtpReply> ReadReply();

 private:
  SmtpConnection(int fd, std::chrono::milliseconds timeout) : fd_(fd), timeout_(timeout) {}
  // One line without its CRLF, waiting until deadline.
  Result<std::string> ReadLine(std::chrono::steady_clock::time_point deadline);

  int fd_;
  std::chrono::milliseconds timeout_;
  std::string buffer_;  // received, not yet consumed
};

}  // namespace ar
