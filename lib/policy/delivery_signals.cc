#include "policy/delivery_signals.h"

#include <string>

#include "core/strings.h"

namespace ar {

MaybeVerdict FindDeliveryVerdict(const Message& message, const PolicySettings& settings) {
  if (!settings.loop_marker_header.empty() && message.Has(settings.loop_marker_header)) {
    return MessageVerdict{SkipReason::kLoopMarker, settings.loop_marker_header};
  }
  // A negative max_received is a configuration error; it disables the check
  // rather than silencing every reply.
  size_t received = message.All("Received").size();
  if (settings.max_received >= 0 && received > static_cast<size_t>(settings.max_received)) {
    return MessageVerdict{SkipReason::kTooManyReceived, std::to_string(received) + " Received"};
  }
  for (const SpamVerdictHeader& verdict : settings.spam_verdict_headers) {
    if (verdict.name.empty()) continue;
    for (std::string_view value : message.All(verdict.name)) {
      if (EqualsIgnoreCase(Trim(value), Trim(verdict.value))) {
        return MessageVerdict{SkipReason::kSpam, verdict.name + ": " + verdict.value};
      }
    }
  }
  return std::nullopt;
}

}  // namespace ar
