// Message-ID handling for replies and sequence steps: our own deterministic ids and the
// threading fields In-Reply-To and References (RFC 5322 section 3.6.4).
// Ids from the original message are untrusted: only well-formed "<...>"
// tokens of printable ASCII are kept.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"

namespace ar {

inline constexpr size_t kMaxMessageIdBytes = 250;  // longer ids are dropped
inline constexpr size_t kMaxReferences = 20;       // ids kept in References

// Every "<id>" token in text whose id is 1..kMaxMessageIdBytes-2 octets of
// printable ASCII without spaces or angle brackets, brackets included, in
// order. Anything else (comments, bare words, broken tokens) is skipped.
std::vector<std::string> ExtractMessageIds(std::string_view text);

// The In-Reply-To value: the first well-formed id in original_message_id,
// or "" when it has none.
std::string InReplyToValue(std::string_view original_message_id);

// The References value: the ids of original_references followed by the id
// of original_message_id, folded one line per id when long. At most
// kMaxReferences ids: the first (the thread's root) and the last ones, as
// netnews does (RFC 5537 section 3.4.4). "" when there is no id at all.
std::string ReferencesValue(std::string_view original_references,
                            std::string_view original_message_id, size_t header_name_length);

// "<ar.HEX@hostname>": HEX is the first 16 bytes of SHA-256 over the inputs,
// so the same decision always gets the same id and a retry is recognisable.
std::string MakeReplyMessageId(std::string_view user, uint64_t generation,
                               std::string_view dedupe_sender, TimePoint now,
                               std::string_view hostname);

// The id of one sequence step sent to one person: "<ar.HEX@hostname>" over
// (person, sequence, version, step, enrolled_at, hostname). The same step of
// the same enrolment always gets the same id, so a resend after a crash is
// recognisable; a restarted enrolment (new enrolled_at) gets new ids, so
// receivers that drop repeated Message-IDs do not swallow it.
std::string MakeStepMessageId(std::string_view person, std::string_view sequence,
                              std::string_view version, uint32_t step, TimePoint enrolled_at,
                              std::string_view hostname);

}  // namespace ar
