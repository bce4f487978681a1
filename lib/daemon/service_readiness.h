// What a daemon tells its service manager, in systemd's sd_notify(3)
// protocol: ready (Type=notify units wait for it before starting what comes
// After=), reloading, stopping. Every call is a no-op when NOTIFY_SOCKET is
// unset (started by hand, by tests or by another supervisor).
//
// Stateless; safe from any thread.
#pragma once

#include <string_view>

namespace ar {

// READY=1 with a one-line STATUS= the service manager shows.
void NotifyReady(std::string_view status);
// RELOADING=1: a configuration reload has started; NotifyReady ends it.
void NotifyReloading();
// STOPPING=1.
void NotifyStopping();

}  // namespace ar
