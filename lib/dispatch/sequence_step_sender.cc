#include "dispatch/sequence_step_sender.h"

#include <optional>
#include <utility>

#include "compose/sequence_composer.h"
#include "sequence/sequence_decision.h"
#include "sequence/sequence_definition.h"
#include "sequence/timeline.h"

namespace ar {

namespace {

// What a step and a confirmation share: who it goes to, the sequence's
// headers, the template and its variables, the unsubscribe addresses.
StepMessageInput StepInput(const SequenceDefinition& def, const Enrolment& current,
                           const std::string& person, uint32_t step, StepTemplate step_template,
                           const StepAddresses& addresses,
                           std::map<std::string, std::string> variables, TimePoint now) {
  StepMessageInput input;
  input.person = person;
  input.display_name = current.display_name;
  input.sequence = def.name;
  input.version = current.version;
  input.step = step;
  input.list_id = def.list_id;
  input.from = def.from;
  input.step_template = std::move(step_template);
  input.variables = std::move(variables);
  input.unsubscribe_mailto = addresses.unsubscribe_mailto;
  input.unsubscribe_url = addresses.unsubscribe_url;
  input.now = now;
  input.enrolled_at = current.enrolled_at;
  return input;
}

// "item=12 sequence=canon-eos-5d step=1 to=<ola@example.net>": the words an
// operator greps for.
std::string Describe(const QueueItem& item) {
  return "item=" + std::to_string(item.id) + " sequence=" + item.sequence +
         " step=" + std::to_string(item.step) + " to=<" + item.envelope_recipient + ">";
}

}  // namespace

// Everything read and parsed for one item before deciding what to do.
struct SequenceStepSender::Prepared {
  Enrolment enrolment;
  SequenceDefinition definition;
  SequenceSource source;
};

SequenceStepSender::SequenceStepSender(Store& store, Transport& transport, Logger& logger,
                                       SequenceSendSettings settings)
    : store_(store), transport_(transport), logger_(logger), settings_(std::move(settings)) {}

Result<StepOutcome> SequenceStepSender::Drop(const QueueItem& item, const std::string& why) {
  Status dropped = store_.sequences().DropStep(item.id);
  if (!dropped.ok()) return dropped;
  logger_.Info("dropped step " + Describe(item) + ": " + why);
  return StepOutcome::kDropped;
}

Result<StepOutcome> SequenceStepSender::Fail(const QueueItem& item, TimePoint now,
                                             const std::string& why) {
  Status failed = store_.MarkFailed(item.id, now, why);
  if (!failed.ok()) return failed;
  logger_.Warning("failed step " + Describe(item) + ": " + why);
  return StepOutcome::kFailed;
}

Result<StepOutcome> SequenceStepSender::Defer(const QueueItem& item, const StepRetry& retry,
                                              const std::string& why) {
  Status deferred = store_.MarkRetry(item.id, retry.retry_at, why);
  if (!deferred.ok()) return deferred;
  logger_.Info("deferred step " + Describe(item) + " attempt=" + std::to_string(item.attempts + 1) +
               " retry_at=" + FormatIsoUtc(retry.retry_at) + ": " + why);
  return StepOutcome::kDeferred;
}

Result<StepOutcome> SequenceStepSender::Skip(const QueueItem& item, const Prepared& prepared,
                                             TimePoint now, const std::string& why) {
  const SequenceDefinition& def = prepared.definition;
  std::optional<TimePoint> next_due;
  if (item.step + 1 < def.steps.size()) {
    // As after a send at now: "after previous" counts from the skip.
    Enrolment after = prepared.enrolment;
    after.history.push_back(SentStep{item.step, now, "", /*skipped=*/true});
    Result<TimePoint> due = StepDueTime(def, item.step + 1, after);
    if (due.ok()) {
      next_due = *due;
    } else {
      logger_.Warning("step " + Describe(item) +
                      ": next step has no due time, completing: " + due.status().message());
    }
  }
  Status skipped = store_.sequences().SkipStep(item.id, why, now, next_due);
  if (!skipped.ok()) return skipped;
  logger_.Warning("skipped step " + Describe(item) + " next_due=" +
                  (next_due ? FormatIsoUtc(*next_due) : std::string("-")) + ": " + why);
  return StepOutcome::kSkipped;
}

Result<StepOutcome> SequenceStepSender::ExitWithoutEngagement(const QueueItem& item,
                                                              const Prepared& prepared,
                                                              size_t exit_index, TimePoint now) {
  const ExitSpec& exit = prepared.definition.exits[exit_index];
  const Enrolment& enrolment = prepared.enrolment;
  SequenceDecision decision;
  decision.exits.push_back(ExitAction{enrolment.sequence, enrolment.person, exit.name});
  std::string moved;
  if (!exit.move_to.empty()) {
    // The target is entered on its current version, as a trigger would.
    std::optional<LoadedSequence> target;
    std::string problem = "sequence_dir is not set";
    if (!settings_.directory.empty()) {
      Result<std::vector<LoadedSequence>> loaded = LoadSequenceDirectory(settings_.directory);
      problem = loaded.ok() ? "no sequence named " + exit.move_to : loaded.status().message();
      if (loaded.ok())
        for (LoadedSequence& sequence : *loaded)
          if (sequence.definition.name == exit.move_to) target = std::move(sequence);
    }
    if (!target) {
      logger_.Warning("step " + Describe(item) + ": exit " + exit.name + " cannot move to " +
                      exit.move_to + " (" + problem + "); leaving only");
    } else {
      Status stored = store_.sequences().PutSequenceVersion(
          target->definition.name, target->definition.version, target->source);
      if (!stored.ok()) return stored;
      EnrolAction enrol;
      enrol.sequence = target->definition.name;
      enrol.version = target->definition.version;
      enrol.person = enrolment.person;
      enrol.display_name = enrolment.display_name;
      enrol.variables = enrolment.variables;
      enrol.reason = "moved from " + enrolment.sequence;
      Enrolment fresh;
      fresh.person = enrolment.person;
      fresh.display_name = enrolment.display_name;
      fresh.sequence = enrol.sequence;
      fresh.version = enrol.version;
      fresh.variables = enrolment.variables;
      fresh.enrolled_at = now;
      if (!target->definition.steps.empty()) {
        Result<TimePoint> due = StepDueTime(target->definition, 0, fresh);
        if (due.ok()) {
          enrol.first_due = *due;
        } else {
          logger_.Warning("step " + Describe(item) + ": first step of " + exit.move_to +
                          " has no due time: " + due.status().message());
        }
      }
      decision.enrols.push_back(std::move(enrol));
      moved = " moved_to=" + exit.move_to;
    }
  }
  Status applied = store_.sequences().ApplySequenceDecision(
      decision, settings_.addresses.secret_key, settings_.soft_bounce_limit, now);
  if (!applied.ok()) return applied;
  logger_.Info("exited step " + Describe(item) + " exit=" + exit.name + moved + ": " +
               std::to_string(enrolment.steps_since_engagement) + " steps without engagement");
  return StepOutcome::kExited;
}

Result<StepOutcome> SequenceStepSender::HandleConfirmation(const QueueItem& item,
                                                           const Prepared& prepared, TimePoint now,
                                                           const StepRetry& retry) {
  const Enrolment& current = prepared.enrolment;
  const SequenceDefinition& def = prepared.definition;
  if (!current.AwaitingConfirmation()) return Drop(item, "not awaiting confirmation");
  const Consent& consent = current.consent;
  if (consent.expires_at && now >= *consent.expires_at) {
    SequenceDecision decision;
    decision.exits.push_back(ExitAction{current.sequence, current.person, "unconfirmed"});
    Status applied = store_.sequences().ApplySequenceDecision(
        decision, settings_.addresses.secret_key, settings_.soft_bounce_limit, now);
    if (!applied.ok()) return applied;
    logger_.Info("expired " + Describe(item) + ": not confirmed since " +
                 FormatIsoUtc(current.enrolled_at));
    return StepOutcome::kExpired;
  }
  if (consent.requested_at) {
    // Sent already (the item came back early): wait for the expiry.
    StepRetry at_expiry = retry;
    at_expiry.retry_at = consent.expires_at.value_or(retry.retry_at);
    return Defer(item, at_expiry, "awaiting confirmation");
  }
  // Catch-up after downtime does not apply: without the confirmation nothing
  // else is ever sent, and the expiry bounds how late it may be.
  if (def.confirm_template.empty())
    return Fail(item, now, "the definition has no confirm_template");
  Result<StepTemplate> confirm_template = ParseStepTemplate(def.confirm_template, prepared.source);
  if (!confirm_template.ok())
    return Fail(item, now,
                "template " + def.confirm_template + ": " + confirm_template.status().message());
  if (settings_.addresses.secret_key.empty())
    return Defer(item, retry, "no secret key is configured (secret_key_file)");
  const std::string& person = current.person;
  Result<StepAddresses> addresses = MakeStepAddresses(def, person, settings_.addresses);
  if (!addresses.ok()) return Fail(item, now, addresses.status().message());
  Result<ConfirmAddresses> confirm = MakeConfirmAddresses(def, person, settings_.addresses);
  if (!confirm.ok()) return Fail(item, now, confirm.status().message());

  StepMessageInput input =
      StepInput(def, current, person, item.step, std::move(*confirm_template), *addresses,
                MakeStepVariables(def, current, kConfirmationStep, *addresses,
                                  settings_.addresses.secret_key, now),
                now);
  // No coupon before consent: a forged sign-up must not yield a valid code.
  input.variables["coupon"] = "";
  // Set last: a trigger mail's capture of the same name cannot forge them.
  input.variables["confirm_mailto"] = confirm->mailto;
  input.variables["confirm_url"] = confirm->url;
  input.variables["confirm_expires"] =
      consent.expires_at ? FormatIsoUtc(*consent.expires_at) : std::string();
  input.variables["legal_basis"] = consent.legal_basis;
  Result<ComposedReply> composed = ComposeStepMessage(input, settings_.compose);
  if (!composed.ok()) return Fail(item, now, "cannot compose: " + composed.status().message());

  OutgoingMail mail;
  mail.envelope_sender = addresses->envelope_sender;
  mail.recipient = person;
  mail.message = composed->message;
  const SendResult result = transport_.Send(mail);
  if (result.kind == SendResult::Kind::kSent) {
    Status recorded = store_.sequences().RecordConfirmationSent(item.id, composed->message_id, now);
    if (!recorded.ok()) return recorded;
    logger_.Info(
        "sent confirmation " + Describe(item) + " message_id=" + composed->message_id +
        " expires=" + (consent.expires_at ? FormatIsoUtc(*consent.expires_at) : std::string("-")) +
        ": " + result.detail);
    return StepOutcome::kConfirmationSent;
  }
  if (result.kind == SendResult::Kind::kPermanent)
    return Fail(item, now, "rejected: " + result.detail);
  return Defer(item, retry, result.detail);
}

Result<StepOutcome> SequenceStepSender::Handle(const QueueItem& item, TimePoint now,
                                               const StepRetry& retry) {
  SequenceStore& sequences = store_.sequences();
  const std::string person = item.envelope_recipient.empty() ? item.user : item.envelope_recipient;

  // Checked again at send time: much can happen in the days since queuing.
  Result<std::optional<Enrolment>> enrolment = sequences.GetEnrolment(person, item.sequence);
  if (!enrolment.ok()) return enrolment.status();
  if (!enrolment->has_value()) return Drop(item, "no enrolment");
  Prepared prepared;
  prepared.enrolment = std::move(**enrolment);
  const Enrolment& current = prepared.enrolment;
  if (current.state != EnrolmentState::kActive) return Drop(item, "enrolment is not active");
  // A restart makes a new enrolment; an item queued before it is not its own.
  if (item.created < current.enrolled_at) return Drop(item, "queued for an earlier enrolment");
  if (current.next_step != item.step)
    return Drop(item, "enrolment is at step " + std::to_string(current.next_step));
  Result<std::optional<Suppression>> suppression = sequences.GetSuppression(person);
  if (!suppression.ok()) return suppression.status();
  if (suppression->has_value()) return Drop(item, "suppressed: " + (*suppression)->reason);

  // The version the person entered, not whatever the file says today.
  Result<std::optional<SequenceSource>> source =
      sequences.GetSequenceVersion(item.sequence, current.version);
  if (!source.ok()) return source.status();
  if (!source->has_value())
    return Fail(item, now, "definition version " + current.version + " is not stored");
  prepared.source = std::move(**source);
  Result<SequenceDefinition> definition = ParseSequence(prepared.source);
  if (!definition.ok())
    return Fail(item, now,
                "definition version " + current.version +
                    " does not parse: " + definition.status().message());
  prepared.definition = std::move(*definition);
  const SequenceDefinition& def = prepared.definition;
  if (item.step == kConfirmationStep) return HandleConfirmation(item, prepared, now, retry);
  // Only the confirmation goes to a person who has not confirmed.
  if (current.AwaitingConfirmation()) return Drop(item, "awaiting confirmation");
  if (item.step >= def.steps.size())
    return Drop(item, "the definition has only " + std::to_string(def.steps.size()) + " steps");

  for (size_t i = 0; i < def.exits.size(); ++i) {
    const ExitSpec& exit = def.exits[i];
    if (exit.on == ExitOn::kNoEngagement && exit.steps > 0 &&
        current.steps_since_engagement >= static_cast<uint32_t>(exit.steps))
      return ExitWithoutEngagement(item, prepared, i, now);
  }

  if (!retry.skip_reason.empty()) return Skip(item, prepared, now, retry.skip_reason);

  const StepSpec& step = def.steps[item.step];
  Result<StepTemplate> step_template = ParseStepTemplate(step.template_name, prepared.source);
  if (!step_template.ok())
    return Fail(item, now,
                "template " + step.template_name + ": " + step_template.status().message());
  if (settings_.addresses.secret_key.empty())
    return Defer(item, retry, "no secret key is configured (secret_key_file)");
  Result<StepAddresses> addresses = MakeStepAddresses(def, person, settings_.addresses);
  if (!addresses.ok()) return Fail(item, now, addresses.status().message());

  StepMessageInput input = StepInput(
      def, current, person, item.step, std::move(*step_template), *addresses,
      MakeStepVariables(def, current, item.step, *addresses, settings_.addresses.secret_key, now),
      now);
  Result<ComposedReply> composed = ComposeStepMessage(input, settings_.compose);
  if (!composed.ok()) return Fail(item, now, "cannot compose: " + composed.status().message());

  OutgoingMail mail;
  mail.envelope_sender = addresses->envelope_sender;
  mail.recipient = person;
  mail.message = composed->message;
  const SendResult result = transport_.Send(mail);

  if (result.kind == SendResult::Kind::kSent) {
    std::optional<TimePoint> next_due;
    if (item.step + 1 < def.steps.size()) {
      // The next step counts from this one's send time (kPrevious).
      Enrolment after = current;
      after.history.push_back(SentStep{item.step, now, composed->message_id});
      Result<TimePoint> due = StepDueTime(def, item.step + 1, after);
      if (due.ok()) {
        next_due = *due;
      } else {
        logger_.Warning("step " + Describe(item) +
                        ": next step has no due time, completing: " + due.status().message());
      }
    }
    Status recorded = sequences.RecordStepSent(item.id, composed->message_id, now, next_due);
    if (!recorded.ok()) return recorded;
    logger_.Info("sent step " + Describe(item) + " name=" + step.name +
                 " message_id=" + composed->message_id + " next_due=" +
                 (next_due ? FormatIsoUtc(*next_due) : std::string("-")) + ": " + result.detail);
    return StepOutcome::kSent;
  }
  if (result.kind == SendResult::Kind::kPermanent)
    return Fail(item, now, "rejected: " + result.detail);
  // Age counts from when the step was due, not from enrolment: a step
  // queued weeks ahead is not "old" the first time it is tried.
  const TimePoint due = current.next_due.value_or(item.created);
  if (now - due > retry.max_age)
    return Fail(item, now,
                "too old to retry after " + std::to_string(item.attempts + 1) +
                    " attempts, due more than max_age " + std::to_string(retry.max_age.count()) +
                    "s ago: " + result.detail);
  return Defer(item, retry, result.detail);
}

}  // namespace ar
