// Content-Transfer-Encoding of text parts (RFC 2045 section 6): the lightest
// encoding that keeps a body readable in a mail client's source view, in a
// mail log and in `autoresponder-ctl sequence render --raw`.
//
//   7bit              when every line is printable US-ASCII (or TAB), at
//                     most 76 octets, without trailing white space, and the
//                     text cannot be mistaken for a MIME boundary ("=_");
//   quoted-printable  otherwise: ASCII stays as written, only the other
//                     octets become "=XX" (RFC 2045 section 6.7), so a
//                     Norwegian or Russian text is still legible around the
//                     escapes.
// Never base64: a text part in base64 cannot be read without a decoder.
// 8bit is not used because the composed message stays 7-bit clean for any
// MTA on the way (IsWellFormedMessage in message_assembly.h).
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace ar {

struct EncodedBody {
  std::string mechanism;  // "7bit" or "quoted-printable"
  std::string text;       // CRLF line ends, every line at most 76 octets
};

// canonical: the body with CRLF line ends (RFC 2045 section 6.8 encodes the
// canonical form). Line breaks stay hard line breaks; long lines get soft
// breaks ("=" CRLF) that never split an escape.
EncodedBody EncodeTextBody(std::string_view canonical);

}  // namespace ar
