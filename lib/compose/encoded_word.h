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

// Always encoded words, never plain text: for a display name (an RFC 5322
// phrase), where an encoded word may stand but must not be quoted
// (RFC 2047 section 5 rule 3). used_on_first_line is what the line already
// holds before the first word.
std::string EncodeAsWords(std::string_view utf8, size_t used_on_first_line);

// Cuts UTF-8 text to at most max_bytes without splitting a character;
// appends nothing.
std::string TruncateUtf8(std::string_view utf8, size_t max_bytes);

// Cuts UTF-8 text to at most max_chars characters (code points); appends
// nothing. Subjects are capped in characters so that a Cyrillic or CJK
// subject keeps as much visible text as a Latin one.
std::string TruncateUtf8Characters(std::string_view utf8, size_t max_chars);

// Replaces CR, LF, NUL and other C0 controls (except TAB) with a space.
std::string NeutralizeControls(std::string_view text);

// Replaces every byte that is not part of a well-formed UTF-8 sequence
// (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF) with
// U+FFFD, so that text labelled charset=utf-8 really is UTF-8.
std::string RepairUtf8(std::string_view text);

// Length in bytes of the well-formed UTF-8 sequence starting at text[0], or
// 0 when text is empty or does not start with one.
size_t Utf8SequenceLength(std::string_view text);

}  // namespace ar
