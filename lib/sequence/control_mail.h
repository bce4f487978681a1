// Control mail: the messages that come back to the addresses every sequence
// mail hands out, "unsubscribe+TOKEN@domain" (List-Unsubscribe mailto) and
// "bounces+TOKEN@domain" (the VERP envelope sender). This file reads what
// such a message says; sequence_decision.cc decides what to do with it.
//
// The milter negotiates SMFIP_NOBODY for ordinary mail, so the decision works
// on header fields. For a DSN the per-recipient Status lives in the body
// (RFC 3464 section 2.3.4); the caller that has the body runs ParseDsnStatus
// and hands the result to the decision in the pseudo header field
// kDsnStatusPseudoHeader (see sequence_decision.h for that contract).
//
// Pure functions over untrusted text: bounded, linear, never throw.
// Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "message/message.h"

namespace ar {

// The field a caller adds to a Message to pass a DSN's status code into
// DecideSequences. Received copies of it must be removed first; the decision
// reads the last field of this name.
inline constexpr std::string_view kDsnStatusPseudoHeader = "X-Autoresponder-Dsn-Status";

// True when a Content-Type value is multipart/report with
// report-type=delivery-status or global-delivery-status (RFC 3464 section 2,
// RFC 6533 section 6). Case-insensitive; comments and quoting understood.
bool IsDeliveryStatusContentType(std::string_view content_type);

// True when the message's Content-Type says it is a delivery status
// notification (the first Content-Type field; IsDeliveryStatusContentType).
bool IsDeliveryStatusNotification(const Message& message);

// Finds the message/delivery-status (or message/global-delivery-status) part
// in a raw message body and returns the first per-recipient "Status: X.Y.Z"
// field's code (RFC 3464 section 2.3.4: class 2, 4 or 5, then 1-3 digit
// subject and detail), e.g. "5.1.1". Comments after the code are ignored.
// nullopt when there is no such part or no well-formed Status in it.
std::optional<std::string> ParseDsnStatus(std::string_view body);

// True when address is "<local>+<anything>@<domain>" (any case, any
// domain, angle brackets allowed): the shape of a control address. Whether
// it is ours depends on the domain (sequence_decision.h
// IsOurControlAddress) and the token (tokens.h TokenFromTaggedAddress).
bool IsTaggedControlAddress(std::string_view address, std::string_view local);

// Checks a status code as ParseDsnStatus returns it: "X.Y.Z" with X in
// {2,4,5}. Used on the pseudo header, which is also untrusted input.
bool IsWellFormedDsnStatus(std::string_view status);

}  // namespace ar
