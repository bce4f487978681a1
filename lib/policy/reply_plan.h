// Building the ReplyPlan for one rule that decided to answer: who the reply
// is from and to, its subject and body, and the threading fields. Pure
// functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/clock.h"
#include "message/message.h"
#include "policy/decision.h"
#include "policy/out_of_office_rule.h"
#include "policy/policy_settings.h"

namespace ar {

// rule.period limited to [min_period, max_period] (RFC 5230 section 4.1 asks
// for a lower bound; an upper bound keeps the store from holding answers
// forever). If the administrator set min above max, min wins.
Seconds ClampPeriod(Seconds period, const PolicySettings& settings);

// The reply subject (RFC 5230 section 4.3):
//   - rule_subject when it is not empty;
//   - otherwise "Auto: " + the decoded original subject;
//   - an original that already starts with "Auto:" (case-insensitive) is kept
//     as it is, so two responders answering each other do not stack prefixes;
//   - a missing or blank original gives "Auto: (no subject)".
// Control characters are replaced by spaces.
std::string ReplySubject(std::string_view rule_subject, const Message& message);

// The display name of the person the reply goes to: the first From mailbox
// (or else the first Sender mailbox) whose address equals the envelope
// sender, case-insensitively; "" otherwise. Decoded UTF-8, control
// characters replaced.
std::string RecipientDisplayName(const Message& message);

// "<id@host>" from Message-ID when it has that shape, else "".
std::string OriginalMessageId(const Message& message);

// The plan for rule answering message. from_address: the user's address
// the message named; internal: the sender is internal (see audience.h).
ReplyPlan BuildReplyPlan(const Message& message, const OutOfOfficeRule& rule,
                         const PolicySettings& settings, const std::string& from_address,
                         bool internal);

}  // namespace ar
