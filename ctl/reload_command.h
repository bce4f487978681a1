// The `reload` command: asks the running daemons to re-read the
// configuration by sending them SIGHUP. They are found through the pid files
// named by milter_pid_file and dispatcher_pid_file; under systemd,
// `systemctl reload` does the same without pid files.
//
//   reload              both daemons whose pid file is configured
//   reload milter       autoresponder-milter only
//   reload dispatcher   autoresponder-dispatcher only
//
// Before signalling, the process is checked to be the program the pid file
// is for (its argv[0] in /proc/PID/cmdline), so a stale pid file never makes
// an unrelated process receive SIGHUP, whose default action is to exit.
// Not thread-safe.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "core/result.h"
#include "ctl/command_context.h"

namespace ar {

int RunReloadCommand(const CommandContext& ctx, const std::vector<std::string>& args);

// The program name (basename of argv[0]) of a running process; NotFound when
// there is no such process.
Result<std::string> ProgramOfProcess(pid_t pid);

}  // namespace ar
