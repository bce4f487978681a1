#include "responder/sequence_responder.h"

#include <filesystem>
#include <set>

#include "message/address.h"
#include "sequence/tokens.h"

namespace ar {

namespace {

// register_in: where every definition version is registered, or null.
Result<SequenceRuntime> BuildSequenceRuntime(const SequenceOptions& options,
                                             SequenceStore* register_in) {
  SequenceRuntime runtime;
  runtime.settings.bounce_local_part = options.bounce_local_part;
  runtime.settings.unsubscribe_local_part = options.unsubscribe_local_part;
  runtime.secret_key = options.secret_key;
  runtime.soft_bounce_limit = options.soft_bounce_limit;
  runtime.settings.control_domains = options.control_domains;
  runtime.settings.capture.max_length = options.capture_max_length;
  runtime.settings.capture.allow_urls = options.capture_allow_urls;
  runtime.body_limit = static_cast<size_t>(options.trigger_body_limit);
  runtime.settings.global_enrol_rate_limit = options.enrol_rate_limit;
  runtime.settings.confirm_local_part = options.confirm_local_part;
  runtime.settings.secret_key = options.secret_key;
  // No directory means no sequences, as a missing default config file means
  // defaults: an out-of-office-only installation never creates it.
  std::error_code ec;
  if (options.directory.empty() || !std::filesystem::is_directory(options.directory, ec))
    return runtime;
  auto loaded = LoadSequenceDirectory(options.directory);
  if (!loaded.ok()) return loaded.status();
  for (const LoadedSequence& item : *loaded) {
    if (register_in != nullptr) {
      Status put = register_in->PutSequenceVersion(item.definition.name, item.definition.version,
                                                   item.source);
      if (!put.ok()) return put;
    }
    auto compiled = CompileSequence(item.definition);
    if (!compiled.ok()) return compiled.status();
    if (item.definition.ReadsBody()) runtime.reads_body = true;
    runtime.sequences.push_back(std::move(*compiled));
  }
  return runtime;
}

}  // namespace

Result<SequenceRuntime> LoadSequenceRuntime(const SequenceOptions& options, Store& store) {
  return BuildSequenceRuntime(options, &store.sequences());
}

Result<SequenceRuntime> CompileSequenceRuntime(const SequenceOptions& options) {
  return BuildSequenceRuntime(options, nullptr);
}

bool HasBounceRecipient(const Envelope& envelope, const SequenceRuntime& runtime) {
  if (!runtime.enabled()) return false;
  for (const std::string& rcpt : envelope.recipients) {
    if (IsOurControlAddress(rcpt, runtime.settings.bounce_local_part, runtime.sequences,
                            runtime.settings) &&
        TokenFromTaggedAddress(rcpt, runtime.settings.bounce_local_part)) {
      return true;
    }
  }
  return false;
}

namespace {

std::string Prefix(const Message& message) {
  const std::string& qid = message.envelope().queue_id;
  return (qid.empty() ? std::string("NOQUEUE") : qid) + ": ";
}

// "person: not enrolled in SEQ: enrol_source_limit 5/1h reached for client
// 192.0.2.7 (sender s@x, client 192.0.2.7)".
std::string RateLimitedLine(const EnrolAction& enrol, const RateLimitedEnrol& limited,
                            const Envelope& envelope) {
  const EnrolWindow& window = limited.window;
  std::string line = enrol.person + ": not enrolled in " + enrol.sequence + ": " +
                     std::string(EnrolLimitSetting(window.scope)) + " " +
                     FormatRateLimit(window.limit) + " reached";
  if (window.scope == kEnrolScopeClient || window.scope == kEnrolScopeSender) {
    line += " for " + window.scope + " " + window.source;
  }
  line += " (" + std::to_string(limited.counted) + " counted; sender <" + envelope.sender +
          ">, client " + (envelope.client_address.empty() ? "unknown" : envelope.client_address) +
          ")";
  return line;
}

}  // namespace

SequenceStateView StoreStateView(SequenceStore& store) {
  // Read errors count as "nothing known": the write transaction in
  // ApplySequenceDecision re-checks what matters (duplicates, suppression).
  SequenceStateView view;
  view.is_suppressed = [&store](const std::string& person) {
    auto s = store.GetSuppression(person);
    return s.ok() && s->has_value();
  };
  view.enrolment = [&store](const std::string& person,
                            const std::string& sequence) -> std::optional<Enrolment> {
    auto e = store.GetEnrolment(person, sequence);
    return e.ok() ? *e : std::nullopt;
  };
  view.find_message = [&store](const std::string& id) -> std::optional<SentMessageRef> {
    auto r = store.FindSentMessage(id);
    return r.ok() ? *r : std::nullopt;
  };
  view.trigger_seen = [&store](const std::string& id, const std::string& sequence) {
    auto seen = store.TriggerSeen(id, sequence);
    return seen.ok() && *seen;
  };
  view.person_for_token = [&store](const std::string& token) -> std::optional<std::string> {
    auto p = store.PersonForToken(token);
    return p.ok() ? *p : std::nullopt;
  };
  return view;
}

namespace {

// The reason label of an exit a message causes: its kind, not its name (an
// administrator's names would make unbounded, unalike series).
SequenceExitReason ExitReasonOf(const ExitAction& exit, const SequenceRuntime& runtime) {
  for (const CompiledSequence& sequence : runtime.sequences) {
    if (sequence.definition.name != exit.sequence) continue;
    for (const ExitSpec& spec : sequence.definition.exits) {
      if (spec.name != exit.reason) continue;
      if (spec.on == ExitOn::kTrigger) return SequenceExitReason::kPurchase;
      if (spec.on == ExitOn::kNoEngagement) return SequenceExitReason::kNoEngagement;
    }
  }
  return SequenceExitReason::kReply;
}

}  // namespace

void SequenceResponder::Count(
    const SequenceDecision& decision, const SequenceRuntime& runtime,
    const std::vector<std::pair<std::string, std::string>>& suppressed_enrolments,
    const std::vector<RateLimitedEnrol>& rate_limited) {
  SequenceCounters& counts = counters_->sequences();
  for (const CompiledSequence& sequence : runtime.sequences)
    counts.Declare(sequence.definition.name);
  // An enrolment the store refused for a rate limit is counted there only.
  std::set<size_t> refused;
  for (const RateLimitedEnrol& limited : rate_limited) refused.insert(limited.enrol_index);
  for (size_t i = 0; i < decision.enrols.size(); ++i) {
    if (refused.count(i) > 0) continue;
    const EnrolAction& enrol = decision.enrols[i];
    counts.CountEnrolment(enrol.sequence);
    if (enrol.double_opt_in) counts.CountUnconfirmed(enrol.sequence);
  }
  for (const ConfirmAction& confirm : decision.confirmations)
    counts.CountConfirmed(confirm.sequence);
  for (const ExitAction& exit : decision.exits)
    counts.CountExit(exit.sequence, ExitReasonOf(exit, runtime));
  for (const auto& [sequence, reason] : suppressed_enrolments) {
    counts.CountExit(sequence, reason == "unsubscribe" ? SequenceExitReason::kUnsubscribe
                                                       : SequenceExitReason::kBounce);
  }
}

Result<SequenceOutcome> SequenceResponder::Handle(const Message& message,
                                                  const SequenceRuntime& runtime, TimePoint now,
                                                  DecisionTrail* trail) {
  SequenceOutcome outcome;
  if (!runtime.enabled()) return outcome;
  SequenceStore& store = store_.sequences();
  SequenceDecision decision = DecideSequences(message, runtime.sequences, StoreStateView(store),
                                              runtime.settings, now, trail);
  outcome.actions = decision.exits.size() + decision.enrols.size() + decision.engagements.size() +
                    decision.suppressions.size() + decision.soft_bounces.size() +
                    decision.confirmations.size();
  // A suppression ends every active enrolment of the person: which ones is
  // read before the decision is applied, for the exit counters.
  std::vector<std::pair<std::string, std::string>> suppressed_enrolments;  // (sequence, reason)
  if (counters_ != nullptr) {
    for (const auto& [person, reason] : decision.suppressions) {
      auto enrolments = store.ListEnrolments(person);
      if (!enrolments.ok()) continue;
      for (const Enrolment& e : *enrolments)
        if (e.state == EnrolmentState::kActive)
          suppressed_enrolments.emplace_back(e.sequence, reason);
    }
  }
  std::vector<RateLimitedEnrol> rate_limited;
  if (outcome.actions > 0) {
    Status applied = store.ApplySequenceDecision(decision, runtime.secret_key,
                                                 runtime.soft_bounce_limit, now, &rate_limited);
    if (!applied.ok()) return applied;
  }
  if (counters_ != nullptr) Count(decision, runtime, suppressed_enrolments, rate_limited);
  // The decision's notes already name every action and every refusal: one
  // line each, after the store has them. An enrolment the store refused
  // for a rate limit gets a warning instead of its "enrolled" note.
  const std::string prefix = Prefix(message);
  std::set<std::string> refused_notes;
  for (const RateLimitedEnrol& limited : rate_limited) {
    if (limited.enrol_index >= decision.enrols.size()) continue;
    const EnrolAction& enrol = decision.enrols[limited.enrol_index];
    refused_notes.insert(enrol.person + ": enrolled in " + enrol.sequence + " (");
    logger_.Warning(prefix + RateLimitedLine(enrol, limited, message.envelope()));
    if (counters_ != nullptr) counters_->CountRateLimited(enrol.sequence, limited.window.scope);
  }
  for (const std::string& warning : decision.warnings) logger_.Warning(prefix + warning);
  for (const std::string& note : decision.notes) {
    bool refused = false;
    for (const std::string& start : refused_notes) refused = refused || note.rfind(start, 0) == 0;
    if (!refused) logger_.Info(prefix + note);
  }

  // Only recipients that are really in the envelope can be removed, each
  // spelling once. Sets, not nested loops: the envelope may hold thousands of
  // spellings of one control address.
  std::set<std::string> consumed;
  for (const std::string& rcpt : decision.consume_recipients) consumed.insert(ToLowerAscii(rcpt));
  std::set<std::string> removed;
  for (const std::string& candidate : message.envelope().recipients) {
    if (consumed.count(ToLowerAscii(candidate)) > 0 && removed.insert(candidate).second) {
      outcome.consume_recipients.push_back(candidate);
    }
  }
  return outcome;
}

}  // namespace ar
