// Timeline arithmetic for sequence steps, with time zones from the date/tz
// library (Debian 12's g++ has no std::chrono::zoned_time). Pure; thread-safe
// (date::locate_zone is safe after first use).
#pragma once

#include <optional>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "sequence/enrolment.h"
#include "sequence/sequence_definition.h"

namespace ar {

// The zone to use for this person: the person's variable when the definition
// names one and it holds a valid IANA zone, else the definition's zone.
std::string EffectiveTimeZone(const SequenceDefinition& definition, const Enrolment& enrolment);

// The earliest instant >= t inside window, in zone. DST-correct: local
// times that do not exist are skipped, repeated ones taken at their first
// occurrence.
Result<TimePoint> NextWindowOpening(TimePoint t, const SendWindow& window, const std::string& zone);

// When step `index` of the definition is due for this enrolment:
// anchor + offset (kPrevious: the previous step's sent_at from history, or
// enrolled_at for step 0; kEnrolment: enrolled_at; kVariable: the captured
// date at 00:00 in the zone), then moved into the send window if any.
// Calendar days: an offset in whole days keeps the local wall time across DST
// (3 days after 10:00 is 10:00 local even across a change).
// InvalidArgument when the variable is missing or not a date.
Result<TimePoint> StepDueTime(const SequenceDefinition& definition, size_t index,
                              const Enrolment& enrolment);

}  // namespace ar
