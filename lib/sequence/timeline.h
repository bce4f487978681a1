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
// A window start inside a spring-forward gap opens at the first instant
// after the gap (a window wholly inside the gap does not open that day).
// At most 8 days ahead are searched; a window that never opens (no
// weekday, start >= end) or an unknown zone is InvalidArgument.
Result<TimePoint> NextWindowOpening(TimePoint t, const SendWindow& window, const std::string& zone);

// When step `index` of the definition is due for this enrolment:
// anchor + offset (kPrevious: the previous step's sent_at from history, or
// enrolled_at for step 0; kEnrolment: enrolled_at; kVariable: the captured
// date at 00:00 in the zone), then moved into the send window if any.
// Calendar days: an offset in whole days keeps the local wall time across DST
// (3 days after 10:00 is 10:00 local even across a change).
// InvalidArgument when the variable is missing or not a date.
// Captured dates: "YYYY-MM-DD", "DD.MM.YYYY" or "YYYY-MM-DDTHH:MM" (see
// captured_date.h). "7d before exam_date" is offset -7d: 00:00 local seven
// calendar days earlier. A calendar-day result inside a DST gap becomes the
// first instant after it. kPrevious with no history entry for the previous
// step uses the latest earlier step sent, else enrolled_at.
Result<TimePoint> StepDueTime(const SequenceDefinition& definition, size_t index,
                              const Enrolment& enrolment);

}  // namespace ar
