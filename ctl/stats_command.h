// The `stats` command: the counters the daemons last wrote to their metrics
// files (milter_metrics_file, dispatcher_metrics_file; a file not
// configured or not yet written is skipped with a note on stderr) and the
// store's gauges computed now. Human-readable by default; --prometheus
// prints the Prometheus text format instead. A store error the milter
// latched (store_error_command.h) is printed first (on stderr with
// --prometheus); it does not change the exit status. Read-only. Not
// thread-safe.
#pragma once

#include <string>
#include <vector>

#include "ctl/command_context.h"

namespace ar {

int RunStatsCommand(const CommandContext& ctx, const std::vector<std::string>& args);

}  // namespace ar
