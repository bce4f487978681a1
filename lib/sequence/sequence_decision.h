// The pure sequence decision for one message at end of message:
//   DecideSequences(message, sequences, state, settings, now) -> actions
// No I/O: the store is read through SequenceStateView and the actions are
// applied by the caller in one store transaction. Handles, in this order:
//   1. control mail: to unsubscribe+TOKEN@ (suppress the person
//      everywhere), DSNs (multipart/report; RFC 3464) to bounces+TOKEN@ (any
//      Status 5.x.x: hard bounce -> suppress; 4.x.x: a soft bounce counted).
//      Only at our domains (IsOurControlAddress) and only with a token that
//      names a person: such a recipient is consumed (removed from delivery,
//      other recipients untouched). A token that names nobody is a warning
//      and the recipient is delivered as ordinary mail; so is every
//      unsubscribe+/bounces+ address at a domain that is not ours.
//   2. engagement: a message naming one of our Message-IDs in In-Reply-To or
//      References is a reply from that person (unless it is itself automatic:
//      Auto-Submitted other than "no", or an out-of-office) -> engagement, and
//      any `on = reply` exit of that sequence.
//   3. exits on trigger (the purchase) for people enrolled, with moves.
//   4. enrolment triggers, honouring re_entry and "same trigger Message-ID
//      never enrols twice"; suppressed people are never enrolled.
//
// Double opt-in (SequenceDefinition::confirm): an enrolment in such a
// sequence awaits confirmation (EnrolAction::double_opt_in); the store
// queues the confirmation mail instead of step 0. Mail to
// confirm+TOKEN@ (at our domains, ConfirmToken of the person and sequence)
// is control mail like an unsubscribe: consumed, and the awaiting
// enrolment is confirmed (ConfirmAction, step 0 scheduled from now). A reply
// naming the confirmation mail's Message-ID confirms too.
//
// DSN status contract. The milter negotiates SMFIP_NOBODY, so a Message has
// no body, yet a DSN's per-recipient Status is in the body (RFC 3464 section
// 2.3.4). The caller therefore, for a message with a bounces+ recipient,
// reads the body, removes every received field named
// kDsnStatusPseudoHeader ("X-Autoresponder-Dsn-Status", control_mail.h) and
// adds one holding ParseDsnStatus(body) ("5.1.1") before calling
// DecideSequences. The decision reads the last such field: 5.x.x -> a
// "hard-bounce" suppression; 4.x.x -> soft_bounces (the caller counts them
// against its limit); absent or malformed, or a message to bounces+ that is
// not multipart/report; report-type=delivery-status -> a note only.
// A recipient with a valid token is consumed in every case, also when the
// message is no DSN or has no Status. When every recipient is consumed (and
// the envelope was not cut, Envelope::recipients_dropped), steps 2-4 do not
// run (nothing is delivered). Steps 2-4 see the message without its
// consumed recipients.
//
// Re-entry (SequenceDefinition::re_entry), as this decision reads it:
//   ignore   - a person with any enrolment in the sequence (active, completed
//              or left) is not enrolled again.
//   restart  - an active enrolment is restarted from step 0; a completed or
//              left one is replaced by a new one (restart = true either way).
//   after D  - like restart, but only when enrolled_at + D <= now; earlier
//              the trigger is ignored with a note.
// A person enrolled (or moved) into a sequence earlier in the same decision
// is not enrolled there twice.
//
// Our own mail never enrols: a message carrying the loop marker header
// (settings.loop_marker_header), and a message that answers another
// (Auto-Submitted: auto-replied, RFC 3834 section 5.1: out-of-office
// replies, DSNs) never triggers enrolment or an exit. Auto-Submitted:
// auto-generated mail does (a shop's order confirmation is a legitimate
// trigger for both). A person address that is a control address
// (unsubscribe+ or bounces+) is never enrolled.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/decision_trail.h"
#include "core/rate_limit.h"
#include "message/message.h"
#include "sequence/captured_value.h"
#include "sequence/enrol_windows.h"
#include "sequence/enrolment.h"
#include "sequence/sequence_definition.h"
#include "sequence/trigger_matcher.h"

namespace ar {

// A definition ready for matching: compiled triggers for itself and its
// trigger exits. Built once per config load.
struct CompiledSequence {
  SequenceDefinition definition;
  // The domain of definition.from, lower case ("" when it has none): the
  // domain of the bounce and unsubscribe addresses its mail hands out.
  std::string from_domain;
  std::shared_ptr<const TriggerMatcher> trigger;
  std::map<std::string, std::shared_ptr<const TriggerMatcher>>
      exit_triggers;  // exit name -> matcher
};
Result<CompiledSequence> CompileSequence(const SequenceDefinition& definition);

struct SequenceStateView {
  std::function<bool(const std::string& person)> is_suppressed;
  std::function<std::optional<Enrolment>(const std::string& person, const std::string& sequence)>
      enrolment;
  std::function<std::optional<SentMessageRef>(const std::string& message_id)> find_message;
  // true when this trigger Message-ID already enrolled someone in this sequence
  std::function<bool(const std::string& message_id, const std::string& sequence)> trigger_seen;
  // the person a token was issued to, if any
  std::function<std::optional<std::string>(const std::string& token)> person_for_token;
};

struct SequenceSettings {
  std::string bounce_local_part = "bounces";
  std::string unsubscribe_local_part = "unsubscribe";
  // Present on every message we send (compose settings); such a message is
  // ours coming back and never enrols anyone.
  std::string loop_marker_header = "X-Autoresponder-Milter";
  // Domains, lower case, whose control addresses are ours besides the From
  // domains of the sequences (option control_domain).
  std::vector<std::string> control_domains;
  // Applied to every captured variable and the display name an enrolment
  // keeps (captured_value.h): sender-chosen text reaches templates only
  // cleaned and bounded.
  CaptureLimits capture;
  // sequence_enrol_rate_limit: trigger enrolments into all sequences
  // together per window (enrol_windows.h); disabled when count is 0.
  RateLimit global_enrol_rate_limit;
  std::string confirm_local_part = "confirm";
  // To recompute confirmation tokens (tokens.h ConfirmToken); "" confirms nothing.
  std::string secret_key;
};

// True when address is a control address of ours: local part
// "<local>+<tag>" and a domain that is a sequence's From domain or one of
// settings.control_domains. The same local part at any other domain is
// someone else's (a mailing list's unsubscribe address, a bulk sender's
// VERP) and ordinary mail.
bool IsOurControlAddress(std::string_view address, std::string_view local,
                         const std::vector<CompiledSequence>& sequences,
                         const SequenceSettings& settings);

struct EnrolAction {
  std::string sequence;
  std::string version;
  std::string person;
  std::string display_name;
  std::map<std::string, std::string> variables;
  std::string trigger_message_id;  // "" when the trigger had none
  bool restart = false;            // replace an existing enrolment (re_entry restart/after)
  // Step 0's due time (timeline.h StepDueTime); nullopt when the sequence has
  // no steps or the time cannot be computed (a note says why).
  std::optional<TimePoint> first_due;
  std::string reason;  // "trigger", "moved from <sequence>", "manual"
  // The rate limits a trigger enrolment counts against (EnrolWindowsFor);
  // empty for moves and manual enrolments. The store refuses the enrolment
  // when one of them is full (ApplySequenceDecision).
  std::vector<EnrolWindow> windows;
  // Double opt-in: the confirmation mail is queued instead of step 0 and the
  // enrolment ends unconfirmed at confirm_expires.
  bool double_opt_in = false;
  TimePoint confirm_expires;
  std::string legal_basis;  // the sequence's, for the consent record
};

struct ConfirmAction {
  std::string sequence;
  std::string person;
  // Step 0's due time counted from the confirmation; nullopt: nothing to send.
  std::optional<TimePoint> first_due;
};

struct ExitAction {
  std::string sequence;
  std::string person;
  std::string reason;  // the exit's name, "reply", ...
};

struct SequenceDecision {
  std::vector<ExitAction> exits;  // applied before enrols
  std::vector<EnrolAction> enrols;
  std::vector<ConfirmAction> confirmations;  // applied after engagements, before enrols
  std::vector<std::pair<std::string, std::string>> engagements;   // (person, sequence)
  std::vector<std::pair<std::string, std::string>> suppressions;  // (person, reason)
  std::vector<std::string> soft_bounces;                          // persons
  std::vector<std::string> consume_recipients;  // envelope recipients to remove from delivery
  std::vector<std::string> notes;               // one log line each (without queue id)
  std::vector<std::string> warnings;            // the same, for the warning level
};

// trail, when set, receives each check (own mail, engagement, every
// sequence's trigger and exit triggers) and every note and warning
// (core/decision_trail.h); the decision is the same with or without it.
SequenceDecision DecideSequences(const Message& message,
                                 const std::vector<CompiledSequence>& sequences,
                                 const SequenceStateView& state, const SequenceSettings& settings,
                                 TimePoint now, DecisionTrail* trail = nullptr);

}  // namespace ar
