// The `suppression` commands: list, add, remove. A suppressed person is
// never enrolled and gets no further step (sequence_store.h Suppress);
// adding one ends every active enrolment of theirs. Not thread-safe.
#pragma once

#include <string>
#include <vector>

#include "ctl/command_context.h"

namespace ar {

int RunSuppressionCommand(const CommandContext& ctx, const std::vector<std::string>& args);

}  // namespace ar
