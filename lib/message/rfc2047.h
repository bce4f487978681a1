// RFC 2047 decoding of header text (Subject, display names) into UTF-8.
// Charsets are converted with iconv(3); an encoded word in an unknown
// charset or with broken encoding is left as written. Whitespace between
// adjacent encoded words is dropped (RFC 2047 section 6.2). Invalid UTF-8 in
// raw 8-bit headers (RFC 6532 allows UTF-8) is replaced with U+FFFD.
#pragma once

#include <string>
#include <string_view>

namespace ar {

std::string DecodeHeaderText(std::string_view raw);

}  // namespace ar
