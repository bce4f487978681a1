#include "policy/reply_plan.h"

#include <optional>

#include "core/strings.h"
#include "message/address.h"
#include "message/rfc2047.h"
#include "policy/header_syntax.h"

namespace ar {

namespace {

constexpr std::string_view kAutoPrefix = "Auto: ";
constexpr std::string_view kNoSubject = "(no subject)";

// The display name of the first mailbox in the first field called name whose
// address is the envelope sender; nullopt when there is no such mailbox.
std::optional<std::string> DisplayNameFor(const Message& message, std::string_view name,
                                          std::string_view sender) {
  std::optional<std::string_view> value = message.First(name);
  if (!value) return std::nullopt;
  for (const Mailbox& mailbox : ParseAddressList(*value)) {
    if (EqualsIgnoreCase(mailbox.address, sender)) return mailbox.display_name;
  }
  return std::nullopt;
}

}  // namespace

Seconds ClampPeriod(Seconds period, const PolicySettings& settings) {
  if (period > settings.max_period) period = settings.max_period;
  if (period < settings.min_period) period = settings.min_period;
  return period;
}

std::string ReplySubject(std::string_view rule_subject, const Message& message) {
  if (!Trim(rule_subject).empty()) return ReplaceControlCharacters(Trim(rule_subject));
  std::string original;
  if (std::optional<std::string_view> raw = message.First("Subject")) {
    original = ReplaceControlCharacters(DecodeHeaderText(*raw));
  }
  std::string_view trimmed = Trim(original);
  if (trimmed.empty()) return std::string(kAutoPrefix) + std::string(kNoSubject);
  if (StartsWithIgnoreCase(trimmed, "Auto:")) return std::string(trimmed);
  return std::string(kAutoPrefix) + std::string(trimmed);
}

std::string RecipientDisplayName(const Message& message) {
  std::string_view sender = Trim(message.envelope().sender);
  if (sender.empty()) return "";
  std::optional<std::string> name = DisplayNameFor(message, "From", sender);
  if (!name) name = DisplayNameFor(message, "Sender", sender);
  // ParseAddressList already decoded RFC 2047 words; decoding again would
  // turn a literal "=?...?=" typed by the sender into something else.
  return name ? ReplaceControlCharacters(Trim(*name)) : "";
}

std::string OriginalMessageId(const Message& message) {
  std::optional<std::string_view> raw = message.First("Message-ID");
  if (!raw) return "";
  std::string stripped = StripComments(*raw);
  std::string_view v = Trim(stripped);
  size_t close = v.find('>');
  if (v.empty() || v.front() != '<' || close == std::string_view::npos || close < 2) return "";
  std::string_view id = v.substr(0, close + 1);
  // RFC 5322 section 3.6.4: msg-id has no whitespace or controls; one that
  // does is not copied into our In-Reply-To.
  for (char c : id) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return "";
  }
  return std::string(id);
}

ReplyPlan BuildReplyPlan(const Message& message, const OutOfOfficeRule& rule,
                         const PolicySettings& settings, const std::string& from_address,
                         bool internal) {
  ReplyPlan plan;
  const std::string& sender = message.envelope().sender;
  plan.user = rule.address;
  plan.generation = rule.generation;
  plan.dedupe_sender = NormalizeSenderForDedupe(sender);
  plan.period = ClampPeriod(rule.period, settings);
  plan.envelope_recipient = sender;
  plan.from_address = from_address.empty() ? rule.address : from_address;
  plan.from_display_name = ReplaceControlCharacters(rule.display_name);
  plan.to_display_name = RecipientDisplayName(message);
  plan.subject = ReplySubject(rule.subject, message);
  if (internal && !rule.internal_text_body.empty()) {
    plan.text_body = rule.internal_text_body;
  } else {
    plan.text_body = rule.text_body;
    plan.html_body = rule.html_body;
  }
  plan.original_message_id = OriginalMessageId(message);
  if (std::optional<std::string_view> references = message.First("References")) {
    plan.original_references = std::string(Trim(ReplaceControlCharacters(*references)));
  }
  return plan;
}

}  // namespace ar
