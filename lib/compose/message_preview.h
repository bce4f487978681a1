// A readable view of a composed message for the operator
// (`autoresponder-ctl queue show`): the header fields with RFC 2047 words
// decoded, then each text part with its transfer encoding undone and its
// charset converted to UTF-8; other parts are named, never printed. Works
// on any message but is meant for the ones compose/ writes. Pure;
// thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace ar {

// "Name: decoded value" lines, a blank line, then per text part a line
// "[text/plain; utf-8]" and its decoded text (LF line ends); "[TYPE, N
// bytes]" for each other part. Never fails: bytes it cannot decode are
// shown as they are.
std::string DecodedMessagePreview(std::string_view message);

}  // namespace ar
