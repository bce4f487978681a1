#include "compose/reply_composer.h"

#include <iterator>
#include <memory>
#include <sstream>

// mimetic predates C++11 and warns under -Wall -Wextra; it is included as a
// SYSTEM directory (see CMakeLists.txt) so those warnings stay quiet.
#include <mimetic/mimetic.h>

#include "compose/encoded_word.h"
#include "compose/mailbox_format.h"
#include "compose/message_ids.h"

namespace ar {

namespace {

// Long subjects are cut at a character boundary. RFC 5322 allows any length
// once folded, but a reply's subject is "Auto: " plus the original, and
// nobody reads past a couple of hundred characters.
constexpr size_t kMaxSubjectCharacters = 200;
constexpr size_t kMaxLoopMarkerValueCharacters = 200;

// RFC 5322 section 3.6.8: field-name = 1*ftext, printable ASCII but ':'.
bool IsFieldName(std::string_view name) {
  if (name.empty() || name.size() > 76) return false;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7E || c == ':') return false;
  }
  return true;
}

// Text bodies go out in canonical form: CRLF line ends (RFC 2045 section
// 6.8 encodes the canonical form), valid UTF-8 to match the charset label.
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
  return out;
}

// Base64 with mimetic's codec, its LF line breaks turned into CRLF by
// mimetic's Lf2CrLf. Base64 rather than mimetic's quoted-printable: the
// latter switches to binary mode at the first 8-bit byte and then writes
// every line break as "=0A", which turns a UTF-8 text into one long
// soft-broken line.
std::string Base64Body(std::string_view canonical) {
  std::string lf_lines;
  mimetic::Base64::Encoder base64;
  base64.process(canonical.begin(), canonical.end(), std::back_inserter(lf_lines));
  std::string encoded;
  mimetic::Lf2CrLf crlf;
  mimetic::code(lf_lines.begin(), lf_lines.end(), crlf, std::back_inserter(encoded));
  while (!encoded.empty() && (encoded.back() == '\n' || encoded.back() == '\r')) encoded.pop_back();
  return encoded;
}

void SetTextContent(mimetic::MimeEntity& entity, std::string_view subtype, std::string_view body) {
  mimetic::ContentType type("text", std::string(subtype));
  type.param("charset", "utf-8");
  entity.header().contentType(type);
  entity.header().contentTransferEncoding(mimetic::ContentTransferEncoding("base64"));
  entity.body().assign(Base64Body(CanonicalText(body)));
}

// The RFC 5322 fields are written here rather than through mimetic's
// Header: its writer refolds every long value by replacing a space with
// CRLF TAB, which changes unstructured text (a space in a subject or a
// quoted display name comes back as a TAB), and it cannot be told that a
// value is already folded. The values below are folded by us with CRLF SP.
void AppendField(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(":");
  if (!value.empty()) out.append(" ").append(value);
  out.append("\r\n");
}

// Defence in depth: whatever went wrong above, never hand out a message that
// is not 7-bit, has a bare CR or LF, or a line longer than 998 octets
// (RFC 5322 section 2.1.1).
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

}  // namespace

Result<ComposedReply> ComposeReply(const ReplyPlan& plan, const ComposeSettings& settings,
                                   TimePoint now) {
  if (!IsSafeAngleAddress(plan.from_address))
    return Status::InvalidArgument("reply From address is not usable: " +
                                   NeutralizeControls(plan.from_address));
  if (!IsSafeAngleAddress(plan.envelope_recipient))
    return Status::InvalidArgument("reply recipient address is not usable: " +
                                   NeutralizeControls(plan.envelope_recipient));
  if (!IsSafeHostname(settings.hostname))
    return Status::InvalidArgument("hostname is not usable in a Message-ID: " +
                                   NeutralizeControls(settings.hostname));
  if (!IsFieldName(settings.loop_marker_header))
    return Status::InvalidArgument("loop marker is not a header field name: " +
                                   NeutralizeControls(settings.loop_marker_header));

  ComposedReply reply;
  reply.message_id =
      MakeReplyMessageId(plan.user, plan.generation, plan.dedupe_sender, now, settings.hostname);
  if (reply.message_id.empty()) return Status::Temporary("SHA-256 is unavailable");

  std::string head;
  AppendField(head, "From", FormatMailbox(plan.from_display_name, plan.from_address, 4));
  AppendField(head, "To", FormatMailbox(plan.to_display_name, plan.envelope_recipient, 2));
  const std::string subject =
      TruncateUtf8Characters(RepairUtf8(NeutralizeControls(plan.subject)), kMaxSubjectCharacters);
  AppendField(head, "Subject", EncodeHeaderText(subject, 7));
  AppendField(head, "Date", FormatRfc5322Date(now));
  AppendField(head, "Message-ID", reply.message_id);
  // RFC 3834 section 3.1.3 and 3.1.4: thread the reply under the original.
  const std::string in_reply_to = InReplyToValue(NeutralizeControls(plan.original_message_id));
  if (!in_reply_to.empty()) AppendField(head, "In-Reply-To", in_reply_to);
  const std::string references = ReferencesValue(NeutralizeControls(plan.original_references),
                                                 NeutralizeControls(plan.original_message_id), 10);
  if (!references.empty()) AppendField(head, "References", references);
  // RFC 3834 section 5: marks the reply as automatic so that other
  // responders stay quiet; X-Auto-Response-Suppress does the same for
  // Exchange, and the loop marker lets our own milter recognise it.
  AppendField(head, "Auto-Submitted", "auto-replied");
  AppendField(head, "X-Auto-Response-Suppress", "All");
  const std::string marker_value = TruncateUtf8Characters(
      RepairUtf8(NeutralizeControls(settings.loop_marker_value)), kMaxLoopMarkerValueCharacters);
  AppendField(head, settings.loop_marker_header,
              EncodeHeaderText(marker_value, settings.loop_marker_header.size()));

  try {
    // mimetic writes the MIME entity: MIME-Version, Content-Type,
    // Content-Transfer-Encoding, the parts and their boundaries.
    mimetic::MimeEntity root;
    root.header().push_back(mimetic::Field("MIME-Version", "1.0"));

    if (plan.html_body.empty()) {
      SetTextContent(root, "plain", plan.text_body);
    } else {
      // RFC 2046 section 5.1.4: alternatives in increasing order of
      // preference, so plain text first. The boundary is derived from the
      // Message-ID to keep the output deterministic; "=_" cannot occur in
      // base64 bodies, so it never collides with the content.
      const std::string hex = reply.message_id.substr(4, 32);
      mimetic::ContentType type("multipart", "alternative");
      type.param("boundary", "=_ar_" + hex);
      root.header().contentType(type);
      auto text = std::make_unique<mimetic::MimeEntity>();
      SetTextContent(*text, "plain", plan.text_body);
      auto html = std::make_unique<mimetic::MimeEntity>();
      SetTextContent(*html, "html", plan.html_body);
      // The MimeEntityList takes ownership of the raw pointers.
      root.body().parts().push_back(text.release());
      root.body().parts().push_back(html.release());
    }

    std::ostringstream out;
    out << root;
    reply.message = head + out.str();
  } catch (const std::exception& e) {
    return Status::InvalidArgument(std::string("composing the reply failed: ") + e.what());
  }
  if (reply.message.size() < 2 || reply.message.compare(reply.message.size() - 2, 2, "\r\n") != 0)
    reply.message += "\r\n";
  if (!IsWellFormedMessage(reply.message))
    return Status::InvalidArgument(
        "composed reply is not 7-bit CRLF text with lines <= 998 octets");
  return reply;
}

}  // namespace ar
