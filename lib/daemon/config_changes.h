// Which options differ between the configuration a daemon runs with and the
// one a reload just read. A daemon swaps in what it can change on the fly and
// names the rest ("milter_socket changed; restart to apply").
//
// Stateless; safe from any thread.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/result.h"

namespace ar {

// Reads the configuration again exactly as the program did at start (same
// command line, same file): what a reload runs.
using ConfigLoader = std::function<Result<Config>()>;

// Names of the options (in options-table order) whose printed values differ.
std::vector<std::string> ChangedOptions(const Config& running, const Config& loaded);

// The subset of ChangedOptions() that is in restart_only.
std::vector<std::string> ChangesNeedingRestart(const Config& running, const Config& loaded,
                                               const std::vector<std::string>& restart_only);

}  // namespace ar
