// The last check before an envelope address goes to the MTA, on the wire in
// "MAIL FROM:<...>" / "RCPT TO:<...>" or as a sendmail argument. Addresses
// were parsed earlier, but they came from untrusted mail and were stored in
// between: a CR or LF would let them inject SMTP commands (RFC 5321 2.3.8),
// and '<' or '>' would end the path early.
#pragma once

#include <string_view>

namespace ar {

// True when the address may be sent as is. "" is allowed (the null sender)
// only when allow_empty is set.
bool IsSafeEnvelopeAddress(std::string_view address, bool allow_empty);

}  // namespace ar
