#include "responder/out_of_office_responder.h"

#include <algorithm>

#include "message/address.h"
#include "policy/decision.h"

namespace ar {

namespace {

std::string QueueIdPrefix(const Message& message) {
  const std::string& qid = message.envelope().queue_id;
  return (qid.empty() ? std::string("NOQUEUE") : qid) + ": ";
}

std::string StripBrackets(std::string_view address) {
  address = Trim(address);
  if (address.size() >= 2 && address.front() == '<' && address.back() == '>')
    address = address.substr(1, address.size() - 2);
  return std::string(address);
}

}  // namespace

ResponderSettings ResponderSettingsFrom(const Config& config) {
  ResponderSettings settings;
  settings.policy = config.policy;
  settings.compose = config.compose;
  settings.reply_envelope_sender = config.reply_envelope_sender;
  return settings;
}

std::vector<std::string> NormalizedRecipients(const Envelope& envelope) {
  std::vector<std::string> out;
  for (const auto& rcpt : envelope.recipients) {
    std::string normalized = NormalizeAddress(StripBrackets(rcpt));
    if (normalized.empty()) continue;
    if (std::find(out.begin(), out.end(), normalized) == out.end()) out.push_back(normalized);
  }
  return out;
}

Result<ResponderReport> OutOfOfficeResponder::Handle(const Message& message,
                                                     const ResponderSettings& settings,
                                                     TimePoint now, DecisionTrail* trail) {
  Result<ResponderReport> report = Decide(message, settings, now, trail);
  if (counters_ != nullptr && !report.ok()) counters_->CountInternalError();
  return report;
}

Result<OutOfOfficePlan> OutOfOfficeResponder::Plan(const Message& message,
                                                   const ResponderSettings& settings, TimePoint now,
                                                   DecisionTrail* trail) const {
  OutOfOfficePlan plan;
  const std::string& sender = message.envelope().sender;

  // The rules and their response log records in one read transaction: the
  // decision needs no other read (the policy dedupes on exactly this sender
  // form, reply_plan.cc).
  const std::string dedupe_sender = NormalizeSenderForDedupe(sender);
  const std::vector<std::string> recipients = NormalizedRecipients(message.envelope());
  auto found = store_.FindRulesWithResponses(recipients, dedupe_sender);
  if (!found.ok()) return found.status();
  const std::vector<OutOfOfficeRule>& rules = found->rules;
  plan.rules = rules.size();
  if (trail != nullptr) {
    for (const std::string& rcpt : recipients) {
      const bool has_rule =
          std::any_of(rules.begin(), rules.end(), [&rcpt](const OutOfOfficeRule& r) {
            const std::vector<std::string> all = r.AllAddresses();
            return std::find(all.begin(), all.end(), rcpt) != all.end();
          });
      RecordCheck(trail, rcpt, "out-of-office rule",
                  has_rule ? TrailOutcome::kPass : TrailOutcome::kStop,
                  has_rule ? "found" : "none");
    }
  }
  if (rules.empty()) return plan;  // the common case: nobody is away

  Store& store = store_;
  ResponseHistory history = [&store, &found, &dedupe_sender](
                                const std::string& user, uint64_t generation,
                                const std::string& plan_sender) -> std::optional<TimePoint> {
    std::optional<ResponseRecord> record;
    const auto& rules = found->rules;
    const auto it = std::find_if(rules.begin(), rules.end(),
                                 [&user](const OutOfOfficeRule& r) { return r.address == user; });
    if (plan_sender == dedupe_sender && it != rules.end() &&
        static_cast<size_t>(it - rules.begin()) < found->responses.size()) {
      record = found->responses[static_cast<size_t>(it - rules.begin())];
    } else {
      // Not prefetched (cannot happen with today's policy): ask the store.
      auto read = store.GetResponse(user, plan_sender);
      if (read.ok()) record = *read;
    }
    // A read error is treated as "never answered": the store re-checks the
    // dedupe inside its write transaction, so this cannot cause a duplicate.
    if (!record || record->generation != generation) return std::nullopt;
    return record->at;
  };
  Decision decision = DecideOutOfOffice(message, rules, history, settings.policy, now, trail);
  plan.skips = std::move(decision.skips);

  for (const ReplyPlan& reply_plan : decision.replies) {
    auto composed = ComposeReply(reply_plan, settings.compose, now);
    if (!composed.ok()) {
      plan.compose_failures.push_back("cannot compose reply to " + reply_plan.envelope_recipient +
                                      " for " + reply_plan.user + ": " +
                                      composed.status().ToString());
      continue;
    }
    NewReply reply;
    reply.user = reply_plan.user;
    reply.generation = reply_plan.generation;
    reply.dedupe_sender = reply_plan.dedupe_sender;
    reply.period = reply_plan.period;
    reply.envelope_sender = settings.reply_envelope_sender;
    reply.envelope_recipient = reply_plan.envelope_recipient;
    reply.message_id = composed->message_id;
    reply.message = std::move(composed->message);
    reply.due = now;
    reply.origin_queue_id = message.envelope().queue_id;
    plan.replies.push_back(std::move(reply));
    plan.plans.push_back(reply_plan);
  }
  return plan;
}

Result<ResponderReport> OutOfOfficeResponder::Decide(const Message& message,
                                                     const ResponderSettings& settings,
                                                     TimePoint now, DecisionTrail* trail) {
  ResponderReport report;
  const std::string prefix = QueueIdPrefix(message);
  const std::string& sender = message.envelope().sender;
  auto planned = Plan(message, settings, now, trail);
  if (!planned.ok()) return planned.status();
  report.rules = planned->rules;

  for (const Skip& skip : planned->skips) {
    ++report.skipped;
    if (counters_ != nullptr) counters_->CountSkip(skip.reason);
    logger_.Info(prefix + "no reply to " + (sender.empty() ? "<>" : sender) + " for " + skip.user +
                 ": " + SkipReasonName(skip.reason) +
                 (skip.detail.empty() ? "" : " " + skip.detail));
  }
  for (const std::string& failure : planned->compose_failures) {
    ++report.failed;
    if (counters_ != nullptr) counters_->CountInternalError();
    logger_.Warning(prefix + failure);
  }
  std::vector<NewReply>& replies = planned->replies;
  if (replies.empty()) return report;

  auto outcomes = store_.Enqueue(replies, now);
  if (!outcomes.ok()) return outcomes.status();
  for (size_t i = 0; i < replies.size() && i < outcomes->size(); ++i) {
    const EnqueueOutcome& outcome = (*outcomes)[i];
    if (outcome.queued) {
      ++report.queued;
      if (counters_ != nullptr) counters_->CountQueued();
      logger_.Info(prefix + "reply queued to " + replies[i].envelope_recipient + " for " +
                   replies[i].user + " (item=" + std::to_string(outcome.id) + ", " +
                   replies[i].message_id + ")");
    } else {
      ++report.skipped;
      if (counters_ != nullptr) counters_->CountSkip(SkipReason::kAlreadyAnswered);
      logger_.Info(prefix + "no reply to " + replies[i].envelope_recipient + " for " +
                   replies[i].user + ": " + SkipReasonName(SkipReason::kAlreadyAnswered) +
                   " (concurrent message)");
    }
  }
  return report;
}

}  // namespace ar
