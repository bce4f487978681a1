// Reloading the dispatcher's configuration: what SIGHUP does, between two
// runs of the send loop (never during a send).
//
// The configuration is read again exactly as at start; a new Transport is
// built from it, and the dispatch settings (batch size, retries, lease) take
// effect from the next batch. When the new configuration is broken, or its
// transport cannot be built, nothing changes and the error is logged.
// Options only read at start (store, clock, logging, pid file, metrics file)
// are named in a warning when they changed.
//
// Thread-safety: the caller's thread only, while no Dispatcher runs.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/logger.h"
#include "core/status.h"
#include "daemon/config_changes.h"
#include "transport/transport.h"

namespace ar {

// The options a running dispatcher cannot change.
const std::vector<std::string>& DispatcherRestartOnlyOptions();

// On success replaces running and transport; on failure leaves both as they
// were and returns the error, already logged.
Status ReloadDispatcherSettings(const ConfigLoader& load, Config& running,
                                std::unique_ptr<Transport>& transport, Logger& logger);

}  // namespace ar
