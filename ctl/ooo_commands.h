// The `ooo` commands: set, show, list, off, on, clear. Each takes the
// arguments after its own name, parses them, then opens the store; it
// prints results on ctx.out, warnings and errors on ctx.err, and returns an
// ExitCode. Not thread-safe.
#pragma once

#include <string>
#include <vector>

#include "ctl/command_context.h"

namespace ar {

int RunOooCommand(const CommandContext& ctx, const std::vector<std::string>& args);

}  // namespace ar
