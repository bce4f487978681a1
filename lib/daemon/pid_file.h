// Pid files: how autoresponder-ctl reload finds a daemon that systemd does
// not manage. A pid file holds one decimal process id and a newline.
//
// The daemons write theirs after they are ready and remove it when they stop;
// the CLI only reads. Stateless functions; safe from any thread.
#pragma once

#include <sys/types.h>

#include <string>

#include "core/result.h"
#include "core/status.h"

namespace ar {

// Writes getpid() to path (through a temporary file and rename(2), so a
// reader never sees half a number), mode 0644 whatever the umask. Errors
// name the path.
Status WritePidFile(const std::string& path);

// Removes path if it still names this process (a newer instance may have
// replaced it). Never fails loudly: the daemon is stopping anyway.
void RemovePidFile(const std::string& path);

// The process id in path. NotFound when the file is missing; InvalidArgument
// when it does not hold a plausible pid (a positive number other than 1,
// nothing else but surrounding whitespace).
Result<pid_t> ReadPidFile(const std::string& path);

}  // namespace ar
