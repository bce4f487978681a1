// SequenceComposer: renders one sequence step for one person and composes the
// message. Templates are rendered with mstch (Mustache); the message is built
// like a reply (reply_composer.h: same header safety, encoding, 7-bit output)
// but carries the bulk-mail marks every sequence mail needs:
//   Auto-Submitted: auto-generated, List-Id, List-Unsubscribe (a mailto of the
//   person's token address with ?subject=unsubscribe, plus the https URL when
//   configured) and, only with that URL, List-Unsubscribe-Post:
//   List-Unsubscribe=One-Click (RFC 8058), and the loop marker header.
#pragma once

#include <map>
#include <string>

#include "compose/reply_composer.h"
#include "core/clock.h"
#include "core/result.h"
#include "sequence/sequence_definition.h"

namespace ar {

// Renders a Mustache template. Variables are plain strings; `{{name}}` is
// HTML-escaped only when html is true (the .html part), `{{{name}}}` never.
// Unknown variables render empty. Never throws; a template mstch cannot parse
// gives InvalidArgument.
Result<std::string> RenderTemplate(const std::string& text,
                                   const std::map<std::string, std::string>& variables, bool html);

struct StepMessageInput {
  std::string person;        // To address
  std::string display_name;  // To display name
  std::string sequence;
  std::string version;
  uint32_t step = 0;
  std::string list_id;  // "<canon-eos-5d.shop.example>" without brackets
  std::string from;     // default From when the template has none: "Shop <shop@x>"
  StepTemplate step_template;
  // All template variables: the enrolment's captured ones plus name, email,
  // first_name, coupon, unsubscribe_url, unsubscribe_mailto, enrolled_date,
  // today (filled by the caller).
  std::map<std::string, std::string> variables;
  std::string unsubscribe_mailto;  // "unsubscribe+TOKEN@shop.example"
  std::string unsubscribe_url;     // "" or "https://shop.example/u/TOKEN"
  TimePoint now;
  TimePoint enrolled_at;  // part of the Message-ID: a restart gets new ids
};

// The Message-ID is deterministic: from (person, sequence, version, step,
// enrolled_at, settings.hostname; message_ids.h MakeStepMessageId), so a
// resend after a crash carries the same id.
//
// Other template fields (e.g. X-Campaign) are copied, rendered; fields this
// composer writes or an MTA sets (To, Bcc, Date, List-*, Content-*, ...) are
// left out. Headers rendered from the template have CR, LF and other controls
// replaced by spaces before use, so no variable can add a header field.
// InvalidArgument when an address (person, From, Reply-To, the unsubscribe
// address), the list id, the unsubscribe URL (https only), the hostname or
// the loop marker is unusable, when Subject is missing, or when a template
// does not render. Pure function; thread-safe.
Result<ComposedReply> ComposeStepMessage(const StepMessageInput& input,
                                         const ComposeSettings& settings);

}  // namespace ar
