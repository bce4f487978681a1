// The `queue` commands: list (replies waiting to be sent) and failed
// (replies given up on). Read-only; one line per item (output_format.h).
// Not thread-safe.
#pragma once

#include <string>
#include <vector>

#include "ctl/command_context.h"

namespace ar {

int RunQueueCommand(const CommandContext& ctx, const std::vector<std::string>& args);

}  // namespace ar
