// UTF-8 validation used by header decoding. Header text may carry raw 8-bit
// bytes (RFC 6532 permits UTF-8; older mailers send Latin-1 or worse), and
// everything this folder returns must be valid UTF-8 so that later stages
// (templates, logs, the store) never see broken sequences.
//
// Stateless free functions; safe to call from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ar {

// The replacement character U+FFFD encoded as UTF-8.
inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";

// Appends `in` to `out`, replacing every byte that does not start a
// well-formed UTF-8 sequence (overlong forms, surrogates and code points
// above U+10FFFF included) with U+FFFD.
void AppendSanitizedUtf8(std::string_view in, std::string* out);

// Shortens `text` to at most `max_bytes` without splitting a multi-byte
// sequence. `text` must already be valid UTF-8.
void TruncateUtf8(std::string* text, size_t max_bytes);

}  // namespace ar
