// Authentication-Results (RFC 8601) parsing and the "is the sender
// authenticated?" question asked when require_authenticated_sender is set.
//
// Only fields whose authserv-id is our trusted one count: any other field was
// added outside our administrative domain and is a claim, not a result
// (RFC 8601 section 5). The MTA in front of us must remove forged fields that
// carry our own authserv-id (Postfix/OpenDMARC/OpenDKIM do).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "message/message.h"
#include "policy/message_verdict.h"
#include "policy/policy_settings.h"

namespace ar {

struct AuthenticationResult {
  std::string method;  // lower case, version removed: "spf", "dkim"
  std::string result;  // lower case: "pass", "fail", "none", ...
  // ptype.property -> value, e.g. {"smtp.mailfrom", "bob@example.org"};
  // names lower case, values unquoted and as written.
  std::vector<std::pair<std::string, std::string>> properties;

  // The value of the first property with this name, or "".
  std::string Property(std::string_view name) const;
};

struct AuthenticationResults {
  std::string authserv_id;                    // as written, unquoted
  std::vector<AuthenticationResult> results;  // empty for "none"
};

// Parses one field value. Comments are ignored, quoted values unquoted; a
// resinfo it cannot read is skipped. Never throws.
AuthenticationResults ParseAuthenticationResults(std::string_view value);

// True when results (already known to be trusted) show spf=pass for the
// sender's domain, or dkim=pass whose header.d (or the domain of header.i) is
// the From domain or a parent of it.
bool ShowsAuthenticatedSender(const AuthenticationResults& results, std::string_view sender_domain,
                              std::string_view from_domain);

// kNotAuthenticated unless a trusted Authentication-Results field shows an
// authenticated sender. Call only when settings.require_authenticated_sender.
MaybeVerdict FindAuthenticationVerdict(const Message& message, const PolicySettings& settings);

}  // namespace ar
