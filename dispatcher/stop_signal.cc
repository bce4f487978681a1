#include "dispatcher/stop_signal.h"

#include <signal.h>

namespace ar {
namespace {

// Lock-free, so setting them is async-signal-safe.
std::atomic<bool> interrupted{false};  // what Run() polls
std::atomic<bool> stop_requested{false};
std::atomic<bool> reload_requested{false};
static_assert(std::atomic<bool>::is_always_lock_free);

// The reason is set before the flag Run() polls, so whoever sees the flag
// also sees why.
extern "C" void OnStopSignal(int) {
  stop_requested.store(true);
  interrupted.store(true);
}

extern "C" void OnReloadSignal(int) {
  reload_requested.store(true);
  interrupted.store(true);
}

void Handle(int signal, void (*handler)(int)) {
  struct sigaction action = {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  sigaction(signal, &action, nullptr);
}

}  // namespace

const std::atomic<bool>& InstallStopSignals() {
  Handle(SIGTERM, OnStopSignal);
  Handle(SIGINT, OnStopSignal);
  Handle(SIGHUP, OnReloadSignal);
  Handle(SIGPIPE, SIG_IGN);
  return interrupted;
}

bool StopRequested() { return stop_requested.load(); }

bool TakeReloadRequest() { return reload_requested.exchange(false); }

void ResumeAfterReload() {
  interrupted.store(false);
  // A signal that arrived after the flag was read but before it was cleared
  // must not be lost.
  if (stop_requested.load() || reload_requested.load()) interrupted.store(true);
}

}  // namespace ar
