// Reloading the milter's configuration: what SIGHUP does.
//
// The configuration is read again exactly as at start (same command line,
// same file); from it new MessageSettings are built (sequences included) and
// swapped into the MilterService. A message in flight keeps the snapshot its
// Session took at MAIL FROM; connections stay open. When the new
// configuration is broken nothing changes and the error is logged.
//
// Options that only take effect at start (the socket, the store, the clock,
// logging, the pid file) are listed in a warning when they changed.
//
// Thread-safety: call from one thread at a time (the main thread); Sessions
// may run concurrently.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "core/logger.h"
#include "core/result.h"
#include "daemon/config_changes.h"
#include "milter/milter_service.h"

namespace ar {

// The options a running milter cannot change.
const std::vector<std::string>& MilterRestartOnlyOptions();

// On success returns the configuration now in force (the caller keeps it to
// compare with the next reload); on failure the old settings stay in force
// and the returned error has been logged.
Result<Config> ReloadMilterSettings(const ConfigLoader& load, const Config& running,
                                    MilterService& service);

}  // namespace ar
