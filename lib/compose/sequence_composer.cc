#include "compose/sequence_composer.h"

#include <optional>
#include <string_view>

#include "compose/encoded_word.h"
#include "compose/mailbox_format.h"
#include "compose/message_assembly.h"
#include "compose/message_ids.h"
#include "core/strings.h"
#include "message/address.h"

namespace ar {

namespace {

constexpr size_t kMaxSubjectCharacters = 200;
constexpr size_t kMaxLoopMarkerValueCharacters = 200;
constexpr size_t kMaxUrlBytes = 900;  // stays within one 998-octet line

// The template header named `name` (any case), or nullptr.
const std::string* TemplateHeader(const StepTemplate& step_template, std::string_view name) {
  for (const auto& [header, value] : step_template.headers)
    if (EqualsIgnoreCase(header, name)) return &value;
  return nullptr;
}

// Renders a header template as plain text, then takes out every control
// character: a variable holding "x\r\nBcc: y" ends up as one line of text.
Result<std::string> RenderHeader(const std::string& text,
                                 const std::map<std::string, std::string>& variables) {
  Result<std::string> rendered = RenderTemplate(text, variables, false);
  if (!rendered.ok()) return rendered.status();
  return std::string(Trim(RepairUtf8(NeutralizeControls(*rendered))));
}

// The one mailbox of a From or Reply-To value, as FormatMailbox wants it.
Result<Mailbox> SingleMailbox(std::string_view field, const std::string& value) {
  std::vector<Mailbox> boxes = ParseAddressList(value);
  if (boxes.size() != 1 || !IsSafeAddress(boxes[0].address))
    return Status::InvalidArgument(std::string(field) +
                                   " is not one usable address: " + NeutralizeControls(value));
  return boxes[0];
}

// RFC 8058 section 3.1: the one-click URL must be https. It goes between
// angle brackets, so it may hold no space, control, '<' or '>' (a URL with
// those must be percent-encoded by whoever configures it).
bool IsUsableUnsubscribeUrl(std::string_view url) {
  if (url.size() > kMaxUrlBytes || !StartsWithIgnoreCase(url, "https://") || url.size() <= 8)
    return false;
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F || c == '<' || c == '>' || c == '"') return false;
  }
  return true;
}

// The unsubscribe address as a mailto URI (RFC 6068) whose subject says what
// the mail is for: a person who clicks it in a mail program that ignores
// List-Unsubscribe-Post sends "unsubscribe" rather than an empty subject, so
// the message reads right to whoever sees it in a copy or a log. The address
// is IsSafeAddress-clean; what RFC 6068 section 2 does not allow literally in
// the "to" part ('?', '#', '%', '&', '=', '[', ']', ...) is percent-encoded.
std::string UnsubscribeMailtoUri(const std::string& address) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string uri = "mailto:";
  for (char c : address) {
    const auto u = static_cast<unsigned char>(c);
    const bool literal = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') ||
                         std::string_view("-._~!$'*+@").find(c) != std::string_view::npos;
    if (literal) {
      uri += c;
    } else {
      uri += '%';
      uri += kHex[u >> 4];
      uri += kHex[u & 0x0F];
    }
  }
  return uri + "?subject=unsubscribe";
}

// RFC 2369 section 3.1 lists each method in angle brackets; the List-Id
// (RFC 2919 section 2) is a dot-atom, here restricted to host name
// characters.
std::string ListUnsubscribeValue(const std::string& mailto, const std::string& url) {
  std::string value = "<" + UnsubscribeMailtoUri(mailto) + ">";
  if (!url.empty()) value += ",\r\n <" + url + ">";
  return value;
}

// Fields this composer writes itself or that only an MTA may set: a
// template cannot give them (they are left out).
bool IsReservedField(std::string_view name, const ComposeSettings& settings) {
  for (std::string_view reserved :
       {"From", "Reply-To", "Subject", "To", "Cc", "Bcc", "Date", "Message-ID", "Sender",
        "Return-Path", "Received", "In-Reply-To", "References", "Auto-Submitted",
        "X-Auto-Response-Suppress", "MIME-Version", "Precedence"})
    if (EqualsIgnoreCase(name, reserved)) return true;
  return StartsWithIgnoreCase(name, "List-") || StartsWithIgnoreCase(name, "Content-") ||
         StartsWithIgnoreCase(name, "Resent-") ||
         EqualsIgnoreCase(name, settings.loop_marker_header);
}

}  // namespace

Result<ComposedReply> ComposeStepMessage(const StepMessageInput& input,
                                         const ComposeSettings& settings) {
  if (!IsSafeAddress(input.person))
    return Status::InvalidArgument("recipient address is not usable: " +
                                   NeutralizeControls(input.person));
  if (!IsSafeHostname(settings.hostname))
    return Status::InvalidArgument("hostname is not usable in a Message-ID: " +
                                   NeutralizeControls(settings.hostname));
  if (!IsRfc5322FieldName(settings.loop_marker_header))
    return Status::InvalidArgument("loop marker is not a header field name: " +
                                   NeutralizeControls(settings.loop_marker_header));
  if (!IsSafeHostname(input.list_id) || input.list_id.find('.') == std::string::npos)
    return Status::InvalidArgument("list id is not usable: " + NeutralizeControls(input.list_id));
  if (!IsSafeAddress(input.unsubscribe_mailto))
    return Status::InvalidArgument("unsubscribe address is not usable: " +
                                   NeutralizeControls(input.unsubscribe_mailto));
  if (!input.unsubscribe_url.empty() && !IsUsableUnsubscribeUrl(input.unsubscribe_url))
    return Status::InvalidArgument("unsubscribe URL is not a usable https URL: " +
                                   NeutralizeControls(input.unsubscribe_url));

  const StepTemplate& tmpl = input.step_template;
  const std::string* subject_template = TemplateHeader(tmpl, "Subject");
  if (subject_template == nullptr)
    return Status::InvalidArgument("template of step " + std::to_string(input.step) +
                                   " has no Subject");
  Result<std::string> subject = RenderHeader(*subject_template, input.variables);
  if (!subject.ok()) return subject.status();

  std::string from_text = input.from;
  if (const std::string* from_template = TemplateHeader(tmpl, "From")) {
    Result<std::string> rendered = RenderHeader(*from_template, input.variables);
    if (!rendered.ok()) return rendered.status();
    from_text = *rendered;
  }
  Result<Mailbox> from = SingleMailbox("From", from_text);
  if (!from.ok()) return from.status();

  std::optional<Mailbox> reply_to;
  if (const std::string* reply_to_template = TemplateHeader(tmpl, "Reply-To")) {
    Result<std::string> rendered = RenderHeader(*reply_to_template, input.variables);
    if (!rendered.ok()) return rendered.status();
    if (!rendered->empty()) {
      Result<Mailbox> box = SingleMailbox("Reply-To", *rendered);
      if (!box.ok()) return box.status();
      reply_to = *box;
    }
  }

  Result<std::string> text = RenderTemplate(tmpl.text_body, input.variables, false);
  if (!text.ok()) return text.status();
  std::string html;
  if (!tmpl.html_body.empty()) {
    Result<std::string> rendered = RenderTemplate(tmpl.html_body, input.variables, true);
    if (!rendered.ok()) return rendered.status();
    html = *rendered;
  }

  ComposedReply out;
  out.message_id = MakeStepMessageId(input.person, input.sequence, input.version, input.step,
                                     input.enrolled_at, settings.hostname);
  if (out.message_id.empty()) return Status::Temporary("SHA-256 is unavailable");

  std::string head;
  AppendHeaderField(head, "From", FormatMailbox(from->display_name, from->address, 4));
  if (reply_to) {
    AppendHeaderField(head, "Reply-To",
                      FormatMailbox(reply_to->display_name, reply_to->address, 8));
  }
  AppendHeaderField(head, "To", FormatMailbox(input.display_name, input.person, 2));
  AppendHeaderField(head, "Subject",
                    EncodeHeaderText(TruncateUtf8Characters(*subject, kMaxSubjectCharacters), 7));
  AppendHeaderField(head, "Date", FormatRfc5322Date(input.now));
  AppendHeaderField(head, "Message-ID", out.message_id);
  // RFC 3834 section 5: not a reply to anyone, but automatic all the same,
  // so responders stay quiet. Exchange is asked to hold back out-of-office
  // and auto-replies only: "All" would also suppress the non-delivery
  // reports the VERP sender exists to receive.
  AppendHeaderField(head, "Auto-Submitted", "auto-generated");
  AppendHeaderField(head, "X-Auto-Response-Suppress", "OOF, AutoReply");
  AppendHeaderField(head, "List-Id", "<" + input.list_id + ">");
  AppendHeaderField(head, "List-Unsubscribe",
                    ListUnsubscribeValue(input.unsubscribe_mailto, input.unsubscribe_url));
  // RFC 8058 section 3.1: one-click unsubscription needs the https URL.
  if (!input.unsubscribe_url.empty())
    AppendHeaderField(head, "List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
  // Other template fields (X-Campaign: ...) go out as written, rendered as
  // text; like Subject they cannot break into a second field.
  for (const auto& [name, value] : tmpl.headers) {
    if (!IsRfc5322FieldName(name) || IsReservedField(name, settings)) continue;
    Result<std::string> rendered = RenderHeader(value, input.variables);
    if (!rendered.ok()) return rendered.status();
    AppendHeaderField(
        head, name,
        EncodeHeaderText(TruncateUtf8Characters(*rendered, kMaxSubjectCharacters), name.size()));
  }
  const std::string marker_value = TruncateUtf8Characters(
      RepairUtf8(NeutralizeControls(settings.loop_marker_value)), kMaxLoopMarkerValueCharacters);
  AppendHeaderField(head, settings.loop_marker_header,
                    EncodeHeaderText(marker_value, settings.loop_marker_header.size()));

  Result<std::string> mime = MimeEntityText(*text, html, out.message_id.substr(4, 32));
  if (!mime.ok()) return mime.status();
  out.message = head + *mime;
  if (out.message.size() < 2 || out.message.compare(out.message.size() - 2, 2, "\r\n") != 0)
    out.message += "\r\n";
  if (!IsWellFormedMessage(out.message))
    return Status::InvalidArgument(
        "composed step message is not 7-bit CRLF text with lines <= 998 octets");
  return out;
}

}  // namespace ar
