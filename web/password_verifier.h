// PasswordVerifier: checks a login name and password for web_auth = imap.
// An interface so the server can be tested with the real IMAP check
// (imap_password_verifier.h) and without it. Implementations are
// thread-safe.
#pragma once

#include <string>

#include "core/result.h"

namespace ar {

class PasswordVerifier {
 public:
  virtual ~PasswordVerifier() = default;
  // true: accepted; false: refused by the server. An error when the answer
  // is unknown (server unreachable, TLS failure): the user is not let in.
  virtual Result<bool> Verify(const std::string& name, const std::string& password) = 0;
};

}  // namespace ar
