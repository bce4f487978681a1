// ReloadSignal: makes SIGHUP mean "re-read the configuration" in
// autoresponder-milter, although libmilter wants SIGHUP for itself.
//
// smfi_main() starts a thread that sigwait()s for SIGHUP, SIGTERM and SIGINT,
// and libmilter treats SIGHUP like SIGTERM: it stops the filter
// (libmilter/signal.c, mi_signal_thread). So:
//  - the main thread never blocks SIGHUP; a handler writes one byte to a pipe
//    that the main thread reads in Wait();
//  - smfi_main() runs in a thread started by StartWithSignalsBlocked(), which
//    (like every thread libmilter starts from it) blocks SIGHUP;
//  - Linux offers a process-directed signal to the thread group leader first
//    when that thread does not block it (kernel/signal.c, complete_signal),
//    so the main thread, not libmilter's sigwait(), receives every SIGHUP.
// SIGTERM and SIGINT are blocked in the main thread and go to libmilter,
// which closes the listening socket and returns from smfi_main() as before.
//
// One per process: Install() from main() before any other thread exists.
// Wait() is for the main thread only; Shutdown() may be called from any thread.
#pragma once

#include <functional>
#include <memory>
#include <thread>

#include "core/result.h"

namespace ar {

class ReloadSignal {
 public:
  enum class Event { kReload, kShutdown };

  // Installs the SIGHUP handler and blocks SIGTERM and SIGINT in the calling
  // thread. Fails only if the pipe cannot be made or it is called twice.
  static Result<std::unique_ptr<ReloadSignal>> Install();
  ~ReloadSignal();

  ReloadSignal(const ReloadSignal&) = delete;
  ReloadSignal& operator=(const ReloadSignal&) = delete;

  // Blocks until a SIGHUP arrives (several in quick succession count once)
  // or Shutdown() was called, which wins over a pending SIGHUP.
  Event Wait();

  // The next Wait() returns kShutdown. Async-signal-safe.
  void Shutdown();

  // Runs body in a new thread that blocks SIGHUP, SIGTERM and SIGINT.
  static std::thread StartWithSignalsBlocked(std::function<void()> body);

 private:
  ReloadSignal() = default;
};

}  // namespace ar
