// RFC 2047 encoding of UTF-8 header text. mimetic has no encoder for encoded
// words, so this small piece writes them: B-encoding, each encoded word at
// most 75 octets (section 2), never splitting a UTF-8 character across two
// words (section 5 rule 3), folded onto continuation lines.
#pragma once

#include <string>
#include <string_view>

namespace ar {

// Returns the field body for "Name: <body>": the text unchanged when it is
// printable ASCII and short enough, else encoded words separated by CRLF SP.
// header_name_length lets the first line stay within 78 octets.
std::string EncodeHeaderText(std::string_view utf8, size_t header_name_length);

// Cuts UTF-8 text to at most max_bytes without splitting a character;
// appends nothing.
std::string TruncateUtf8(std::string_view utf8, size_t max_bytes);

// Replaces CR, LF, NUL and other C0 controls (except TAB) with a space.
std::string NeutralizeControls(std::string_view text);

}  // namespace ar
