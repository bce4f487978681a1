#include "milter/settings_reload.h"

#include <memory>

#include "daemon/config_changes.h"

namespace ar {

const std::vector<std::string>& MilterRestartOnlyOptions() {
  static const std::vector<std::string> names = {
      "milter_socket",    "clock",          "log_target",      "syslog_socket",
      "store_path",       "store_map_size", "milter_pid_file", "milter_metrics_file",
      "store_error_file", "store_reserve",  "milter_engine",
  };
  return names;
}

Result<Config> ReloadMilterSettings(const ConfigLoader& load, const Config& running,
                                    MilterService& service) {
  Logger& logger = service.logger();
  auto config = load();
  if (!config.ok()) {
    logger.Error("reload failed, keeping the running configuration: " + config.status().message());
    return config.status();
  }
  auto settings = LoadMessageSettings(*config, service.store());
  if (!settings.ok()) {
    logger.Error("reload failed, keeping the running configuration: " +
                 settings.status().message());
    return settings.status();
  }
  service.Replace(std::make_shared<const MessageSettings>(std::move(*settings)));
  // log_level applies at once: `log_level = debug` and a reload show the
  // decision trail of the next message without a restart.
  LogLevel level = LogLevel::kInfo;
  if (ParseLogLevel(config->log_level, &level)) logger.SetLevel(level);

  std::string pending;
  for (const std::string& name :
       ChangesNeedingRestart(running, *config, MilterRestartOnlyOptions()))
    pending += (pending.empty() ? "" : ", ") + name;
  if (!pending.empty()) logger.Warning("changed but only applied at restart: " + pending);
  logger.Info("configuration reloaded from " +
              (config->config_file.empty() ? std::string("(defaults)") : config->config_file));
  return *config;
}

}  // namespace ar
