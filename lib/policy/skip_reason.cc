#include "policy/decision.h"

namespace ar {

// These names appear in logs and metrics labels: never rename one.
const char* SkipReasonName(SkipReason reason) {
  switch (reason) {
    case SkipReason::kNullSender:
      return "null-sender";
    case SkipReason::kIgnoredSender:
      return "ignored-sender";
    case SkipReason::kAutoSubmitted:
      return "auto-submitted";
    case SkipReason::kListHeader:
      return "list-header";
    case SkipReason::kPrecedence:
      return "precedence";
    case SkipReason::kSuppressHeader:
      return "suppress-header";
    case SkipReason::kReport:
      return "report";
    case SkipReason::kNotAddressed:
      return "not-addressed";
    case SkipReason::kSenderIsUser:
      return "sender-is-user";
    case SkipReason::kSpam:
      return "spam";
    case SkipReason::kTooManyReceived:
      return "too-many-received";
    case SkipReason::kLoopMarker:
      return "loop-marker";
    case SkipReason::kRuleDisabled:
      return "rule-disabled";
    case SkipReason::kOutsideWindow:
      return "outside-window";
    case SkipReason::kAudienceOff:
      return "audience-off";
    case SkipReason::kAlreadyAnswered:
      return "already-answered";
    case SkipReason::kNotAuthenticated:
      return "not-authenticated";
    case SkipReason::kUnsafeSender:
      return "unsafe-sender";
    case SkipReason::kTooManyHeaders:
      return "too-many-headers";
    case SkipReason::kTooManyRecipients:
      return "too-many-recipients";
  }
  return "unknown";
}

}  // namespace ar
