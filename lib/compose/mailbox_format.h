// Building blocks for the address fields of a reply (RFC 5322 section 3.4):
// a safety check for the addresses we put between angle brackets, and the
// display name as a phrase. mimetic's Mailbox class neither quotes nor
// RFC 2047-encodes a display name, so both are done here.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace ar {


// True for a host name usable on the right of a Message-ID: 1..253 octets
// of letters, digits, '-', '_' and '.'.
bool IsSafeHostname(std::string_view host);

// The display name as it goes before "<address>": "" when the name is
// empty after neutralizing controls and trimming; RFC 2047 encoded words
// when it is not ASCII; a quoted string when it holds anything but atext
// and spaces (RFC 5322 section 3.2.3), or something that looks like an
// encoded word; else as is. Names are capped at kMaxDisplayNameCharacters.
std::string FormatDisplayName(std::string_view display_name, size_t used_on_first_line);

// "name <addr>" or "addr", folded before "<addr>" when the line would pass 78
// octets. Precondition: IsSafeAddress(addr) (message/address.h).
std::string FormatMailbox(std::string_view display_name, std::string_view addr,
                          size_t header_name_length);

inline constexpr size_t kMaxDisplayNameCharacters = 200;

}  // namespace ar
