// The readable text of a message body, for trigger conditions on the body
// (sequence files: body = REGEX): text/plain parts, and text/html parts
// rendered to text (html_text.h), each transfer-decoded (base64,
// quoted-printable) and converted from its charset to UTF-8.
//
// Never read: attachments (Content-Disposition: attachment), parts that are
// not text (images, application/*, message/*), and everything past the
// limit. In a multipart/alternative only one version counts, text/plain
// before text/html, so the same words are not matched twice.
//
// The input is the body as the milter received it, possibly cut short at
// the milter's limit: a last part without its closing boundary is read as
// far as it goes. Hostile structure is bounded (kMaxDepth nested multiparts,
// kMaxParts parts); what lies beyond is skipped, never an error.
//
// Stateless; safe to call from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "message/message.h"

namespace ar {

inline constexpr size_t kMaxMimeDepth = 8;
inline constexpr size_t kMaxMimeParts = 200;

// headers: the message's own header fields (Content-Type,
// Content-Transfer-Encoding, Content-Disposition); raw_body: the body after
// the header section. The result is valid UTF-8 of at most max_bytes, the
// texts of several parts joined by line breaks.
std::string ExtractBodyText(const Message& headers, std::string_view raw_body, size_t max_bytes);

// The parts of a Content-Type value: "text/plain; charset=koi8-r" ->
// type "text", subtype "plain", parameter("charset") "koi8-r". Names are
// lower case; quoted parameter values are unquoted.
struct ContentType {
  std::string type = "text";
  std::string subtype = "plain";
  std::string charset;   // "" when absent
  std::string boundary;  // "" when absent
};
// Without a value (or an unreadable one) the RFC 2045 section 5.2 default
// text/plain; charset=us-ascii.
ContentType ParseContentType(std::string_view value);

}  // namespace ar
