// RFC 2047 decoding of header text (Subject, display names) into UTF-8.
// Charsets are converted with iconv(3); an encoded word in an unknown
// charset or with broken encoding is left as written. Whitespace between
// adjacent encoded words is dropped (RFC 2047 section 6.2). Invalid UTF-8 in
// raw 8-bit headers (RFC 6532 allows UTF-8) is replaced with U+FFFD.
//
// The result is always valid UTF-8 of at most kMaxDecodedTextBytes. Control
// characters (C0 except HTAB, and DEL), whether raw or produced by decoding
// (an encoded "=0D=0A"), become spaces so decoded text can never start a new
// header line when it is reused, e.g. in a reply's Subject.
//
// Stateless; safe to call from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ar {

inline constexpr size_t kMaxDecodedTextBytes = 64 * 1024;

std::string DecodeHeaderText(std::string_view raw);

}  // namespace ar
