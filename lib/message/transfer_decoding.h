// Content-Transfer-Encoding decoding (RFC 2045 section 6) of body parts the
// trigger conditions read. Lenient, as mail readers are: damaged input
// yields what can be recovered, never an error, since a body is only ever
// searched, not trusted.
//
// Stateless free functions; safe to call from any thread.
#pragma once

#include <string>
#include <string_view>

namespace ar {

// RFC 2045 section 6.7: "=XX" becomes the byte, a soft line break ("=" at
// the end of a line) joins the lines; an "=" not followed by two hex digits
// stays as it is.
std::string DecodeQuotedPrintable(std::string_view encoded);

// RFC 2045 section 6.8: characters outside the base64 alphabet (line
// breaks, stray spaces) are skipped; decoding stops at the first "=".
std::string DecodeBase64(std::string_view encoded);

// Decodes `body` per a Content-Transfer-Encoding value ("base64",
// "quoted-printable", any case); 7bit, 8bit, binary and unknown encodings
// are returned unchanged.
std::string DecodeTransferEncoding(std::string_view encoding, std::string_view body);

}  // namespace ar
