// Checks on who sent the message, before anything else: a reply must go to
// a real, safe, human-looking return path (RFC 3834 section 2, RFC 5230
// section 4.6). Pure functions; thread-safe.
#pragma once

#include <string_view>

#include "message/message.h"
#include "policy/message_verdict.h"
#include "policy/policy_settings.h"

namespace ar {

// True when local_part matches one of settings.ignored_sender_patterns
// ('*' wildcard, case-insensitive).
bool IsIgnoredLocalPart(std::string_view local_part, const PolicySettings& settings);

// The null sender (bounces), a sender that is unsafe to address, or an
// ignored local part in the envelope sender or in a From address. Checked in
// that order.
MaybeVerdict FindSenderVerdict(const Message& message, const PolicySettings& settings);

}  // namespace ar
