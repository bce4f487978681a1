// autoresponder-dispatcher: sends the replies autoresponder-milter queued,
// when they are due, through sendmail(1) or SMTP, and records each outcome
// in the store. See autoresponder-dispatcher(8).
//
// Exit status: 0 done, 1 runtime failure (store, transport setup), 2 usage
// or configuration error, 3 a damaged store.
#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "config/options_table.h"
#include "config/sequence_secret.h"
#include "core/clock.h"
#include "core/logger.h"
#include "core/strings.h"
#include "core/syslog_socket.h"
#include "core/version.h"
#include "daemon/pid_file.h"
#include "daemon/service_readiness.h"
#include "daemon/usage_error.h"
#include "dispatch/dispatcher.h"
#include "dispatch/dispatcher_lock.h"
#include "dispatch/queue_waiter.h"
#include "dispatcher/settings_reload.h"
#include "dispatcher/stop_signal.h"
#include "metrics/counters.h"
#include "metrics/exposition.h"
#include "metrics/metric_samples.h"
#include "metrics/textfile_exporter.h"
#include "sequence/sequence_definition.h"
#include "store/store.h"
#include "transport/transport.h"

namespace {

constexpr const char* kProgram = "autoresponder-dispatcher";
constexpr const char* kDefaultConfig = "/etc/autoresponder-milter/autoresponder-milter.conf";

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr int kExitStoreDamaged = 3;  // a truncated or corrupt data.mdb

const std::vector<ar::ProgramFlag>& ProgramFlags() {
  static const std::vector<ar::ProgramFlag> flags = {
      {"once", "Send what is due now, then exit"},
      {"check-config", "Check the configuration, print problems, exit 0 when it is valid"},
      {"print-defaults", "Print every option with its default value and exit"},
      {"version", "Print the version and exit"},
      {"print-config", "Print the options that differ from their defaults and exit"},
  };
  return flags;
}

// --check-config: every mistake in the settings and in the sequence
// directory, one "PLACE: what" line each on stderr; kExitUsage when there is
// any, else kExitOk and the "is valid" line.
int CheckConfig(const ar::Config& config, std::vector<std::string> errors) {
  if (auto clock = ar::MakeClock(config.clock); !clock.ok())
    errors.push_back(clock.status().message());
  // The key was read as whoever runs this; the daemons read it as service_user.
  if (ar::Status key = ar::CheckSecretKeyAsServiceUser(config); !key.ok())
    errors.push_back(key.message());
  ar::LogLevel level = ar::LogLevel::kInfo;
  if (!ar::ParseLogLevel(config.log_level, &level))
    errors.push_back("unknown log_level '" + config.log_level + "'");
  if (auto transport = ar::MakeTransport(config.transport); !transport.ok())
    errors.push_back(transport.status().message());
  const std::string& dir = config.sequences.directory;
  std::error_code ec;
  if (!dir.empty() && std::filesystem::is_directory(dir, ec)) {
    auto loaded = ar::LoadSequenceDirectory(dir);
    if (!loaded.ok()) {
      for (const std::string& line : ar::SplitTrimmed(loaded.status().message(), '\n'))
        errors.push_back(line.rfind(dir, 0) == 0 ? line : dir + "/" + line);
    }
  }
  for (const std::string& error : errors) std::cerr << error << "\n";
  if (!errors.empty()) return kExitUsage;
  std::cout << kProgram << ": configuration "
            << (config.config_file.empty() ? std::string("(defaults)") : config.config_file)
            << " is valid\n";
  return kExitOk;
}

// What the dispatcher needs to compose sequence steps, from the configuration.
ar::SequenceSendSettings SequenceSendSettingsOf(const ar::Config& config) {
  ar::SequenceSendSettings settings;
  settings.directory = config.sequences.directory;
  settings.addresses.secret_key = config.sequences.secret_key;
  settings.addresses.bounce_local_part = config.sequences.bounce_local_part;
  settings.addresses.unsubscribe_local_part = config.sequences.unsubscribe_local_part;
  settings.addresses.unsubscribe_url = config.sequences.unsubscribe_url;
  settings.addresses.confirm_local_part = config.sequences.confirm_local_part;
  settings.addresses.confirm_url = config.sequences.confirm_url;
  settings.soft_bounce_limit = config.sequences.soft_bounce_limit;
  settings.compose = config.compose;
  return settings;
}

// One transport per sender, each from the same settings.
ar::TransportFactory TransportFactoryOf(const ar::TransportSettings& settings) {
  return [settings]() { return ar::MakeTransport(settings); };
}

// The dispatcher may wait on the store directory only if it can watch it;
// else it looks every poll_interval.
std::unique_ptr<ar::QueueWaiter> MakeWaiter(const std::string& store_path, ar::Logger& logger) {
  auto watching = ar::StoreChangeWaiter::Open(store_path);
  if (watching.ok()) return std::move(*watching);
  logger.Warning("not watching the store, looking every poll_interval: " +
                 watching.status().message());
  return std::make_unique<ar::TimedWaiter>();
}

// The send loop until SIGTERM. A SIGHUP ends the current Run() between two
// sends; the configuration is read again, and the loop goes on with the new
// transport and dispatch settings (or the old ones if the new are broken).
// Items a batch had claimed but not sent yet come back when their lease ends.
void RunUntilStopped(int argc, char** argv, std::unique_ptr<ar::Dispatcher> dispatcher,
                     const ar::Config& config, std::unique_ptr<ar::Transport> transport,
                     const std::function<std::unique_ptr<ar::Dispatcher>(const ar::Config&)>& make,
                     ar::QueueWaiter& waiter, const std::atomic<bool>& interrupted,
                     ar::Logger& logger) {
  const ar::ConfigLoader load = [argc, argv]() -> ar::Result<ar::Config> {
    auto again = ar::ParseCommandLine(argc, argv, ProgramFlags(), kDefaultConfig);
    if (!again.ok()) return again.status();
    return again->config;
  };
  ar::Config running = config;
  for (;;) {
    dispatcher->Run(interrupted, waiter);
    if (ar::StopRequested()) return;
    if (ar::TakeReloadRequest()) {
      ar::NotifyReloading();
      // The transport built here only proves the new settings work; each
      // sender of the new dispatcher makes its own from them.
      if (ar::ReloadDispatcherSettings(load, running, transport, logger).ok()) {
        dispatcher = make(running);
      }
      ar::NotifyReady("transport " + running.transport.kind);
    }
    ar::ResumeAfterReload();
  }
}

int Main(int argc, char** argv) {
  std::vector<std::string> errors;
  auto command_line = ar::ParseCommandLine(argc, argv, ProgramFlags(), kDefaultConfig, &errors);
  if (!command_line.ok()) {
    return ar::ReportUsageError(kProgram, ar::Config().syslog_socket,
                                command_line.status().message());
  }
  // Before the settings are judged: a broken config must not hide the version.
  if (command_line->Has("version")) {
    std::cout << ar::VersionLine(kProgram) << "\n";
    return kExitOk;
  }
  if (!errors.empty() && !command_line->Has("check-config")) {
    // The syslog_socket line, when it was valid, is in the config already.
    const std::string& syslog_socket = command_line->config.syslog_socket;
    for (const std::string& error : errors) {
      if (ar::IsCommandLineError(error)) {
        ar::ReportUsageError(kProgram, syslog_socket, error);
      } else {
        ar::ReportStartupError(kProgram, syslog_socket, error);
      }
    }
    return kExitUsage;
  }
  if (command_line->help) {
    std::cout << ar::HelpText(kProgram, ProgramFlags());
    return kExitOk;
  }
  if (command_line->Has("print-defaults")) {
    std::cout << ar::PrintDefaults();
    return kExitOk;
  }
  const ar::Config& config = command_line->config;
  if (command_line->Has("print-config")) {
    std::cout << ar::PrintNonDefaults(config);
    return kExitOk;
  }
  if (!command_line->positional.empty()) {
    return ar::ReportUsageError(kProgram, config.syslog_socket,
                                "unexpected argument '" + command_line->positional[0] + "'");
  }

  // Everything the configuration decides is built before anything runs, and
  // --check-config builds the same, so it sees the errors a start would.
  if (command_line->Has("check-config")) return CheckConfig(config, std::move(errors));
  // Until the dispatcher runs, an error stops it: stderr and syslog both.
  const auto startup_error = [&config](const std::string& line, int exit_code) {
    ar::ReportStartupError(kProgram, config.syslog_socket, line);
    return exit_code;
  };
  auto clock = ar::MakeClock(config.clock);
  if (!clock.ok()) return startup_error(clock.status().message(), kExitUsage);
  ar::LogLevel level = ar::LogLevel::kInfo;
  if (!ar::ParseLogLevel(config.log_level, &level)) {
    return startup_error("unknown log_level '" + config.log_level + "'", kExitUsage);
  }
  auto transport = ar::MakeTransport(config.transport);
  if (!transport.ok()) return startup_error(transport.status().message(), kExitUsage);

  const std::atomic<bool>& stop = ar::InstallStopSignals();
  std::unique_ptr<ar::Logger> logger =
      ar::MakeLogger(config.log_target, kProgram, level, config.syslog_socket);
  auto store = ar::Store::Open(config.store);
  if (!store.ok()) {
    return startup_error(
        "cannot open store " + config.store.path + ": " + store.status().ToString(),
        store.status().code() == ar::Status::Code::kCorruption ? kExitStoreDamaged : kExitFailure);
  }
  // Held until exit; the kernel lets go of it if the process is killed.
  std::unique_ptr<ar::DispatcherLock> lock =
      ar::LockAndReleaseClaims(**store, config.store.path, *logger);
  ar::Counters counters;
  const auto make_dispatcher = [&](const ar::Config& settings) {
    return std::make_unique<ar::Dispatcher>(**store, TransportFactoryOf(settings.transport),
                                            **clock, *logger, settings.dispatch,
                                            SequenceSendSettingsOf(settings), &counters);
  };
  std::unique_ptr<ar::Dispatcher> dispatcher = make_dispatcher(config);
  // The dispatcher reads the store anyway: its file also carries the
  // store's gauges, computed afresh at each write.
  ar::Store& store_ref = **store;
  const ar::Clock& clock_ref = **clock;
  ar::TextfileExporter metrics(
      config.dispatcher_metrics_file,
      [&counters, &store_ref, &clock_ref] {
        std::vector<ar::Sample> samples =
            ar::CounterSamples(counters.Snapshot(), ar::MetricsProgram::kDispatcher);
        auto stats = store_ref.Stats();
        if (stats.ok()) {
          for (ar::Sample& gauge : ar::StoreGaugeSamples(*stats, clock_ref.Now()))
            samples.push_back(std::move(gauge));
        }
        return ar::FormatExposition(samples);
      },
      *logger);

  if (command_line->Has("once")) {
    auto stats = dispatcher->RunOnce();
    metrics.WriteNow();
    if (!stats.ok()) {
      logger->Error("dispatch failed: " + stats.status().ToString());
      return kExitFailure;
    }
    logger->Info("done: " + std::to_string(stats->sent) + " sent, " +
                 std::to_string(stats->retried) + " deferred, " + std::to_string(stats->failed) +
                 " failed, " + std::to_string(stats->skipped) + " skipped (overdue), " +
                 std::to_string(stats->capped) + " capped");
    return kExitOk;
  }

  logger->Info(ar::VersionLine(kProgram) + " started: transport " + config.transport.kind + ", " +
               std::to_string(std::max<size_t>(config.dispatch.concurrency, 1)) +
               " senders, store " + config.store.path);
  std::unique_ptr<ar::QueueWaiter> waiter = MakeWaiter(config.store.path, *logger);
  metrics.Start();
  if (!config.dispatcher_pid_file.empty()) {
    ar::Status written = ar::WritePidFile(config.dispatcher_pid_file);
    if (!written.ok()) logger->Warning(written.message());
  }
  ar::NotifyReady("transport " + config.transport.kind);
  RunUntilStopped(argc, argv, std::move(dispatcher), config, std::move(*transport), make_dispatcher,
                  *waiter, stop, *logger);
  ar::NotifyStopping();
  metrics.Stop();  // the last counts before exit
  if (!config.dispatcher_pid_file.empty()) ar::RemovePidFile(config.dispatcher_pid_file);
  logger->Info("stopped");
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) { return Main(argc, argv); }
