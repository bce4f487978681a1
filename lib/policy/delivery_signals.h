// Signals that a message is a loop or has been judged by a trusted filter:
// too many Received: fields (RFC 5321 section 6.3), our own loop marker, a
// spam verdict header. Pure functions; thread-safe.
#pragma once

#include "message/message.h"
#include "policy/message_verdict.h"
#include "policy/policy_settings.h"

namespace ar {

// Checked in this order: loop marker, Received: count, spam verdict.
MaybeVerdict FindDeliveryVerdict(const Message& message, const PolicySettings& settings);

}  // namespace ar
