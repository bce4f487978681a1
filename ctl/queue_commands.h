// The `queue` commands, like postqueue/postsuper: list (items waiting to be
// sent, with their origin MTA queue id), failed (items given up on), show
// (one item: envelope, state, attempts, last error, the decoded message),
// and the writes delete, retry (make due now), hold and release
// (store/store.h, "queue control"). Not thread-safe.
#pragma once

#include <string>
#include <vector>

#include "ctl/command_context.h"

namespace ar {

int RunQueueCommand(const CommandContext& ctx, const std::vector<std::string>& args);

}  // namespace ar
