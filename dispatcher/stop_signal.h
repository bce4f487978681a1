// The dispatcher's signals. SIGTERM and SIGINT ask it to stop; SIGHUP asks it
// to re-read its configuration. Both set one process-wide flag that
// Dispatcher::Run() polls, so a send in progress finishes and its outcome is
// recorded before Run() returns; main() then looks at StopRequested() and
// TakeReloadRequest() to see why. SIGPIPE is ignored: a peer that hung up must
// show as an error value, not kill the process.
//
// Install once, from main(), before any thread starts. The other functions
// are for the thread that calls Run().
#pragma once

#include <atomic>

namespace ar {

// Installs the handlers; returns the flag they set (stop or reload).
const std::atomic<bool>& InstallStopSignals();

// A stop was asked for; never cleared.
bool StopRequested();

// True once per SIGHUP (several in quick succession count once).
bool TakeReloadRequest();

// Clears the flag Run() polls, unless a stop or another reload is pending,
// so the next Run() returns at once for those.
void ResumeAfterReload();

}  // namespace ar
