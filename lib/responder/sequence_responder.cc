#include "responder/sequence_responder.h"

#include <filesystem>
#include <set>

#include "message/address.h"
#include "sequence/tokens.h"

namespace ar {

Result<SequenceRuntime> LoadSequenceRuntime(const SequenceOptions& options, Store& store) {
  SequenceRuntime runtime;
  runtime.settings.bounce_local_part = options.bounce_local_part;
  runtime.settings.unsubscribe_local_part = options.unsubscribe_local_part;
  runtime.secret_key = options.secret_key;
  runtime.soft_bounce_limit = options.soft_bounce_limit;
  runtime.settings.control_domains = options.control_domains;
  runtime.settings.confirm_local_part = options.confirm_local_part;
  runtime.settings.secret_key = options.secret_key;
  // No directory means no sequences, as a missing default config file means
  // defaults: an out-of-office-only installation never creates it.
  std::error_code ec;
  if (options.directory.empty() || !std::filesystem::is_directory(options.directory, ec))
    return runtime;
  SequenceStore& sequences = store.sequences();
  auto loaded = LoadSequenceDirectory(options.directory);
  if (!loaded.ok()) return loaded.status();
  for (const LoadedSequence& item : *loaded) {
    Status put = sequences.PutSequenceVersion(item.definition.name, item.definition.version,
                                               item.source);
    if (!put.ok()) return put;
    auto compiled = CompileSequence(item.definition);
    if (!compiled.ok()) return compiled.status();
    runtime.sequences.push_back(std::move(*compiled));
  }
  return runtime;
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

SequenceStateView StateView(SequenceStore& store) {
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
    const std::vector<std::pair<std::string, std::string>>& suppressed_enrolments) {
  SequenceCounters& counts = counters_->sequences();
  for (const CompiledSequence& sequence : runtime.sequences) counts.Declare(sequence.definition.name);
  for (const EnrolAction& enrol : decision.enrols) {
    counts.CountEnrolment(enrol.sequence);
    if (enrol.double_opt_in) counts.CountUnconfirmed(enrol.sequence);
  }
  for (const ConfirmAction& confirm : decision.confirmations) counts.CountConfirmed(confirm.sequence);
  for (const ExitAction& exit : decision.exits)
    counts.CountExit(exit.sequence, ExitReasonOf(exit, runtime));
  for (const auto& [sequence, reason] : suppressed_enrolments) {
    counts.CountExit(sequence, reason == "unsubscribe" ? SequenceExitReason::kUnsubscribe
                                                       : SequenceExitReason::kBounce);
  }
}

Result<SequenceOutcome> SequenceResponder::Handle(const Message& message,
                                                  const SequenceRuntime& runtime, TimePoint now) {
  SequenceOutcome outcome;
  if (!runtime.enabled()) return outcome;
  SequenceStore& store = store_.sequences();
  SequenceDecision decision =
      DecideSequences(message, runtime.sequences, StateView(store), runtime.settings, now);
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
        if (e.state == EnrolmentState::kActive) suppressed_enrolments.emplace_back(e.sequence, reason);
    }
  }
  if (outcome.actions > 0) {
    Status applied =
        store.ApplySequenceDecision(decision, runtime.secret_key, runtime.soft_bounce_limit, now);
    if (!applied.ok()) return applied;
  }
  if (counters_ != nullptr) Count(decision, runtime, suppressed_enrolments);
  // The decision's notes already name every action and every refusal: one
  // line each, after the store has them.
  const std::string prefix = Prefix(message);
  for (const std::string& warning : decision.warnings) logger_.Warning(prefix + warning);
  for (const std::string& note : decision.notes) logger_.Info(prefix + note);

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
