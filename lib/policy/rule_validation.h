// ValidateRule: the checks a rule must pass before the CLI stores it. A rule
// that passes can be answered with safely; the decision step does not repeat
// these checks. Pure function; thread-safe.
#pragma once

#include "core/status.h"
#include "policy/out_of_office_rule.h"

namespace ar {

// Ok, or InvalidArgument naming the first problem found:
//   - address and every alias pass IsSafeAddress;
//   - text_body is not blank;
//   - start < end when both are set;
//   - period is positive.
Status ValidateRule(const OutOfOfficeRule& rule);

}  // namespace ar
