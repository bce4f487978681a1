// Transport: hands one composed message to the local MTA. Implementations:
//   SendmailTransport - the sendmail(1) command, argv without a shell,
//                       started with posix_spawn (never a bare fork(): the
//                       caller may hold an LMDB environment).
//   SmtpTransport     - SMTP to host:port, e.g. a Postfix smtpd without
//                       milters in a content-filter setup.
// A Transport is used by one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"

namespace ar {

struct OutgoingMail {
  std::string envelope_sender;  // "" for the null sender <>
  std::string recipient;
  std::string message;          // CRLF line ends
};

struct SendResult {
  enum class Kind { kSent, kTemporary, kPermanent };
  Kind kind = Kind::kTemporary;
  std::string detail;  // the MTA's words: exit status and stderr, or the SMTP reply
  bool sent() const { return kind == Kind::kSent; }
};

class Transport {
 public:
  virtual ~Transport() = default;
  virtual SendResult Send(const OutgoingMail& mail) = 0;
};

struct TransportSettings {
  std::string kind = "sendmail";                // "sendmail" or "smtp"
  std::string sendmail_path = "/usr/sbin/sendmail";
  std::vector<std::string> sendmail_args;       // extra argv, e.g. {"-C", "/etc/postfix-out"}
  std::string smtp_host = "127.0.0.1";
  int smtp_port = 25;
  std::string helo_name = "localhost";
  Seconds timeout = Seconds(60);
};

Result<std::unique_ptr<Transport>> MakeTransport(const TransportSettings& settings);

}  // namespace ar
