// The pure out-of-office decision:
//   DecideOutOfOffice(message, rules, history, settings, now) -> Decision
// No I/O, no clock, no randomness: the same inputs always give the same
// decision, which is what the table-driven tests rely on.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/decision_trail.h"
#include "message/message.h"
#include "policy/out_of_office_rule.h"
#include "policy/policy_settings.h"

namespace ar {

// Why a user's rule did not reply. Stable names: they appear in logs
// ("no reply to bob@example.org: list header List-Id") and metrics.
enum class SkipReason {
  kNullSender,
  kIgnoredSender,        // MAILER-DAEMON, owner-*, noreply, ...
  kAutoSubmitted,        // Auto-Submitted other than "no"
  kListHeader,           // List-Id, List-Unsubscribe, ...
  kPrecedence,           // Precedence: bulk/junk/list
  kSuppressHeader,       // X-Auto-Response-Suppress: All/OOF
  kReport,               // multipart/report (DSN, MDN)
  kNotAddressed,         // none of the user's addresses in To/Cc/Bcc/Resent-*
  kSenderIsUser,         // the sender is one of the user's addresses
  kSpam,                 // trusted spam verdict header
  kTooManyReceived,      // more Received: than max_received
  kLoopMarker,           // our own reply coming back
  kRuleDisabled,
  kOutsideWindow,        // before start or at/after end
  kAudienceOff,          // external senders switched off
  kAlreadyAnswered,      // answered within the period
  kNotAuthenticated,     // require_authenticated_sender and no pass
  kUnsafeSender,         // the envelope sender cannot be used safely
  // The message was cut to the receiver's limits, so the signals above may
  // be in the part that was dropped: no reply rather than a blind one.
  kTooManyHeaders,       // header fields dropped (Message::kMaxHeaders) or cut
  kTooManyRecipients,    // RCPTs dropped (Envelope::recipients_dropped)
};
const char* SkipReasonName(SkipReason reason);  // e.g. "list-header"

struct Skip {
  std::string user;      // the rule's address
  SkipReason reason;
  std::string detail;    // e.g. "List-Id"
};

// Everything the composer needs for one reply. All text is UTF-8, decoded.
struct ReplyPlan {
  std::string user;              // the rule's primary address
  uint64_t generation = 0;       // the rule's generation
  std::string dedupe_sender;     // NormalizeSenderForDedupe(envelope sender)
  Seconds period{0};             // clamped period
  std::string envelope_recipient;  // the original envelope sender, verbatim
  std::string from_address;        // the user's address that matched
  std::string from_display_name;
  std::string to_display_name;     // from From/Sender when its address matches, else ""
  std::string subject;             // final subject, decoded UTF-8, not yet encoded
  std::string text_body;
  std::string html_body;           // "" for text/plain only
  std::string original_message_id; // "<...>" or "" when the original had none
  std::string original_references; // the original References value, or ""
};

struct Decision {
  std::vector<ReplyPlan> replies;
  std::vector<Skip> skips;
};

// The state the decision reads: when this user last answered this sender with
// this generation (pending or sent), or nullopt.
using ResponseHistory = std::function<std::optional<TimePoint>(
    const std::string& user, uint64_t generation, const std::string& dedupe_sender)>;

// rules: the rules of the users the envelope recipients resolve to, each at
// most once (the caller dedupes users reached through several recipients).
// trail, when set, receives each message check, each rule consulted and each
// of its checks with the outcome (core/decision_trail.h); the decision is
// the same with or without it.
Decision DecideOutOfOffice(const Message& message, const std::vector<OutOfOfficeRule>& rules,
                           const ResponseHistory& history, const PolicySettings& settings,
                           TimePoint now, DecisionTrail* trail = nullptr);

}  // namespace ar
