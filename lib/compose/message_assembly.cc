#include "compose/message_assembly.h"

#include <iterator>
#include <memory>
#include <sstream>

// mimetic predates C++11 and warns under -Wall -Wextra; it is included as a
// SYSTEM directory (see CMakeLists.txt) so those warnings stay quiet.
#include <mimetic/mimetic.h>

#include "compose/body_encoding.h"
#include "compose/encoded_word.h"

namespace ar {

namespace {

// Text bodies go out in canonical form: CRLF line ends (RFC 2045 section
// 6.8 encodes the canonical form), valid UTF-8 to match the charset label,
// and a line break at the end.
std::string CanonicalText(std::string_view body) {
  const std::string text = RepairUtf8(body);
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (text[i] == '\n') {
      out += "\r\n";
    } else {
      out += text[i];
    }
  }
  // A 7bit or quoted-printable body cannot tell its last line break from
  // the one that ends the message or precedes the boundary, so every text
  // ends with one (as text files do) and decodes back exactly.
  if (!out.empty() && out.compare(out.size() - 2, 2, "\r\n") != 0) out += "\r\n";
  return out;
}

// The body goes in as written by EncodeTextBody (body_encoding.h): 7bit or
// quoted-printable, never base64, so the text is readable on the wire.
// mimetic's own quoted-printable codec is not used: it switches to binary
// mode at the first 8-bit byte and then writes every line break as "=0A",
// which turns a UTF-8 text into one long soft-broken line.
void SetTextContent(mimetic::MimeEntity& entity, std::string_view subtype, std::string_view body) {
  mimetic::ContentType type("text", std::string(subtype));
  type.param("charset", "utf-8");
  entity.header().contentType(type);
  const EncodedBody encoded = EncodeTextBody(CanonicalText(body));
  entity.header().contentTransferEncoding(mimetic::ContentTransferEncoding(encoded.mechanism));
  entity.body().assign(encoded.text);
}

}  // namespace

bool IsRfc5322FieldName(std::string_view name) {
  if (name.empty() || name.size() > 76) return false;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7E || c == ':') return false;
  }
  return true;
}

// The RFC 5322 fields are written here rather than through mimetic's
// Header: its writer refolds every long value by replacing a space with
// CRLF TAB, which changes unstructured text (a space in a subject or a
// quoted display name comes back as a TAB), and it cannot be told that a
// value is already folded. Callers fold their values with CRLF SP.
void AppendHeaderField(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(":");
  if (!value.empty()) out.append(" ").append(value);
  out.append("\r\n");
}

Result<std::string> MimeEntityText(std::string_view text, std::string_view html,
                                   std::string_view boundary_tag) {
  try {
    // mimetic writes the MIME entity: MIME-Version, Content-Type,
    // Content-Transfer-Encoding, the parts and their boundaries.
    mimetic::MimeEntity root;
    root.header().push_back(mimetic::Field("MIME-Version", "1.0"));
    if (html.empty()) {
      SetTextContent(root, "plain", text);
    } else {
      // RFC 2046 section 5.1.4: alternatives in increasing order of
      // preference, so plain text first. "=_" cannot occur in the bodies
      // (EncodeTextBody quotes any "=" of a body that contains it), so the
      // boundary never collides with the content.
      mimetic::ContentType type("multipart", "alternative");
      type.param("boundary", "=_ar_" + std::string(boundary_tag));
      root.header().contentType(type);
      auto text_part = std::make_unique<mimetic::MimeEntity>();
      SetTextContent(*text_part, "plain", text);
      auto html_part = std::make_unique<mimetic::MimeEntity>();
      SetTextContent(*html_part, "html", html);
      // The MimeEntityList takes ownership of the raw pointers.
      root.body().parts().push_back(text_part.release());
      root.body().parts().push_back(html_part.release());
    }
    std::ostringstream out;
    out << root;
    return out.str();
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("building the MIME body failed: ") + e.what());
  }
}

// Defence in depth: whatever went wrong above, never hand out a message that
// is not 7-bit, has a bare CR or LF, or a line longer than 998 octets.
bool IsWellFormedMessage(std::string_view message) {
  size_t line = 0;
  for (size_t i = 0; i < message.size(); ++i) {
    const auto u = static_cast<unsigned char>(message[i]);
    if (u == 0 || u > 0x7F) return false;
    if (u == '\r') {
      if (i + 1 >= message.size() || message[i + 1] != '\n') return false;
      ++i;
      line = 0;
      continue;
    }
    if (u == '\n') return false;
    if (++line > 998) return false;
  }
  return true;
}

}  // namespace ar
