// SmtpTransport: hands messages to an SMTP server (RFC 5321, plain TCP, no
// TLS, no AUTH): typically a local Postfix smtpd that has no milters, so the
// replies do not come back through autoresponder-milter.
//
// One session is kept open between Send() calls: a reused session is probed
// with RSET (which also clears any half-done transaction, RFC 5321 4.1.1.5)
// and reopened when the server has closed it. The destructor says QUIT.
//
// Reply classes (RFC 5321 4.2.1): 2xx/3xx as expected go on; 4xx, a lost
// connection or a timeout are temporary; 5xx to MAIL, RCPT or DATA is
// permanent. A refusal at greeting or EHLO/HELO is temporary too: it is about
// this client or the server's state, not about the message.
//
// PIPELINING (RFC 2920): when the EHLO reply lists it, the commands of a
// transaction go out in one write (RSET on a reused session, MAIL FROM,
// RCPT TO, DATA) and their replies are read in order; each reply means what
// it means without pipelining. A reused session whose RSET fails is
// reopened and the message goes out on the new one (the server answered
// nothing else, so it took nothing). A 354 to DATA after a refused MAIL or
// RCPT closes the session: the server waits for data that will not come.
//
// Not thread-safe: one thread at a time (see transport.h).
#pragma once

#include <memory>
#include <string>

#include "transport/smtp_connection.h"
#include "transport/transport.h"

namespace ar {

class SmtpTransport final : public Transport {
 public:
  explicit SmtpTransport(TransportSettings settings);
  ~SmtpTransport() override;
  SendResult Send(const OutgoingMail& mail) override;

 private:
  // Connects, reads the greeting, says EHLO (HELO if EHLO is refused).
  SendResult Open();
  SendResult Transaction(const OutgoingMail& mail);
  // The transaction as one pipelined command group, RSET first when reset.
  // With reset, *stale says the session was dead (nothing was sent on it;
  // it is closed) and the returned result means nothing.
  SendResult PipelinedTransaction(const OutgoingMail& mail, bool reset, bool* stale);
  // Sends the message after a 354 and reads the final reply.
  SendResult MessageData(const OutgoingMail& mail);
  // Sends one command line and reads the reply; closes the session on an
  // I/O error.
  Result<SmtpReply> Command(const std::string& line);
  void Close(bool say_quit);
  std::string Where() const;

  TransportSettings settings_;
  std::unique_ptr<SmtpConnection> connection_;
  bool pipelining_ = false;  // the open session's EHLO listed PIPELINING
};

// The DATA payload: CRLF line ends (a bare LF or CR becomes CRLF, RFC 5321
// 2.3.8), lines starting with '.' doubled (4.5.2), a final CRLF if missing,
// and the ".\r\n" terminator.
std::string DotStuffedData(const std::string& message);

}  // namespace ar
