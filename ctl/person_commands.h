// The `person` command: `person show ADDRESS` prints whether the person is
// suppressed and every enrolment they have (sequence_output.h
// FormatEnrolmentDetails), each read with the definition version they
// entered. Read-only. Not thread-safe.
#pragma once

#include <string>
#include <vector>

#include "ctl/command_context.h"

namespace ar {

int RunPersonCommand(const CommandContext& ctx, const std::vector<std::string>& args);

}  // namespace ar
