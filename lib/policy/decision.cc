#include "policy/decision.h"

#include "policy/addressing.h"
#include "policy/audience.h"
#include "policy/authentication_results.h"
#include "policy/automatic_signals.h"
#include "policy/delivery_signals.h"
#include "policy/message_verdict.h"
#include "policy/reply_plan.h"
#include "policy/sender_filters.h"

namespace ar {

namespace {

// A message cut to the receiver's limits fails closed: a dropped field may
// have been its List-Id, Auto-Submitted or our loop marker, and a dropped
// RCPT may have been the user, so every check below would be guessing.
MaybeVerdict FindTruncationVerdict(const Message& message) {
  if (message.dropped_headers() > 0) {
    return MessageVerdict{SkipReason::kTooManyHeaders,
                          std::to_string(message.dropped_headers()) + " header fields dropped"};
  }
  if (message.truncated_headers() > 0) {
    return MessageVerdict{SkipReason::kTooManyHeaders,
                          std::to_string(message.truncated_headers()) + " header fields cut"};
  }
  if (message.envelope().recipients_dropped > 0) {
    return MessageVerdict{
        SkipReason::kTooManyRecipients,
        std::to_string(message.envelope().recipients_dropped) + " recipients dropped"};
  }
  return std::nullopt;
}

// Checks that depend on the message alone. The order only decides which
// reason is logged when several apply: a cut message first (nothing else can
// be trusted), then the sender (no address to answer),
// then RFC 3834 signals, then loops and verdicts, then authentication.
MaybeVerdict FindMessageVerdict(const Message& message, const PolicySettings& settings) {
  if (MaybeVerdict v = FindTruncationVerdict(message)) return v;
  if (MaybeVerdict v = FindSenderVerdict(message, settings)) return v;
  if (MaybeVerdict v = FindAutomaticSignal(message)) return v;
  if (MaybeVerdict v = FindDeliveryVerdict(message, settings)) return v;
  if (settings.require_authenticated_sender) {
    if (MaybeVerdict v = FindAuthenticationVerdict(message, settings)) return v;
  }
  return std::nullopt;
}

// Either a plan or the reason one rule stays silent.
struct RuleOutcome {
  std::optional<ReplyPlan> reply;
  std::optional<MessageVerdict> skip;
};

// Per-rule checks, cheapest and most telling first: the rule's own state
// (enabled, window), then who wrote and whom the message names, then the
// audience, and last the history lookup, the only call that reaches the store.
RuleOutcome DecideForRule(const Message& message, const OutOfOfficeRule& rule,
                          const ResponseHistory& history, const PolicySettings& settings,
                          TimePoint now) {
  if (!rule.enabled) return {std::nullopt, MessageVerdict{SkipReason::kRuleDisabled, ""}};
  // end is exclusive (see OutOfOfficeRule).
  if (rule.start && now < *rule.start) {
    return {std::nullopt, MessageVerdict{SkipReason::kOutsideWindow, "before start"}};
  }
  if (rule.end && now >= *rule.end) {
    return {std::nullopt, MessageVerdict{SkipReason::kOutsideWindow, "at or after end"}};
  }
  std::vector<std::string> addresses = rule.AllAddresses();
  if (SenderIsUser(message, addresses)) {
    return {std::nullopt, MessageVerdict{SkipReason::kSenderIsUser, ""}};
  }
  // RFC 5230 section 4.5: answer only mail that names the user, so Bcc'd
  // list traffic and mail forwarded by others stays unanswered.
  std::optional<std::string> addressed = FindAddressedUserAddress(message, addresses);
  if (!addressed) return {std::nullopt, MessageVerdict{SkipReason::kNotAddressed, ""}};
  const std::string& sender = message.envelope().sender;
  bool internal = IsInternalSender(sender, rule, settings);
  if (!internal && !rule.reply_to_external) {
    return {std::nullopt, MessageVerdict{SkipReason::kAudienceOff, "external sender"}};
  }
  ReplyPlan plan = BuildReplyPlan(message, rule, settings, *addressed, internal);
  if (history) {
    // RFC 5230 section 4.1: one reply per sender per period.
    std::optional<TimePoint> last = history(plan.user, plan.generation, plan.dedupe_sender);
    if (last && now < *last + plan.period) {
      return {std::nullopt, MessageVerdict{SkipReason::kAlreadyAnswered, ""}};
    }
  }
  return {std::move(plan), std::nullopt};
}

}  // namespace

Decision DecideOutOfOffice(const Message& message, const std::vector<OutOfOfficeRule>& rules,
                           const ResponseHistory& history, const PolicySettings& settings,
                           TimePoint now) {
  Decision decision;
  MaybeVerdict message_verdict = FindMessageVerdict(message, settings);
  for (const OutOfOfficeRule& rule : rules) {
    if (message_verdict) {
      decision.skips.push_back({rule.address, message_verdict->reason, message_verdict->detail});
      continue;
    }
    RuleOutcome outcome = DecideForRule(message, rule, history, settings, now);
    if (outcome.reply) {
      decision.replies.push_back(std::move(*outcome.reply));
    } else {
      decision.skips.push_back({rule.address, outcome.skip->reason, outcome.skip->detail});
    }
  }
  return decision;
}

}  // namespace ar
