// Enrolment windows: which rate limits one trigger enrolment counts
// against (sequence_enrol_rate_limit, and a sequence's enrol_rate_limit and
// enrol_source_limit). The store counts them in the enrolment's write
// transaction (store "enrol_windows", FORMAT.md) and refuses the enrolment
// when any is full, so a flood of forged contact-form mail enrols at most
// the limit, however many milter threads take part.
//
// Only enrolments by a trigger count: moves (an exit's move_to) and
// `autoresponder-ctl` enrolments are the shop's own doing.
//
// Plain values and pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/rate_limit.h"
#include "message/message.h"
#include "sequence/sequence_definition.h"

namespace ar {

// The scopes, also the `scope` label of autoresponder_sequence_rate_limited_total.
inline constexpr const char* kEnrolScopeGlobal = "global";      // all sequences together
inline constexpr const char* kEnrolScopeSequence = "sequence";  // one sequence, anyone
inline constexpr const char* kEnrolScopeClient = "client";      // one sequence, one client
inline constexpr const char* kEnrolScopeSender = "sender";      // one sequence, one sender

struct EnrolWindow {
  std::string scope;     // one of kEnrolScope*
  std::string sequence;  // "" for the global scope
  std::string source;    // client source key (ClientSourceKey), sender, or ""
  RateLimit limit;
  bool operator==(const EnrolWindow&) const = default;
};

// The windows of a trigger enrolment into `definition` by a message with
// this envelope: the global one when `global` is enabled, the sequence's
// own when set, and per source the client (IPv4 address, IPv6 /64) and the
// envelope sender when known (a null sender or a local submission without
// a client address has no such source).
std::vector<EnrolWindow> EnrolWindowsFor(const SequenceDefinition& definition,
                                         const Envelope& envelope, const RateLimit& global);

// The option or key a scope comes from, for log lines:
// "sequence_enrol_rate_limit", "enrol_rate_limit", "enrol_source_limit".
std::string_view EnrolLimitSetting(std::string_view scope);

}  // namespace ar
