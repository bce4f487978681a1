#include "policy/sender_filters.h"

#include <string>

#include "core/strings.h"
#include "message/address.h"
#include "policy/header_syntax.h"

namespace ar {

bool IsIgnoredLocalPart(std::string_view local_part, const PolicySettings& settings) {
  for (const std::string& pattern : settings.ignored_sender_patterns) {
    if (WildcardMatchIgnoreCase(pattern, local_part)) return true;
  }
  return false;
}

MaybeVerdict FindSenderVerdict(const Message& message, const PolicySettings& settings) {
  std::string_view sender = Trim(message.envelope().sender);
  // RFC 5321 section 4.5.5: never answer the null reverse-path. "<>" is
  // accepted too in case a caller left the brackets on.
  if (sender.empty() || sender == "<>") return MessageVerdict{SkipReason::kNullSender, ""};
  // The untrimmed sender is checked: it is what the reply would be sent to.
  if (!IsSafeAddress(message.envelope().sender)) {
    return MessageVerdict{SkipReason::kUnsafeSender, LogExcerpt(sender)};
  }
  // The BATV tag is stripped first so "prvs=1a2b=noreply@x" is still noreply.
  std::string local = LocalPartOf(NormalizeSenderForDedupe(sender));
  if (IsIgnoredLocalPart(local, settings)) {
    return MessageVerdict{SkipReason::kIgnoredSender, "envelope sender " + LogExcerpt(local)};
  }
  // A From of noreply@ says "do not answer" even when the return path is a
  // per-message bounce address.
  for (std::string_view from : message.All("From")) {
    for (const Mailbox& mailbox : ParseAddressList(from)) {
      std::string from_local = LocalPartOf(mailbox.address);
      if (!from_local.empty() && IsIgnoredLocalPart(from_local, settings)) {
        return MessageVerdict{SkipReason::kIgnoredSender, "From " + LogExcerpt(from_local)};
      }
    }
  }
  return std::nullopt;
}

}  // namespace ar
