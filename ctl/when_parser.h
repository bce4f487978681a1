// WHEN: the times an operator gives for an out-of-office window
// (`--start`, `--end`), read in an IANA time zone with the date/tz library.
//
// Accepted forms (see man/autoresponder-ctl.8):
//   2026-12-20                 a whole day in the zone
//   2026-12-20T08:30[:SS]      local time in the zone ('T' or one space)
//   2026-12-20 08:30[:SS]
//   2026-12-20T08:30[:SS]Z     UTC; the zone is not used
//   2026-12-20T08:30[:SS]+01:00 (or -05:00, +0100) an explicit offset
//
// A date-only START is 00:00 of that day; a date-only END means "through that
// day", so it becomes 00:00 of the next day (rule ends are exclusive).
//
// Daylight-saving transitions, decided once here:
//   - a local time that does not exist (skipped when clocks go forward) is
//     the instant the clocks jumped: 02:30 on a spring-forward day in
//     New York is 03:00 EDT;
//   - a local time that occurs twice (clocks go back) is its first
//     occurrence, the one still in summer time.
//
// Pure functions over the system time zone database; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"

namespace date {
class time_zone;
}

namespace ar {

enum class WhenRole { kStart, kEnd };

// The zone named by an IANA name such as "Europe/Oslo" ("UTC" when name is
// ""). InvalidArgument for a name the database does not know.
Result<const date::time_zone*> LookupTimeZone(const std::string& name);

// Parses text in zone; InvalidArgument with a message naming the accepted
// forms when it is none of them or names an impossible date or time.
Result<TimePoint> ParseWhen(std::string_view text, const date::time_zone* zone, WhenRole role);

}  // namespace ar
