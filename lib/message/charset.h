// Conversion of text in a MIME charset (RFC 2046 section 4.1.2, as named in
// RFC 2047 encoded words) to UTF-8 through iconv(3).
//
// Stateless; each call opens and closes its own conversion descriptor, so it
// is safe to call from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ar {

// Converts `bytes` from `charset` to UTF-8. Returns nullopt when the charset
// is unknown to iconv or its name is not a plausible charset name. Byte
// sequences that are invalid in the charset become U+FFFD; the result is
// always valid UTF-8.
std::optional<std::string> ConvertToUtf8(std::string_view charset, std::string_view bytes);

}  // namespace ar
