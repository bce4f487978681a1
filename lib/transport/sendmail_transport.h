// SendmailTransport: hands a message to the local MTA through its sendmail(1)
// command:  <sendmail_path> <sendmail_args...> -i -f <sender|"<>"> -- <recipient>
// The message goes on stdin with LF line ends (the command's local-submission
// convention); its exit status (sysexits.h) decides temporary or permanent.
//
// Holds only its settings; used by one thread at a time (see transport.h).
#pragma once

#include <string>
#include <vector>

#include "transport/transport.h"

namespace ar {

class SendmailTransport final : public Transport {
 public:
  explicit SendmailTransport(TransportSettings settings);
  SendResult Send(const OutgoingMail& mail) override;

  // The argv Send() runs; exposed for tests and --check-config.
  std::vector<std::string> CommandLine(const OutgoingMail& mail) const;

 private:
  TransportSettings settings_;
};

// CRLF (and a lone CR) to LF, as sendmail(1) expects on stdin.
std::string ToLfLineEnds(const std::string& message);

// Whether a sendmail exit status is worth retrying: EX_TEMPFAIL, EX_OSERR,
// EX_IOERR and EX_CANTCREAT describe the local system, not the message.
bool IsTemporarySendmailExit(int exit_status);

}  // namespace ar
