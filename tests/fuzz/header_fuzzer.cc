// Fuzzes the milter's hot path on hostile input: a raw header block becomes a
// Message the way the milter builds one (the MTA hands over name and value per
// field; Message::AddHeader unfolds and bounds them), then the RFC 2047
// decoding and address parsing the decision uses, then DecideOutOfOffice with
// fixed rules, settings and time.
//
// Input: optional envelope lines first ("MAIL FROM:<a@x>", "RCPT TO:<b@y>"),
// then header fields ("Name: value", continuation lines start with WSP),
// up to the first empty line; after it the body, which (as in the milter) is
// read only for a DSN status when a recipient is bounces+TOKEN@. Without envelope lines the sender is
// alice@example.net and the recipient bob@example.org.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compose/mailbox_format.h"
#include "compose/reply_composer.h"
#include "core/strings.h"
#include "message/address.h"
#include "message/message.h"
#include "message/rfc2047.h"
#include "policy/decision.h"
#include "sequence/control_mail.h"
#include "sequence/sequence_decision.h"
#include "tests/fuzz/fuzz_property.h"
#include "tests/fuzz/wire_message_check.h"

namespace ar {
namespace {

using fuzz::HasControlOtherThanTab;
using fuzz::HasLineBreak;
using fuzz::IsValidUtf8;
using fuzz::Require;

struct RawField {
  std::string_view name;
  std::string_view value;  // folded, as the MTA passes it
};

struct RawMessage {
  std::optional<std::string> sender;
  std::vector<std::string> recipients;
  std::vector<RawField> fields;
  std::string_view body;  // after the empty line; read only for bounces+ mail
};

std::string_view NextLine(std::string_view text, size_t* pos) {
  const size_t start = *pos;
  size_t end = text.find('\n', start);
  if (end == std::string_view::npos) end = text.size();
  *pos = end < text.size() ? end + 1 : end;
  std::string_view line = text.substr(start, end - start);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

std::string Path(std::string_view text) {
  text = Trim(text);
  if (text.size() >= 2 && text.front() == '<' && text.back() == '>') {
    text = text.substr(1, text.size() - 2);
  }
  return std::string(Trim(text));
}

// What an MTA does before calling the milter: split the block into fields.
// A continuation line stays in the value with its line break, as Postfix
// passes it; a line without ':' is dropped.
RawMessage SplitHeaderBlock(std::string_view text) {
  RawMessage raw;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t line_start = pos;
    std::string_view line = NextLine(text, &pos);
    if (raw.fields.empty() && StartsWithIgnoreCase(line, "MAIL FROM:")) {
      raw.sender = Path(line.substr(10));
      continue;
    }
    if (raw.fields.empty() && StartsWithIgnoreCase(line, "RCPT TO:")) {
      raw.recipients.push_back(Path(line.substr(8)));
      continue;
    }
    if (line.empty()) {
      raw.body = text.substr(pos);
      break;
    }
    if ((line.front() == ' ' || line.front() == '\t') && !raw.fields.empty()) {
      RawField& last = raw.fields.back();
      // Extend the value to the end of this line (raw bytes, line break kept).
      const char* begin = last.value.data();
      last.value = std::string_view(begin, (text.data() + line_start + line.size()) - begin);
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    raw.fields.push_back(RawField{line.substr(0, colon), line.substr(colon + 1)});
  }
  return raw;
}

std::vector<OutOfOfficeRule> Rules(TimePoint now) {
  OutOfOfficeRule bob;
  bob.address = "bob@example.org";
  bob.aliases = {"robert@example.org", "bob@sub.example.org"};
  bob.display_name = "Bob \"The\" Builder";
  bob.text_body = "I am away.";
  bob.html_body = "<p>I am away.</p>";
  bob.internal_text_body = "Away, colleague.";
  bob.period = Seconds(3 * 86400);
  bob.start = now - Seconds(86400);
  bob.end = now + Seconds(86400);

  OutOfOfficeRule carol;
  carol.address = "carol@example.org";
  carol.subject = "Out of office";
  carol.text_body = "Away.";
  carol.reply_to_external = false;
  carol.generation = 7;
  return {bob, carol};
}

void CheckDecision(const Decision& decision, const Message& message,
                   const std::vector<OutOfOfficeRule>& rules) {
  Require(decision.replies.size() + decision.skips.size() == rules.size(),
          "one reply or one skip per rule");
  for (const ReplyPlan& plan : decision.replies) {
    Require(IsSafeAddress(plan.envelope_recipient), "a reply goes only to a safe address");
    Require(plan.envelope_recipient == message.envelope().sender,
            "a reply goes to the envelope sender");
    bool own_address = false;
    for (const OutOfOfficeRule& rule : rules) {
      for (const std::string& address : rule.AllAddresses()) {
        own_address = own_address || plan.from_address == address;
      }
    }
    Require(own_address, "a reply comes from one of the rule's addresses");
    Require(IsValidUtf8(plan.subject) && !HasLineBreak(plan.subject),
            "reply subject is one line of UTF-8");
    Require(IsValidUtf8(plan.to_display_name) && !HasLineBreak(plan.to_display_name),
            "recipient display name is one line of UTF-8");
    Require(!HasLineBreak(plan.original_references), "References copy is one line");
    for (char c : plan.original_message_id) {
      const unsigned char u = static_cast<unsigned char>(c);
      Require(u > 0x20 && u != 0x7f, "copied Message-ID has no blanks or controls");
    }
    Require(plan.original_message_id.empty() || (plan.original_message_id.front() == '<' &&
                                                 plan.original_message_id.back() == '>'),
            "copied Message-ID is <...>");
  }
}

bool IsReplyHeaderName(std::string_view name) {
  for (std::string_view ours :
       {"From", "To", "Subject", "Date", "Message-ID", "In-Reply-To", "References", "Auto-Submitted",
        "X-Auto-Response-Suppress", "X-Autoresponder-Milter", "MIME-Version", "Content-Type",
        "Content-Transfer-Encoding"}) {
    if (EqualsIgnoreCase(name, ours)) return true;
  }
  return false;
}

// Every plan the decision makes must compose into a clean message: the
// plan's text comes from the hostile original (Subject, display name,
// Message-ID, References).
void CheckComposedReplies(const Decision& decision, TimePoint now) {
  ComposeSettings settings;
  settings.hostname = "mx.example.org";
  for (const ReplyPlan& plan : decision.replies) {
    Result<ComposedReply> composed = ComposeReply(plan, settings, now);
    // The decision only plans replies to addresses IsSafeAddress accepts,
    // the same test the composer applies.
    Require(IsSafeAddress(plan.envelope_recipient), "a reply is planned only to a safe address");
    Require(composed.ok(), "a planned reply to a plain address composes");
    fuzz::RequireWireSafeMessage(composed->message, IsReplyHeaderName);
  }
}

// Two sequences: one enrols Reply-To on an order subject (restart on
// re-entry), one enrols From on mail to leads@ (re-entry after 7 days).
const std::vector<CompiledSequence>& Sequences() {
  static const std::vector<CompiledSequence> sequences = [] {
    std::vector<CompiledSequence> out;
    const std::string templates = "Subject: Hi {{first_name}}\n\nHello.\n";
    for (const std::string& text :
         {std::string("[sequence]\nname = orders\nfrom = Shop <shop@example.org>\n"
                      "re_entry = restart\n[trigger]\nsubject = (?i)order (?P<order>[0-9]+)\n"
                      "person = reply-to\n[step a]\nwhen = 1d after previous\ntemplate = a.txt\n"
                      "window = mon-fri 09:00-17:00\n[exit bought]\non = trigger\n"
                      "sender = ^orders@\nperson = envelope-recipient\n[exit replied]\non = reply\n"),
          std::string("[sequence]\nname = leads\nfrom = shop@example.org\nre_entry = after 7d\n"
                      "[trigger]\nrecipient = ^leads@example\\.org$\nperson = from\n"
                      "[step a]\nwhen = 0d after enrolment\ntemplate = a.txt\n"
                      "[exit quiet]\non = no-engagement 2\nmove_to = orders\n")}) {
      SequenceSource source;
      source.file_name = "fuzz.sequence";
      source.text = text;
      source.templates["a.txt"] = templates;
      Result<SequenceDefinition> definition = ParseSequence(source);
      Require(definition.ok(), "the harness's sequences parse");
      Result<CompiledSequence> compiled = CompileSequence(*definition);
      Require(compiled.ok(), "the harness's sequences compile");
      out.push_back(std::move(*compiled));
    }
    return out;
  }();
  return sequences;
}

// Fixed state: addresses starting with 's' are suppressed, with 'e' enrolled
// (active, a month ago); our Message-IDs start "<ar."; token ABCDEFGH is
// ada@example.org's.
SequenceStateView State(TimePoint now) {
  SequenceStateView state;
  state.is_suppressed = [](const std::string& person) {
    return !person.empty() && person.front() == 's';
  };
  state.enrolment = [now](const std::string& person,
                          const std::string& sequence) -> std::optional<Enrolment> {
    if (person.empty() || person.front() != 'e') return std::nullopt;
    Enrolment enrolment;
    enrolment.person = person;
    enrolment.sequence = sequence;
    enrolment.version = "v0";
    enrolment.enrolled_at = now - Seconds(30 * 86400);
    enrolment.next_due = now + Seconds(3600);
    enrolment.history.push_back({0, now - Seconds(86400), "<ar.1@example.org>"});
    return enrolment;
  };
  state.find_message = [](const std::string& message_id) -> std::optional<SentMessageRef> {
    if (!message_id.starts_with("<ar.")) return std::nullopt;
    return SentMessageRef{"ada@example.org", "orders", 0};
  };
  state.trigger_seen = [](const std::string& message_id, const std::string&) {
    return message_id.starts_with("<seen");
  };
  state.person_for_token = [](const std::string& token) -> std::optional<std::string> {
    if (token == "ABCDEFGH") return std::string("ada@example.org");
    return std::nullopt;
  };
  return state;
}

void CheckSequenceDecision(const Message& message, TimePoint now) {
  const SequenceDecision decision =
      DecideSequences(message, Sequences(), State(now), SequenceSettings(), now);
  const std::vector<std::string>& recipients = message.envelope().recipients;
  const SequenceSettings settings;
  for (const std::string& consumed : decision.consume_recipients) {
    Require(std::find(recipients.begin(), recipients.end(), consumed) != recipients.end(),
            "only envelope recipients are consumed");
    Require(IsOurControlAddress(consumed, "unsubscribe", Sequences(), settings) ||
                IsOurControlAddress(consumed, "bounces", Sequences(), settings),
            "only our own control addresses are consumed");
  }
  for (const std::string& warning : decision.warnings) {
    Require(!HasLineBreak(warning), "a decision warning is one log line");
  }
  for (const EnrolAction& enrol : decision.enrols) {
    Require(IsSafeAddress(enrol.person), "only a safe address is enrolled");
    Require(!IsTaggedControlAddress(enrol.person, "unsubscribe") &&
                !IsTaggedControlAddress(enrol.person, "bounces"),
            "a control address is never enrolled");
    Require(enrol.person.front() != 's', "a suppressed person is never enrolled");
    Require(!HasLineBreak(enrol.display_name), "an enrolled display name is one line");
    Require(!message.Has("X-Autoresponder-Milter"), "our own mail never enrols");
  }
  for (const std::string& note : decision.notes) {
    Require(!HasLineBreak(note), "a decision note is one log line");
  }
}

bool SameDecision(const Decision& a, const Decision& b) {
  if (a.replies.size() != b.replies.size() || a.skips.size() != b.skips.size()) return false;
  for (size_t i = 0; i < a.skips.size(); ++i) {
    if (a.skips[i].reason != b.skips[i].reason || a.skips[i].detail != b.skips[i].detail) {
      return false;
    }
  }
  for (size_t i = 0; i < a.replies.size(); ++i) {
    if (a.replies[i].subject != b.replies[i].subject ||
        a.replies[i].from_address != b.replies[i].from_address) {
      return false;
    }
  }
  return true;
}

void CheckDecodedText(std::string_view raw) {
  const std::string decoded = DecodeHeaderText(raw);
  Require(IsValidUtf8(decoded), "decoded header text is valid UTF-8");
  Require(decoded.size() <= kMaxDecodedTextBytes, "decoded header text is bounded");
  Require(!HasControlOtherThanTab(decoded), "decoded header text has no controls");
}

void CheckAddresses(std::string_view raw) {
  const std::vector<Mailbox> mailboxes = ParseAddressList(raw);
  Require(mailboxes.size() <= kMaxMailboxes, "address list is bounded");
  for (const Mailbox& mailbox : mailboxes) {
    Require(!mailbox.address.empty(), "no mailbox with an empty address");
    Require(IsValidUtf8(mailbox.display_name), "display name is valid UTF-8");
  }
}

}  // namespace
}  // namespace ar

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ar;
  const RawMessage raw = SplitHeaderBlock(fuzz::AsText(data, size));

  Envelope envelope;
  envelope.sender = raw.sender.value_or("alice@example.net");
  envelope.recipients = raw.recipients;
  if (envelope.recipients.empty()) envelope.recipients.push_back("bob@example.org");
  envelope.queue_id = "4FUZZ";
  Message message(std::move(envelope));
  size_t offered = 0;
  for (const RawField& field : raw.fields) {
    // The milter drops this pseudo field when it arrives from outside.
    if (EqualsIgnoreCase(field.name, kDsnStatusPseudoHeader)) continue;
    message.AddHeader(field.name, field.value);
    ++offered;
  }

  Require(message.headers().size() <= Message::kMaxHeaders, "header count is bounded");
  Require(message.headers().size() + message.dropped_headers() == offered,
          "every field is kept or counted as dropped");
  for (const HeaderField& field : message.headers()) {
    Require(field.value.size() <= Message::kMaxHeaderValueBytes, "header value is bounded");
    Require(!HasLineBreak(field.value), "stored header value is unfolded");
  }

  for (const HeaderField& field : message.headers()) {
    if (EqualsIgnoreCase(field.name, "Subject")) CheckDecodedText(field.value);
    if (EqualsIgnoreCase(field.name, "From") || EqualsIgnoreCase(field.name, "To") ||
        EqualsIgnoreCase(field.name, "Cc") || EqualsIgnoreCase(field.name, "Reply-To")) {
      CheckAddresses(field.value);
    }
  }
  (void)IsDeliveryStatusNotification(message);

  // As the milter does at end of message for mail to a bounces+ address.
  bool to_bounces = false;
  for (const std::string& recipient : message.envelope().recipients) {
    to_bounces = to_bounces || IsTaggedControlAddress(recipient, "bounces");
  }
  if (to_bounces && !raw.body.empty()) {
    if (std::optional<std::string> status = ParseDsnStatus(raw.body)) {
      Require(IsWellFormedDsnStatus(*status), "a parsed DSN status is well formed");
      message.AddHeader(kDsnStatusPseudoHeader, *status);
    }
  }

  const TimePoint now = FromUnixSeconds(1768471200);  // 2026-01-15 10:00:00 UTC
  const std::vector<OutOfOfficeRule> rules = Rules(now);
  // Senders whose dedupe key starts with "a" were answered an hour ago.
  const ResponseHistory history = [now](const std::string&, uint64_t,
                                        const std::string& dedupe_sender)
      -> std::optional<TimePoint> {
    if (!dedupe_sender.empty() && dedupe_sender.front() == 'a') return now - Seconds(3600);
    return std::nullopt;
  };

  PolicySettings defaults;
  const Decision first = DecideOutOfOffice(message, rules, history, defaults, now);
  CheckDecision(first, message, rules);
  Require(first.replies.empty() || (message.dropped_headers() == 0 &&
                                    message.truncated_headers() == 0),
          "a message cut at the header limits is never answered");
  CheckComposedReplies(first, now);
  Require(SameDecision(first, DecideOutOfOffice(message, rules, history, defaults, now)),
          "the decision is deterministic");

  CheckSequenceDecision(message, now);

  PolicySettings strict;
  strict.require_authenticated_sender = true;
  strict.trusted_authserv_id = "mx.example.org";
  strict.internal_domains = {"example.net"};
  strict.max_received = 3;
  strict.spam_verdict_headers.push_back({"X-Spam-Status", "Yes"});
  CheckDecision(DecideOutOfOffice(message, rules, nullptr, strict, now), message, rules);
  return 0;
}
