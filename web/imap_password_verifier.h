// ImapPasswordVerifier: web_auth = imap. Logs in to the site's IMAP server
// (web_imap_server) with libcurl's IMAP client, as webmail does, and logs
// out again; nothing else is read. imaps:// is TLS from the start; imap://
// requires STARTTLS, except on loopback (127.0.0.1, ::1, localhost) where
// it is used when offered; certificates are verified. Each call uses its own connection; thread-safe once
// curl_global_init() has run (the constructor does it).
#pragma once

#include <string>

#include "core/clock.h"
#include "web/password_verifier.h"

namespace ar {

class ImapPasswordVerifier final : public PasswordVerifier {
 public:
  ImapPasswordVerifier(std::string server_url, Seconds timeout = Seconds(10));
  Result<bool> Verify(const std::string& name, const std::string& password) override;

 private:
  std::string server_url_;
  Seconds timeout_;
};

}  // namespace ar
