// Authentication-Results (RFC 8601) parsing and the "is the sender
// authenticated?" question asked when require_authenticated_sender is set.
//
// A reply goes to the envelope sender, so that is the identity that must be
// authenticated (not From): an SPF pass for the envelope sender's domain, or
// a DKIM pass whose signing domain is that domain or a parent of it.
//
// Which fields count. Only fields whose authserv-id is our trusted one: any
// other field is someone else's claim, not a result (RFC 8601 section 5).
// And of those only the topmost: the verifiers of our own MTA add their
// fields above the message as it arrived (Postfix: a policy service's
// PREPEND above our Received field, a milter's insert at index 0 or 1 above
// or just below it), so Message order, first field first, walks from our
// additions down into the arrived message. We read the Authentication-Results
// fields from the top and stop at the first one with another authserv-id:
// everything below it arrived from outside. Within that topmost run, for
// each method the topmost field reporting it is the verdict and fields below
// it are ignored, so a pass forged below our own fail stays a fail. Other
// header fields (Received, ...) between them do not end the run: our own
// Received field sits among our own additions.
//
// What this cannot do: tell our field from an outside one carrying our id
// when our verifier reported nothing for that method. The MTA in front of us
// must remove incoming fields carrying our authserv-id (RFC 8601 section 5);
// see autoresponder-milter(8), AUTHENTICATED SENDERS.
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

// The fields that speak for this message: the Authentication-Results fields
// carrying trusted_id (compared case-insensitively) from the top of the
// message down to the first field with another authserv-id, topmost first.
// Empty when trusted_id is empty.
std::vector<AuthenticationResults> TopmostTrustedResults(const Message& message,
                                                         std::string_view trusted_id);

// True when, for the envelope sender's domain, the topmost field in trusted
// (topmost first) that reports SPF shows spf=pass with smtp.mailfrom in that
// domain, or the topmost field that reports DKIM shows a dkim=pass whose
// header.d (without header.d: the domain of header.i) is that domain or a
// parent of it with at least two labels. False for an empty sender domain.
bool ShowsAuthenticatedSender(const std::vector<AuthenticationResults>& trusted,
                              std::string_view sender_domain);

// kNotAuthenticated unless the topmost trusted fields show an authenticated
// envelope sender. Call only when settings.require_authenticated_sender.
MaybeVerdict FindAuthenticationVerdict(const Message& message, const PolicySettings& settings);

}  // namespace ar
