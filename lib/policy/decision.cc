#include "policy/decision.h"

#include <functional>

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
MaybeVerdict FindMessageVerdict(const Message& message, const PolicySettings& settings,
                                DecisionTrail* trail) {
  struct NamedCheck {
    const char* name;
    std::function<MaybeVerdict()> find;
  };
  const NamedCheck checks[] = {
      {"truncation", [&] { return FindTruncationVerdict(message); }},
      {"sender", [&] { return FindSenderVerdict(message, settings); }},
      {"automatic signals", [&] { return FindAutomaticSignal(message); }},
      {"delivery signals", [&] { return FindDeliveryVerdict(message, settings); }},
      {"authentication",
       [&]() -> MaybeVerdict {
         if (!settings.require_authenticated_sender) return std::nullopt;
         return FindAuthenticationVerdict(message, settings);
       }},
  };
  for (const NamedCheck& check : checks) {
    MaybeVerdict verdict = check.find();
    if (trail != nullptr) {
      RecordCheck(trail, "message", check.name, verdict ? TrailOutcome::kStop : TrailOutcome::kPass,
                  verdict ? std::string(SkipReasonName(verdict->reason)) +
                                (verdict->detail.empty() ? "" : " " + verdict->detail)
                          : "");
    }
    if (verdict) return verdict;
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
                          TimePoint now, DecisionTrail* trail) {
  // trail_detail: more than the skip's own detail, for the trail only (the
  // skip is logged and counted the same with or without a trail).
  const auto stop = [&](const char* check, SkipReason reason, std::string detail,
                        const std::string& trail_detail = "") -> RuleOutcome {
    if (trail != nullptr) {
      const std::string shown = trail_detail.empty() ? detail : trail_detail;
      RecordCheck(trail, rule.address, check, TrailOutcome::kStop,
                  std::string(SkipReasonName(reason)) + (shown.empty() ? "" : " " + shown));
    }
    return {std::nullopt, MessageVerdict{reason, std::move(detail)}};
  };
  const auto pass = [&](const char* check, std::string detail = "") {
    if (trail != nullptr)
      RecordCheck(trail, rule.address, check, TrailOutcome::kPass, std::move(detail));
  };
  if (!rule.enabled) return stop("enabled", SkipReason::kRuleDisabled, "");
  pass("enabled");
  // end is exclusive (see OutOfOfficeRule).
  if (rule.start && now < *rule.start) {
    return stop("window", SkipReason::kOutsideWindow, "before start");
  }
  if (rule.end && now >= *rule.end) {
    return stop("window", SkipReason::kOutsideWindow, "at or after end");
  }
  pass("window");
  std::vector<std::string> addresses = rule.AllAddresses();
  if (SenderIsUser(message, addresses)) return stop("sender", SkipReason::kSenderIsUser, "");
  pass("sender");
  // RFC 5230 section 4.5: answer only mail that names the user, so Bcc'd
  // list traffic and mail forwarded by others stays unanswered.
  std::optional<std::string> addressed = FindAddressedUserAddress(message, addresses);
  if (!addressed) return stop("addressed", SkipReason::kNotAddressed, "");
  pass("addressed", *addressed);
  const std::string& sender = message.envelope().sender;
  bool internal = IsInternalSender(sender, rule, settings);
  if (!internal && !rule.reply_to_external) {
    return stop("audience", SkipReason::kAudienceOff, "external sender");
  }
  pass("audience", internal ? "internal sender" : "external sender");
  ReplyPlan plan = BuildReplyPlan(message, rule, settings, *addressed, internal);
  if (history) {
    // RFC 5230 section 4.1: one reply per sender per period.
    std::optional<TimePoint> last = history(plan.user, plan.generation, plan.dedupe_sender);
    if (last && now < *last + plan.period) {
      return stop("history", SkipReason::kAlreadyAnswered, "",
                  trail != nullptr ? plan.dedupe_sender + " answered " + FormatIsoUtc(*last) : "");
    }
    pass("history", last ? "last answered " + FormatIsoUtc(*last) : "never answered");
  }
  return {std::move(plan), std::nullopt};
}

}  // namespace

Decision DecideOutOfOffice(const Message& message, const std::vector<OutOfOfficeRule>& rules,
                           const ResponseHistory& history, const PolicySettings& settings,
                           TimePoint now, DecisionTrail* trail) {
  Decision decision;
  if (rules.empty()) return decision;  // nobody is away: nothing to check or to trail
  MaybeVerdict message_verdict = FindMessageVerdict(message, settings, trail);
  for (const OutOfOfficeRule& rule : rules) {
    if (trail != nullptr)
      RecordCheck(trail, rule.address, "", TrailOutcome::kConsult, "out-of-office rule");
    if (message_verdict) {
      decision.skips.push_back({rule.address, message_verdict->reason, message_verdict->detail});
      continue;
    }
    RuleOutcome outcome = DecideForRule(message, rule, history, settings, now, trail);
    if (outcome.reply) {
      if (trail != nullptr) {
        RecordCheck(trail, rule.address, "decision", TrailOutcome::kNote,
                    "reply to " + outcome.reply->envelope_recipient);
      }
      decision.replies.push_back(std::move(*outcome.reply));
    } else {
      decision.skips.push_back({rule.address, outcome.skip->reason, outcome.skip->detail});
    }
  }
  return decision;
}

}  // namespace ar
