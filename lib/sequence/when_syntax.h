// The `when` and duration syntax of sequence files (autoresponder-sequence(5)):
//   duration: a whole number and a unit: 90s 15m 12h 3d 2w
//   when:     "<duration> after previous" | "<duration> after enrolment"
//             | "<duration> after VAR" | "<duration> before VAR"
// VAR is a captured variable holding a date. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "sequence/sequence_definition.h"

namespace ar {

// The longest duration accepted anywhere: ten years, so that arithmetic on
// time points can never overflow.
inline constexpr Seconds kMaxSequenceDuration{3650LL * 86400};

// "90s", "15m", "12h", "3d", "2w" (also "0d"); InvalidArgument otherwise.
Result<Seconds> ParseSequenceDuration(std::string_view text);
// The largest exact unit: 259200s -> "3d", 1209600s -> "2w", 90s -> "90s".
std::string FormatSequenceDuration(Seconds d);

struct StepWhen {
  StepAnchor anchor = StepAnchor::kPrevious;
  std::string variable;  // for kVariable
  Seconds offset{0};     // negative: before the variable's date
};

// InvalidArgument naming what is wrong; "before previous" and
// "before enrolment" are refused (a step cannot go out before it exists).
Result<StepWhen> ParseStepWhen(std::string_view text);
// The canonical spelling, e.g. "3d after previous", "7d before exam_date".
std::string FormatStepWhen(const StepSpec& step);

// A variable name: a letter or '_' then letters, digits, '_' (as RE2 group
// names), at most 64 characters.
bool IsVariableName(std::string_view text);

}  // namespace ar
