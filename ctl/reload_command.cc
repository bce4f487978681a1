#include "ctl/reload_command.h"

#include <signal.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <ostream>

#include "daemon/pid_file.h"

namespace ar {
namespace {

struct Daemon {
  std::string name;     // as on the command line: milter, dispatcher
  std::string program;  // its argv[0] basename
  std::string pid_file_option;
  std::string pid_file;
};

// Sends SIGHUP to the daemon; Ok with the pid on success.
Result<pid_t> SignalReload(const Daemon& daemon) {
  auto pid = ReadPidFile(daemon.pid_file);
  if (!pid.ok()) {
    if (pid.status().code() == Status::Code::kNotFound)
      return Status::NotFound(daemon.program + " is not running (no pid file " + daemon.pid_file +
                              ")");
    return pid.status();
  }
  auto program = ProgramOfProcess(*pid);
  if (!program.ok() || *program != daemon.program) {
    return Status::NotFound(daemon.program + " is not running (stale pid file " + daemon.pid_file +
                            " names pid " + std::to_string(*pid) + ")");
  }
  if (kill(*pid, SIGHUP) != 0) {
    return Status::IoError("cannot signal " + daemon.program + " (pid " + std::to_string(*pid) +
                           "): " + std::strerror(errno));
  }
  return *pid;
}

}  // namespace

Result<std::string> ProgramOfProcess(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  if (!in) return Status::NotFound("no process " + std::to_string(pid));
  std::string argv0;
  std::getline(in, argv0, '\0');
  if (argv0.empty()) return Status::NotFound("no program for process " + std::to_string(pid));
  size_t slash = argv0.rfind('/');
  return slash == std::string::npos ? argv0 : argv0.substr(slash + 1);
}

int RunReloadCommand(const CommandContext& ctx, const std::vector<std::string>& args) {
  std::vector<Daemon> daemons = {
      {"milter", "autoresponder-milter", "milter_pid_file", ctx.config.milter_pid_file},
      {"dispatcher", "autoresponder-dispatcher", "dispatcher_pid_file",
       ctx.config.dispatcher_pid_file},
  };
  if (args.size() > 1) return UsageError(ctx, "reload takes at most one argument");
  const bool named = !args.empty();
  if (named) {
    std::erase_if(daemons, [&](const Daemon& d) { return d.name != args[0]; });
    if (daemons.empty()) return UsageError(ctx, "reload: expected milter or dispatcher");
  }

  int exit_code = kExitOk;
  bool any = false;
  for (const Daemon& daemon : daemons) {
    if (daemon.pid_file.empty()) {
      if (named) {
        return Failure(ctx, daemon.pid_file_option +
                                " is not set; under systemd use: systemctl reload " +
                                daemon.program);
      }
      continue;
    }
    any = true;
    auto pid = SignalReload(daemon);
    if (!pid.ok()) {
      exit_code = Failure(ctx, pid.status().message());
      continue;
    }
    ctx.out << "reload requested: " << daemon.program << " (pid " << *pid << ")\n";
  }
  if (!any) {
    return Failure(ctx,
                   "neither milter_pid_file nor dispatcher_pid_file is set; under systemd use: "
                   "systemctl reload autoresponder-milter autoresponder-dispatcher");
  }
  return exit_code;
}

}  // namespace ar
