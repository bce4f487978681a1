#include "dispatcher/settings_reload.h"

namespace ar {

const std::vector<std::string>& DispatcherRestartOnlyOptions() {
  static const std::vector<std::string> names = {
      "clock",
      "log_target",
      "syslog_socket",
      "store_path",
      "store_map_size",
      "recipient_delimiter",
      "dispatcher_pid_file",
      "dispatcher_metrics_file",
  };
  return names;
}

Status ReloadDispatcherSettings(const ConfigLoader& load, Config& running,
                                std::unique_ptr<Transport>& transport, Logger& logger) {
  auto config = load();
  if (!config.ok()) {
    logger.Error("reload failed, keeping the running configuration: " + config.status().message());
    return config.status();
  }
  auto new_transport = MakeTransport(config->transport);
  if (!new_transport.ok()) {
    logger.Error("reload failed, keeping the running configuration: " +
                 new_transport.status().message());
    return new_transport.status();
  }
  std::string pending;
  for (const std::string& name :
       ChangesNeedingRestart(running, *config, DispatcherRestartOnlyOptions()))
    pending += (pending.empty() ? "" : ", ") + name;
  if (!pending.empty()) logger.Warning("changed but only applied at restart: " + pending);

  transport = std::move(*new_transport);
  // log_level applies at once, as in the milter.
  LogLevel level = LogLevel::kInfo;
  if (ParseLogLevel(config->log_level, &level)) logger.SetLevel(level);
  running = std::move(*config);
  logger.Info("configuration reloaded from " +
              (running.config_file.empty() ? std::string("(defaults)") : running.config_file) +
              ": transport " + running.transport.kind);
  return Status::Ok();
}

}  // namespace ar
