#include "daemon/service_readiness.h"

#include <systemd/sd-daemon.h>

#include <string>

namespace ar {
namespace {

// The status text is one line of the protocol; a newline would start a new
// assignment.
std::string OneLine(std::string_view text) {
  std::string line(text);
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return line;
}

}  // namespace

void NotifyReady(std::string_view status) {
  std::string message = "READY=1\nSTATUS=" + OneLine(status);
  sd_notify(0, message.c_str());
}

void NotifyReloading() { sd_notify(0, "RELOADING=1\nSTATUS=reloading the configuration"); }

void NotifyStopping() { sd_notify(0, "STOPPING=1"); }

}  // namespace ar
