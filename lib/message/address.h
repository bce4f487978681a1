// RFC 5322 address parsing (section 3.4) for the fields a responder reads:
// From, Sender, To, Cc, Bcc, Resent-*. Tolerant of what real mail contains
// (obsolete syntax, missing brackets, trailing garbage) but never crashes or
// reads past the input; a part it cannot make sense of is skipped.
//
// Stateless free functions; safe to call from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ar {

struct Mailbox {
  std::string display_name;  // decoded (RFC 2047) UTF-8, quotes removed; may be ""
  std::string address;       // "local@domain" as written (no brackets), may lack a domain
};

// Parses a header value holding an address-list or mailbox-list. Understands
// comments "(...)", quoted strings, angle addresses, group syntax
// "team: a@x, b@y;" (members are returned, the group name is not) and
// "undisclosed-recipients:;" (no members). Never throws.
//
// Also accepted: nested and unbalanced comments, the obsolete route
// "<@a,@b:user@x>" (the route is dropped), a missing '>', "Name user@x"
// (brackets forgotten), and "user@x (Name)" (the comment becomes the display
// name). Mailboxes with an empty address ("<>") are skipped. Work is linear
// in the input and at most kMaxMailboxes are returned.
inline constexpr size_t kMaxMailboxes = 1000;
std::vector<Mailbox> ParseAddressList(std::string_view value);

// Lower-cases the whole address (domain is case-insensitive by RFC 5321; the
// local part is treated case-insensitively as every common MTA does).
std::string NormalizeAddress(std::string_view address);

// NormalizeAddress, then strips a BATV tag: "prvs=1234abcd=user@x" and
// "prvs=user/1234abcd@x" forms become "user@x". Used as the dedupe key for
// "has this sender been answered", while replies still go to the real path.
std::string NormalizeSenderForDedupe(std::string_view address);

// "user@Example.ORG" -> "example.org"; "" when there is no '@'.
std::string DomainOf(std::string_view address);
// "user+tag@x" -> "user": the part before the last '@' (the whole input when
// there is none), without a "+subaddress" (RFC 5233). Case is kept.
std::string LocalPartOf(std::string_view address);

// True when the address is safe to put in an envelope or header, also as
// "<address>" in a reply: 1..254 octets of printable ASCII, one '@' with text
// on both sides, none of < > ( ) , ; : " \ ` and no whitespace. Hostile
// addresses are refused, not repaired; non-ASCII (RFC 6531) addresses are
// refused because replies are 7-bit. The policy, the sequence triggers, the
// CLI and the composers all use this one test, so an address the decision
// accepts is one the composer can write. (An apostrophe, as in o'brien@x, is
// ordinary atext and allowed.)
bool IsSafeAddress(std::string_view address);

}  // namespace ar
