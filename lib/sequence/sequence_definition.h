// SequenceDefinition: one follow-up sequence (drip campaign) as an
// administrator writes it: one file per sequence in sequence_dir, format in
// sequence(5) (man/autoresponder-sequence.5). A plain value; no I/O here
// except in the loader functions at the bottom.
//
// A definition is identified by name and version. The version is a hash of
// the file text and every template it names, so editing anything makes a new
// version; people already enrolled stay on the version they entered (the
// store keeps each version's SequenceSource) unless migrated explicitly.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/rate_limit.h"
#include "core/result.h"
#include "sequence/client_network.h"

namespace ar {

// Which mail may trigger: received over SMTP, submitted locally, or both.
enum class Direction { kSmtp, kLocal, kBoth };

// Whose address a trigger enrols.
enum class PersonSource { kEnvelopeSender, kEnvelopeRecipient, kFrom, kReplyTo, kHeader };

// One condition of a trigger; all conditions of a trigger must match.
// field: "sender" (envelope sender), "recipient" (any envelope recipient),
// "from", "reply-to", "subject" (decoded), "header:<Name>" (any field of
// that name, unfolded, decoded), or "body" (the decoded text of the body,
// Message::body_text). pattern: an RE2 pattern, unanchored unless
// it anchors itself; named groups (?P<name>...) become variables.
struct MatchCondition {
  std::string field;
  std::string pattern;
  int line = 0;  // where it was written, for errors
};

struct TriggerSpec {
  Direction direction = Direction::kBoth;
  std::vector<MatchCondition> conditions;
  // `client = CIDR, ...`: the MTA's {client_addr} must be in one of these
  // (empty: any client, also none). `authenticated = yes`: the MTA's
  // {auth_authen} must be set (SMTP AUTH submission). Both are facts the
  // MTA vouches for, unlike any header: what web forms are told to use.
  std::vector<IpNetwork> clients;
  bool require_authenticated = false;
  PersonSource person = PersonSource::kEnvelopeSender;
  std::string person_header;  // for PersonSource::kHeader

  // True when a condition reads the body: the milter then collects it.
  bool ReadsBody() const;
};

// When a step is due: offset after (or before, when negative) an anchor.
enum class StepAnchor {
  kPrevious,   // the previous step's send time; the enrolment for the first step
  kEnrolment,  // the enrolment time
  kVariable,   // a captured date variable (YYYY-MM-DD or DD.MM.YYYY), 00:00 in the zone
};

// Hours and weekdays in which a step may go out, in the sequence's zone (or
// the person's). The delay is counted first; a due time outside the window
// moves to the next opening.
struct SendWindow {
  unsigned weekdays = 0x7f;  // bit 0 = Monday ... bit 6 = Sunday
  int start_minute = 0;      // minutes after local midnight, inclusive
  int end_minute = 24 * 60;  // exclusive; start < end
};

struct StepSpec {
  std::string name;
  StepAnchor anchor = StepAnchor::kPrevious;
  std::string anchor_variable;  // for kVariable
  Seconds offset{0};            // negative: before the anchor
  std::string template_name;    // file name relative to the sequence file
  std::optional<SendWindow> window;
  int line = 0;
};

enum class ExitOn {
  kTrigger,       // another message matches `trigger` for the same person (the purchase)
  kReply,         // the person replies to one of this sequence's messages
  kNoEngagement,  // `steps` consecutive steps sent without engagement
};

struct ExitSpec {
  std::string name;
  ExitOn on = ExitOn::kReply;
  TriggerSpec trigger;   // for kTrigger
  int steps = 0;         // for kNoEngagement
  std::string move_to;   // "" = leave; else enrol in that sequence
  int line = 0;
  std::set<std::string> captured_variables;  // named groups of `trigger`
};

enum class ReEntry { kIgnore, kRestart, kAfter };

// How a person's consent is obtained (`confirm` in [sequence]).
enum class ConfirmMode {
  kNone,         // the trigger mail is consent enough (a customer's own order)
  kDoubleOptIn,  // the first mail asks to confirm; nothing else until confirmed
};

struct SequenceDefinition {
  std::string name;          // [a-z0-9][a-z0-9-]*, unique
  std::string version;       // hex hash of the source; set by the parser
  std::string description;
  std::string time_zone = "UTC";      // IANA name
  std::string person_time_zone_variable;  // a variable holding the person's zone, or ""
  std::string from;          // From of every step: "Shop <shop@shop.example>"
  std::string list_id;       // "<name>.<domain>" default from the From domain
  ReEntry re_entry = ReEntry::kIgnore;
  Seconds re_entry_after{0};  // for kAfter
  // The {{coupon}} shape: each 'X' becomes a base32 character (tokens.h
  // Coupon); other characters are kept. At least 8 X.
  std::string coupon_format = "XXXX-XXXX";
  // Double opt-in: confirm_template is the confirmation mail (a step
  // template); unconfirmed enrolments end after confirm_expiry.
  ConfirmMode confirm = ConfirmMode::kNone;
  std::string confirm_template;
  Seconds confirm_expiry{7 * 24 * 3600};
  std::string legal_basis;  // kept in each enrolment's consent record
  TriggerSpec trigger;
  // Trigger enrolments counted per window (store "enrol_windows"): into
  // this sequence from anyone, and from one source (one client address,
  // IPv6 per /64, and one envelope sender, each counted apart). Over
  // either, the trigger enrols nobody. Disabled when count is 0.
  RateLimit enrol_rate_limit;
  RateLimit enrol_source_limit;
  std::vector<StepSpec> steps;
  std::vector<ExitSpec> exits;
  std::string file;          // source file name, for messages
  std::set<std::string> captured_variables;  // named groups of the [trigger] patterns

  // True when the trigger or an exit trigger has a body condition.
  bool ReadsBody() const;
};

// The text a definition is made of: the sequence file and each template it
// names. Stored per version, so a definition can be rebuilt exactly later.
struct SequenceSource {
  std::string file_name;                          // e.g. "canon-eos-5d.sequence"
  std::string text;
  std::map<std::string, std::string> templates;  // template_name -> text; ".html" siblings included
};

// A template file: RFC 5322-style header lines (Subject required; From,
// Reply-To optional), a blank line, then the text body. An HTML body comes
// from a sibling file with the same base name and ".html".
struct StepTemplate {
  std::map<std::string, std::string> headers;  // name as written -> raw template text
  std::string text_body;
  std::string html_body;  // "" when there is no .html sibling
};

// Parses source.text; every error is "FILE:LINE: what is wrong" and all are
// reported at once (joined by newlines in the Status message). Validates the
// RE2 patterns, the zone names, the template files being present in
// source.templates and parseable, steps/exits consistency. move_to names are
// checked by LoadSequenceDirectory, which sees all sequences.
Result<SequenceDefinition> ParseSequence(const SequenceSource& source);

// The variables every step has, whatever the trigger captured (filled by
// dispatch/step_variables.cc MakeStepVariables and the trigger matcher's
// recipient_detail); a capture may not take one of these names.
const std::set<std::string>& BuiltInTemplateVariables();

// A variable a template refers to, where: the template file (or its .html
// sibling) and the line in it.
struct TemplateVariableUse {
  std::string name;
  std::string file;
  int line = 0;
};

// Every variable the template name and its .html sibling refer to, in file
// order. LoadSequenceDirectory reports the ones nobody sets (neither built
// in, nor captured by the trigger or by an exit trigger that moves people
// here): a misspelt {{frist_name}} would otherwise render empty in every
// mail.
std::vector<TemplateVariableUse> TemplateVariableUses(const std::string& name,
                                                      const SequenceSource& source);

// Parses source.templates[name] (and its ".html" sibling when present);
// errors are "TEMPLATE:LINE: what", all at once.
Result<StepTemplate> ParseStepTemplate(const std::string& name, const SequenceSource& source);

// The version of a source: lower-case hex SHA-256 over the file name, the
// text and every template (name and text, in name order), each piece
// length-prefixed so that no two different sources share a version.
std::string SequenceVersion(const SequenceSource& source);

// The ".html" sibling of a template name: "info.txt" -> "info.html",
// "info" -> "info.html".
std::string HtmlSiblingName(const std::string& template_name);

struct LoadedSequence {
  SequenceDefinition definition;
  SequenceSource source;
};

// Reads every "*.sequence" file in dir and the templates they name (relative
// to dir), parses them, and checks what needs all of them (unique names,
// move_to targets exist). Errors as above, for every file at once.
Result<std::vector<LoadedSequence>> LoadSequenceDirectory(const std::string& dir);

}  // namespace ar
