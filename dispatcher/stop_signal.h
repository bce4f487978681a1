// The dispatcher's stop request: SIGTERM and SIGINT set one process-wide
// flag that Dispatcher::Run() polls, so a send in progress finishes and its
// outcome is recorded before the program exits. SIGPIPE is ignored: a peer
// that hung up must show as an error value, not kill the process.
//
// Install once, from main(), before any thread starts.
#pragma once

#include <atomic>

namespace ar {

// Installs the handlers; returns the flag they set.
const std::atomic<bool>& InstallStopSignals();

}  // namespace ar
