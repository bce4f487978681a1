#include "sequence/sequence_decision.h"

#include <set>
#include <utility>

#include "core/strings.h"
#include "message/address.h"
#include "policy/header_syntax.h"
#include "sequence/control_mail.h"
#include "sequence/engagement.h"
#include "sequence/timeline.h"
#include "sequence/tokens.h"

namespace ar {

Result<CompiledSequence> CompileSequence(const SequenceDefinition& definition) {
  const std::string where = (definition.file.empty() ? definition.name : definition.file) + ": ";
  CompiledSequence compiled;
  compiled.definition = definition;
  const std::vector<Mailbox> from = ParseAddressList(definition.from);
  if (from.size() == 1) compiled.from_domain = DomainOf(from[0].address);
  Result<std::shared_ptr<const TriggerMatcher>> trigger =
      TriggerMatcher::Compile(definition.trigger);
  if (!trigger.ok()) {
    return Status::InvalidArgument(where + "[trigger]: " + trigger.status().message());
  }
  compiled.trigger = std::move(trigger.value());
  for (const ExitSpec& exit : definition.exits) {
    if (exit.on != ExitOn::kTrigger) continue;
    Result<std::shared_ptr<const TriggerMatcher>> matcher = TriggerMatcher::Compile(exit.trigger);
    if (!matcher.ok()) {
      return Status::InvalidArgument(where + "[exit " + exit.name +
                                     "]: " + matcher.status().message());
    }
    compiled.exit_triggers[exit.name] = std::move(matcher.value());
  }
  return compiled;
}

bool IsOurControlAddress(std::string_view address, std::string_view local,
                         const std::vector<CompiledSequence>& sequences,
                         const SequenceSettings& settings) {
  if (!IsTaggedControlAddress(address, local)) return false;
  std::string_view bare = Trim(address);
  if (bare.size() >= 2 && bare.front() == '<' && bare.back() == '>')
    bare = bare.substr(1, bare.size() - 2);
  const std::string domain = DomainOf(bare);
  if (domain.empty()) return false;
  for (const CompiledSequence& sequence : sequences) {
    if (sequence.from_domain == domain) return true;
  }
  for (const std::string& ours : settings.control_domains) {
    if (EqualsIgnoreCase(ours, domain)) return true;
  }
  return false;
}

namespace {

using PersonSequence = std::pair<std::string, std::string>;

// One run of DecideSequences: the inputs plus what has been decided so far,
// so that later steps see the earlier ones (a person unsubscribed by this
// message is not enrolled by it; nobody is enrolled twice).
class DecisionRun {
 public:
  DecisionRun(const Message& message, const std::vector<CompiledSequence>& sequences,
              const SequenceStateView& state, const SequenceSettings& settings, TimePoint now,
              DecisionTrail* trail)
      : message_(message),
        sequences_(sequences),
        state_(state),
        settings_(settings),
        now_(now),
        trail_(trail) {
    if (std::optional<std::string_view> id = message.First("Message-ID")) {
      trigger_message_id_ = std::string(Trim(*id));
    }
  }

  SequenceDecision Run() {
    Message delivered = HandleControlMail();
    if (delivered.envelope().recipients.empty() && !message_.envelope().recipients.empty() &&
        message_.envelope().recipients_dropped == 0) {
      return std::move(decision_);  // every recipient consumed: nothing is delivered
    }
    HandleEngagement(delivered);
    // Our own mail coming back, and answers to other mail (out-of-office
    // replies, DSNs; RFC 3834 section 5.1 "auto-replied"), are never a
    // purchase or a lead.
    const bool ours =
        !settings_.loop_marker_header.empty() && delivered.Has(settings_.loop_marker_header);
    const bool auto_replied = !ours && IsAutoReplied(delivered);
    if (trail_ != nullptr) {
      RecordCheck(trail_, "sequences", "own mail or automatic reply",
                  ours || auto_replied ? TrailOutcome::kStop : TrailOutcome::kPass,
                  ours           ? "loop marker " + settings_.loop_marker_header
                  : auto_replied ? "Auto-Submitted: auto-replied"
                                 : "");
    }
    if (ours || auto_replied) {
      NoteIgnoredTriggers(delivered, ours ? "our own mail" : "an automatic reply");
      return std::move(decision_);
    }
    HandleTriggerExits(delivered);
    HandleEnrolmentTriggers(delivered);
    return std::move(decision_);
  }

 private:
  // --- state access; an unset function means "nothing known" ---
  bool StoredSuppression(const std::string& person) const {
    return state_.is_suppressed && state_.is_suppressed(person);
  }
  std::optional<Enrolment> StoredEnrolment(const std::string& person,
                                           const std::string& sequence) const {
    if (!state_.enrolment) return std::nullopt;
    return state_.enrolment(person, sequence);
  }
  std::optional<SentMessageRef> FindMessage(const std::string& id) const {
    if (!state_.find_message) return std::nullopt;
    return state_.find_message(id);
  }
  bool TriggerSeen(const std::string& sequence) const {
    return !trigger_message_id_.empty() && state_.trigger_seen &&
           state_.trigger_seen(trigger_message_id_, sequence);
  }
  std::optional<std::string> PersonForToken(const std::string& token) const {
    if (!state_.person_for_token) return std::nullopt;
    return state_.person_for_token(token);
  }

  const CompiledSequence* Find(const std::string& name) const {
    for (const CompiledSequence& sequence : sequences_) {
      if (sequence.definition.name == name) return &sequence;
    }
    return nullptr;
  }

  // Any domain: sequence mail to someone else's unsubscribe or VERP
  // address would act on their list, so such a person is never enrolled.
  bool IsControlAddress(std::string_view address) const {
    return IsTaggedControlAddress(address, settings_.unsubscribe_local_part) ||
           IsTaggedControlAddress(address, settings_.bounce_local_part) ||
           IsTaggedControlAddress(address, settings_.confirm_local_part);
  }

  // Notes quote envelope recipients and header text verbatim; each becomes
  // one log line, so a control character in them must not start another.
  // Every note and warning is also an entry of the trail: they are the
  // decision's own account of what it did and refused.
  void Note(std::string_view text) {
    decision_.notes.push_back(ReplaceControlCharacters(text));
    if (trail_ != nullptr)
      RecordCheck(trail_, "sequences", "", TrailOutcome::kNote, decision_.notes.back());
  }
  void Warn(std::string_view text) {
    decision_.warnings.push_back(ReplaceControlCharacters(text));
    if (trail_ != nullptr) {
      RecordCheck(trail_, "sequences", "", TrailOutcome::kNote,
                  "warning: " + decision_.warnings.back());
    }
  }

  // The entry for one sequence's trigger or exit trigger.
  void TrailMatch(const CompiledSequence& sequence, const std::string& check,
                  const std::optional<TriggerMatch>& match) {
    if (trail_ == nullptr) return;
    RecordCheck(trail_, "sequence " + sequence.definition.name, check,
                match ? TrailOutcome::kPass : TrailOutcome::kStop,
                match ? "matched " + match->person : "no match");
  }

  void Suppress(const std::string& person, const std::string& reason) {
    if (!suppressed_now_.insert(person).second) return;
    decision_.suppressions.emplace_back(person, reason);
    Note(person + ": suppressed in every sequence (" + reason + ")");
  }

  // --- 1. control mail ---
  // Returns the message as it is delivered: without its consumed recipients.
  Message HandleControlMail() {
    Message delivered = message_;
    std::vector<std::string> kept;
    for (const std::string& recipient : message_.envelope().recipients) {
      bool consumed = false;
      if (IsOurs(recipient, settings_.unsubscribe_local_part)) {
        consumed = HandleUnsubscribe(recipient);
      } else if (IsOurs(recipient, settings_.bounce_local_part)) {
        consumed = HandleBounce(recipient);
      } else if (IsOurs(recipient, settings_.confirm_local_part)) {
        consumed = HandleConfirm(recipient);
      }
      if (consumed) {
        decision_.consume_recipients.push_back(recipient);
      } else {
        kept.push_back(recipient);
      }
    }
    delivered.mutable_envelope().recipients = std::move(kept);
    return delivered;
  }

  bool IsOurs(std::string_view recipient, std::string_view local) const {
    return IsOurControlAddress(recipient, local, sequences_, settings_);
  }

  // The person a control address at our domain names, or nullopt with a
  // warning: a token we never issued is mail for whoever reads that mailbox
  // (a typo, a forwarded list message), never something to throw away.
  std::optional<std::string> VerifiedPerson(const std::string& recipient, std::string_view local,
                                            std::string_view what) {
    const std::optional<std::string> token = TokenFromTaggedAddress(recipient, local);
    std::optional<std::string> person = token ? PersonForToken(*token) : std::nullopt;
    if (!person) {
      Warn("invalid " + std::string(what) + " token in <" + recipient +
           ">; delivered as ordinary mail");
    }
    return person;
  }

  // True when the recipient is consumed (its token names a person).
  bool HandleUnsubscribe(const std::string& recipient) {
    const std::optional<std::string> person =
        VerifiedPerson(recipient, settings_.unsubscribe_local_part, "unsubscribe");
    if (!person) return false;
    Suppress(*person, "unsubscribe");
    return true;
  }

  // True when the recipient is consumed (its token names a person): the VERP
  // address is ours alone, whatever came back to it.
  bool HandleBounce(const std::string& recipient) {
    const std::optional<std::string> person =
        VerifiedPerson(recipient, settings_.bounce_local_part, "bounce");
    if (!person) return false;
    if (!IsDeliveryStatusNotification(message_)) {
      Note("mail to <" + recipient + "> is not a delivery status notification; ignored");
      return true;
    }
    // The caller's pseudo field comes last (see the contract in the header).
    std::optional<std::string> status;
    for (const HeaderField& field : message_.headers()) {
      if (EqualsIgnoreCase(field.name, kDsnStatusPseudoHeader))
        status = std::string(Trim(field.value));
    }
    if (!status || !IsWellFormedDsnStatus(*status)) {
      Note("delivery status notification for " + *person + " without a Status; ignored");
      return true;
    }
    // RFC 3463 section 3.1: class 5 is a permanent failure, 4 a transient one.
    if ((*status)[0] == '5') {
      Suppress(*person, "hard-bounce");
    } else if ((*status)[0] == '4') {
      decision_.soft_bounces.push_back(*person);
      Note(*person + ": soft bounce (" + *status + ")");
    } else {
      Note("delivery status notification for " + *person + " with status " + *status +
           "; nothing to do");
    }
    return true;
  }

  // True when the recipient is consumed: its token is a confirmation token
  // of ours (it names a person, and recomputing it names a double opt-in
  // sequence). Confirming twice is a note, not an error.
  bool HandleConfirm(const std::string& recipient) {
    const std::optional<std::string> person =
        VerifiedPerson(recipient, settings_.confirm_local_part, "confirmation");
    if (!person) return false;
    const std::string token =
        TokenFromTaggedAddress(recipient, settings_.confirm_local_part).value_or("");
    for (const CompiledSequence& sequence : sequences_) {
      const SequenceDefinition& definition = sequence.definition;
      if (definition.confirm != ConfirmMode::kDoubleOptIn || settings_.secret_key.empty() ||
          ConfirmToken(settings_.secret_key, *person, definition.name) != token)
        continue;
      const std::optional<Enrolment> enrolment = StoredEnrolment(*person, definition.name);
      if (enrolment && enrolment->state == EnrolmentState::kActive &&
          enrolment->AwaitingConfirmation()) {
        Confirm(sequence, *enrolment);
      } else {
        Note(*person + ": confirmation for " + definition.name + " when none is awaited; ignored");
      }
      return true;
    }
    Warn("confirmation token in <" + recipient +
         "> names no double opt-in sequence; delivered as ordinary mail");
    return false;
  }

  void Confirm(const CompiledSequence& sequence, const Enrolment& enrolment) {
    const SequenceDefinition& definition = sequence.definition;
    if (!confirmed_.emplace(enrolment.person, definition.name).second) return;
    ConfirmAction action{definition.name, enrolment.person, std::nullopt};
    if (!definition.steps.empty()) {
      // The sequence starts now: "3d after previous" counts from the
      // confirmation, not from the trigger mail days ago.
      Enrolment from_now = enrolment;
      from_now.enrolled_at = now_;
      from_now.history.clear();
      Result<TimePoint> due = StepDueTime(definition, 0, from_now);
      if (due.ok()) {
        action.first_due = due.value();
      } else {
        Note(enrolment.person + ": first step of " + definition.name +
             " cannot be scheduled: " + due.status().message());
      }
    }
    decision_.confirmations.push_back(std::move(action));
    Note(enrolment.person + ": confirmed " + definition.name);
  }

  // --- 2. engagement ---
  void HandleEngagement(const Message& delivered) {
    std::vector<std::pair<std::string, SentMessageRef>> replied;
    for (const std::string& id : ReferencedMessageIds(delivered)) {
      if (std::optional<SentMessageRef> ref = FindMessage(id)) replied.emplace_back(id, *ref);
    }
    if (trail_ != nullptr) {
      RecordCheck(
          trail_, "sequences", "engagement",
          replied.empty() ? TrailOutcome::kStop : TrailOutcome::kPass,
          replied.empty() ? "names none of our messages" : "names " + replied.front().first);
    }
    if (replied.empty()) return;
    if (IsAutomaticMessage(delivered)) {
      Note("automatic reply naming " + replied.front().first + " is not engagement");
      return;
    }
    std::set<PersonSequence> seen;
    for (const auto& [id, ref] : replied) {
      if (!seen.emplace(ref.person, ref.sequence).second) continue;
      decision_.engagements.emplace_back(ref.person, ref.sequence);
      Note(ref.person + ": replied to " + id + " (" + ref.sequence + ")");
      const CompiledSequence* sequence = Find(ref.sequence);
      if (sequence == nullptr) continue;
      if (ref.step == kConfirmationStep) {
        // A reply to the confirmation mail is the confirmation.
        const std::optional<Enrolment> enrolment = StoredEnrolment(ref.person, ref.sequence);
        if (enrolment && enrolment->state == EnrolmentState::kActive &&
            enrolment->AwaitingConfirmation())
          Confirm(*sequence, *enrolment);
        continue;
      }
      for (const ExitSpec& exit : sequence->definition.exits) {
        if (exit.on != ExitOn::kReply) continue;
        const std::optional<Enrolment> enrolment = StoredEnrolment(ref.person, ref.sequence);
        if (enrolment && enrolment->state == EnrolmentState::kActive) {
          Exit(*sequence, *enrolment, exit, {}, "");
        }
        break;
      }
    }
  }

  // --- 3. exits on trigger ---
  void HandleTriggerExits(const Message& delivered) {
    for (const CompiledSequence& sequence : sequences_) {
      for (const ExitSpec& exit : sequence.definition.exits) {
        if (exit.on != ExitOn::kTrigger) continue;
        const auto matcher = sequence.exit_triggers.find(exit.name);
        if (matcher == sequence.exit_triggers.end() || !matcher->second) continue;
        const std::optional<TriggerMatch> match = matcher->second->Match(delivered);
        TrailMatch(sequence, "exit " + exit.name + " trigger", match);
        if (!match) continue;
        if (exited_.count({match->person, sequence.definition.name}) > 0) continue;
        const std::optional<Enrolment> enrolment =
            StoredEnrolment(match->person, sequence.definition.name);
        if (!enrolment || enrolment->state != EnrolmentState::kActive) {
          if (trail_ != nullptr) {
            RecordCheck(trail_, "sequence " + sequence.definition.name, "exit " + exit.name,
                        TrailOutcome::kStop, match->person + " is not enrolled");
          }
          continue;
        }
        Exit(sequence, *enrolment, exit, match->variables, match->display_name);
      }
    }
  }

  void Exit(const CompiledSequence& sequence, const Enrolment& enrolment, const ExitSpec& exit,
            const std::map<std::string, std::string>& captured, const std::string& display_name) {
    const std::string& name = sequence.definition.name;
    exited_.emplace(enrolment.person, name);
    decision_.exits.push_back(ExitAction{name, enrolment.person, exit.name});
    Note(enrolment.person + ": leaves " + name + " (exit " + exit.name + ")");
    if (exit.move_to.empty()) return;
    const CompiledSequence* target = Find(exit.move_to);
    if (target == nullptr) {
      Note(enrolment.person + ": exit " + exit.name + " of " + name +
           " moves to unknown sequence " + exit.move_to + "; not moved");
      return;
    }
    // What the exit captured is newer than what the enrolment holds.
    std::map<std::string, std::string> variables = captured;
    variables.insert(enrolment.variables.begin(), enrolment.variables.end());
    Enrol(*target, enrolment.person,
          enrolment.display_name.empty() ? display_name : enrolment.display_name,
          std::move(variables), "moved from " + name);
  }

  // --- 4. enrolment triggers ---
  void HandleEnrolmentTriggers(const Message& delivered) {
    for (const CompiledSequence& sequence : sequences_) {
      if (!sequence.trigger) continue;
      if (trail_ != nullptr) {
        RecordCheck(trail_, "sequence " + sequence.definition.name, "", TrailOutcome::kConsult,
                    "version " + sequence.definition.version);
      }
      std::optional<TriggerMatch> match = sequence.trigger->Match(delivered);
      TrailMatch(sequence, "trigger", match);
      if (!match) continue;
      Enrol(sequence, match->person, match->display_name, std::move(match->variables), "trigger");
    }
  }

  void NoteIgnoredTriggers(const Message& delivered, const std::string& what) {
    for (const CompiledSequence& sequence : sequences_) {
      if (sequence.trigger && sequence.trigger->Match(delivered)) {
        Note(sequence.definition.name + ": trigger matched " + what + "; not enrolled");
      }
    }
  }

  void Enrol(const CompiledSequence& sequence, const std::string& person,
             const std::string& display_name, std::map<std::string, std::string> variables,
             const std::string& reason) {
    const SequenceDefinition& definition = sequence.definition;
    const std::string prefix = person + ": not enrolled in " + definition.name + ": ";
    if (IsControlAddress(person)) {
      Note(prefix + "a control address");
      return;
    }
    if (suppressed_now_.count(person) > 0 || StoredSuppression(person)) {
      Note(prefix + "suppressed");
      return;
    }
    if (enrolled_.count({person, definition.name}) > 0) {
      Note(prefix + "already enrolled by this message");
      return;
    }
    if (exited_.count({person, definition.name}) > 0) {
      Note(prefix + "this message made them leave it");
      return;
    }
    if (TriggerSeen(definition.name)) {
      Note(prefix + "trigger " + trigger_message_id_ + " was already seen");
      return;
    }
    bool restart = false;
    if (const std::optional<Enrolment> existing = StoredEnrolment(person, definition.name)) {
      const std::string state = EnrolmentStateName(existing->state);
      switch (definition.re_entry) {
        case ReEntry::kIgnore:
          Note(prefix + "already enrolled (" + state + "); re_entry = ignore");
          return;
        case ReEntry::kRestart:
          restart = true;
          break;
        case ReEntry::kAfter:
          if (existing->enrolled_at + definition.re_entry_after > now_) {
            Note(prefix + "enrolled (" + state + ") at " + FormatIsoUtc(existing->enrolled_at) +
                 "; re-entry allowed from " +
                 FormatIsoUtc(existing->enrolled_at + definition.re_entry_after));
            return;
          }
          restart = true;
          break;
      }
    }

    EnrolAction action;
    action.sequence = definition.name;
    action.version = definition.version;
    action.person = person;
    action.display_name = CleanCapturedValue(display_name, settings_.capture);
    for (auto& [name, value] : variables) value = CleanCapturedValue(value, settings_.capture);
    action.variables = std::move(variables);
    action.trigger_message_id = trigger_message_id_;
    action.restart = restart;
    action.reason = reason;
    action.legal_basis = definition.legal_basis;
    if (definition.confirm == ConfirmMode::kDoubleOptIn) {
      action.double_opt_in = true;
      action.confirm_expires = now_ + definition.confirm_expiry;
    }
    if (reason == "trigger") {
      action.windows =
          EnrolWindowsFor(definition, message_.envelope(), settings_.global_enrol_rate_limit);
    }
    if (definition.steps.empty()) {
      Note(definition.name + " has no steps; nothing will be sent to " + person);
    } else {
      Enrolment enrolment;
      enrolment.person = person;
      enrolment.display_name = action.display_name;
      enrolment.sequence = definition.name;
      enrolment.version = definition.version;
      enrolment.variables = action.variables;
      enrolment.enrolled_at = now_;
      enrolment.trigger_message_id = trigger_message_id_;
      Result<TimePoint> due = StepDueTime(definition, 0, enrolment);
      if (due.ok()) {
        action.first_due = due.value();
      } else {
        Note(person + ": first step of " + definition.name +
             " cannot be scheduled: " + due.status().message());
      }
    }
    enrolled_.emplace(person, definition.name);
    Note(person + ": enrolled in " + definition.name + " (" + reason +
         (restart ? ", restart" : "") + (action.double_opt_in ? ", awaiting confirmation" : "") +
         ")");
    decision_.enrols.push_back(std::move(action));
  }

  const Message& message_;
  const std::vector<CompiledSequence>& sequences_;
  const SequenceStateView& state_;
  const SequenceSettings& settings_;
  const TimePoint now_;
  DecisionTrail* const trail_;  // may be null
  std::string trigger_message_id_;
  SequenceDecision decision_;
  std::set<std::string> suppressed_now_;
  std::set<PersonSequence> exited_;
  std::set<PersonSequence> enrolled_;
  std::set<PersonSequence> confirmed_;
};

}  // namespace

SequenceDecision DecideSequences(const Message& message,
                                 const std::vector<CompiledSequence>& sequences,
                                 const SequenceStateView& state, const SequenceSettings& settings,
                                 TimePoint now, DecisionTrail* trail) {
  return DecisionRun(message, sequences, state, settings, now, trail).Run();
}

}  // namespace ar
