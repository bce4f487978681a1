// Keys of the sequence databases (FORMAT.md, "Sequence databases"). Persons
// are in NormalizeAddress() form, so lookups are case-insensitive; sequence
// names, versions, tokens and Message-IDs are kept exactly as given.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace ar {

// InvalidArgument unless the person is a non-empty address without NUL (NUL
// separates the parts of enrolment keys), or the sequence name is non-empty
// without NUL.
Status ValidatePerson(std::string_view person);
Status ValidateSequenceName(std::string_view sequence);

// seq_versions: name, NUL, version.
std::string EncodeSequenceVersionKey(std::string_view name, std::string_view version);

// suppressions and soft_bounces: the normalised person.
std::string EncodePersonKey(std::string_view person);

// enrolments: normalised person, NUL, sequence. The prefix (person and NUL)
// finds every enrolment of one person with a range scan.
std::string EncodeEnrolmentKey(std::string_view person, std::string_view sequence);
std::string EncodeEnrolmentPrefix(std::string_view person);

// triggers_seen: Message-ID, NUL, sequence. A Message-ID too long for a key
// of max_key_size bytes is cut so the key fits: two different trigger mails
// that share such a long prefix count as one (harmless; hostile lengths must
// not make the write fail).
std::string EncodeTriggerSeenKey(std::string_view message_id, std::string_view sequence,
                                 size_t max_key_size);

// enrol_windows: scope, NUL, sequence ("" for the global scope), NUL,
// source ("" for the global and sequence scopes). A source too long for
// max_key_size is cut, as in triggers_seen: senders sharing such a prefix
// share a window (harmless; a long address must not slip past its limit).
std::string EncodeEnrolWindowKey(std::string_view scope, std::string_view sequence,
                                 std::string_view source, size_t max_key_size);

}  // namespace ar
