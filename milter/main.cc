// autoresponder-milter: decides, at end of each message, whether anyone the
// message reaches is away, and records the replies durably for
// autoresponder-dispatcher. Never sends, never alters or blocks mail.
#include <libmilter/mfapi.h>
#include <pthread.h>
#include <sys/stat.h>

#include <atomic>
#include <csignal>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

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
#include "metrics/counters.h"
#include "metrics/exposition.h"
#include "metrics/metric_samples.h"
#include "metrics/textfile_exporter.h"
#include "milter/engine/event_engine.h"
#include "milter/engine/listen_socket.h"
#include "milter/engine/session_handler.h"
#include "milter/milter_callbacks.h"
#include "milter/milter_service.h"
#include "milter/reload_signal.h"
#include "milter/settings_reload.h"
#include "milter/store_error_latch.h"
#include "sequence/sequence_definition.h"
#include "store/store.h"

namespace {

constexpr const char* kProgram = "autoresponder-milter";
constexpr const char* kDefaultConfig = "/etc/autoresponder-milter/autoresponder-milter.conf";

const std::vector<ar::ProgramFlag>& ProgramFlags() {
  static const std::vector<ar::ProgramFlag> flags = {
      {"check-config", "Check the configuration, print problems, exit 0 when it is valid"},
      {"print-defaults", "Print every option with its default value and exit"},
      {"version", "Print the version and exit"},
      {"print-config", "Print the options that differ from their defaults and exit"},
  };
  return flags;
}

// --check-config: every mistake in the settings and in the sequence
// directory, one "PLACE: what" line each on stderr (as postfix check and
// nginx -t do); 2 when there is any, else 0 and the "is valid" line.
int CheckConfig(const ar::Config& config, std::vector<std::string> errors) {
  if (auto clock = ar::MakeClock(config.clock); !clock.ok())
    errors.push_back(clock.status().message());
  // The key was read as whoever runs this; the daemons read it as service_user.
  if (ar::Status key = ar::CheckSecretKeyAsServiceUser(config); !key.ok())
    errors.push_back(key.message());
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
  if (!errors.empty()) return 2;
  std::cout << kProgram << ": configuration "
            << (config.config_file.empty() ? std::string("(defaults)") : config.config_file)
            << " is valid\n";
  return 0;
}

int Run(int argc, char** argv) {
  std::vector<std::string> errors;
  auto command_line = ar::ParseCommandLine(argc, argv, ProgramFlags(), kDefaultConfig, &errors);
  if (!command_line.ok()) {
    return ar::ReportUsageError(kProgram, ar::Config().syslog_socket,
                                command_line.status().message());
  }
  // Before the settings are judged: a broken config must not hide the version.
  if (command_line->Has("version")) {
    std::cout << ar::VersionLine(kProgram) << "\n";
    return 0;
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
    return 2;
  }
  if (command_line->help) {
    std::cout << ar::HelpText(kProgram, ProgramFlags());
    return 0;
  }
  if (command_line->Has("print-defaults")) {
    std::cout << ar::PrintDefaults();
    return 0;
  }
  const ar::Config& config = command_line->config;
  if (command_line->Has("print-config")) {
    std::cout << ar::PrintNonDefaults(config);
    return 0;
  }
  if (!command_line->positional.empty()) {
    return ar::ReportUsageError(kProgram, config.syslog_socket,
                                "unexpected argument '" + command_line->positional[0] + "'");
  }
  if (command_line->Has("check-config")) return CheckConfig(config, std::move(errors));
  // Until the milter listens, an error stops it: stderr and syslog both.
  const auto startup_error = [&config](const std::string& line) {
    ar::ReportStartupError(kProgram, config.syslog_socket, line);
  };
  auto clock = ar::MakeClock(config.clock);
  if (!clock.ok()) {
    startup_error(clock.status().message());
    return 2;
  }

  ar::LogLevel level = ar::LogLevel::kInfo;
  ar::ParseLogLevel(config.log_level, &level);
  std::unique_ptr<ar::Logger> logger =
      ar::MakeLogger(config.log_target, kProgram, level, config.syslog_socket);
  // Before anything slow: from here on SIGHUP reloads instead of killing.
  auto signals = ar::ReloadSignal::Install();
  if (!signals.ok()) {
    startup_error(signals.status().message());
    return 1;
  }

  auto store = ar::Store::Open(config.store);
  if (!store.ok()) {
    startup_error("cannot open store " + config.store.path + ": " + store.status().ToString());
    // 3: damaged (a truncated data.mdb); the line says where to read on.
    return store.status().code() == ar::Status::Code::kCorruption ? 3 : 1;
  }

  auto settings = ar::LoadMessageSettings(config, **store);
  if (!settings.ok()) {
    startup_error(settings.status().message());
    return 2;
  }
  // Counted in memory on the mail path; written out by a background thread.
  ar::Counters counters;
  // Failures to record are latched in a file for autoresponder-ctl; a
  // change of store_error_file takes effect at the next start.
  ar::StoreErrorLatch store_error_latch(config.store_error_file, **clock, *logger);
  ar::MilterService service(std::make_shared<const ar::MessageSettings>(std::move(*settings)),
                            **store, **clock, *logger, &counters, &store_error_latch);
  ar::TextfileExporter metrics(
      config.milter_metrics_file,
      [&counters] {
        return ar::FormatExposition(
            ar::CounterSamples(counters.Snapshot(), ar::MetricsProgram::kMilter));
      },
      *logger);
  std::string socket = config.milter_socket;
  const bool event_engine = config.milter_engine == "event";
  ar::milter_engine::ListenSocket listener;
  if (event_engine) {
    // A UNIX socket must be reachable by the MTA's group (postfix), not by others.
    umask(007);
    auto opened = ar::milter_engine::OpenListenSocket(socket);
    if (!opened.ok()) {
      startup_error(opened.status().message());
      return opened.status().code() == ar::Status::Code::kInvalidArgument ? 2 : 1;
    }
    listener = *opened;
  } else {
    if (!ar::RegisterMilter(service)) {
      startup_error("libmilter refused the filter registration");
      return 1;
    }
    if (smfi_setconn(socket.data()) != MI_SUCCESS) {
      startup_error("bad milter_socket '" + socket + "'");
      return 2;
    }
    umask(007);
    if (smfi_opensocket(1) != MI_SUCCESS) {
      startup_error("cannot listen on " + socket);
      return 1;
    }
  }
  logger->Info(ar::VersionLine(kProgram) + " listening on " + socket + ", store " + config.store.path + " (" +
               config.milter_engine + " engine)");
  metrics.Start();
  if (!config.milter_pid_file.empty()) {
    ar::Status written = ar::WritePidFile(config.milter_pid_file);
    if (!written.ok()) logger->Warning(written.message());
  }
  ar::NotifyReady("listening on " + socket);

  int rc = MI_FAILURE;
  ar::ReloadSignal& reload_signal = **signals;
  std::thread milter;
  std::thread stop_waiter;
  std::unique_ptr<ar::milter_engine::EventEngine> engine;
  std::atomic<bool> stop_signalled{false};
  if (event_engine) {
    engine = std::make_unique<ar::milter_engine::EventEngine>(
        listener.fd,
        [&service] { return std::make_unique<ar::milter_engine::SessionHandler>(service); },
        *logger, ar::milter_engine::EngineOptions{});
    milter = ar::ReloadSignal::StartWithSignalsBlocked([&] {
      ar::Status served = engine->Run();
      if (!served.ok()) logger->Error(served.message());
      rc = served.ok() ? MI_SUCCESS : MI_FAILURE;
      reload_signal.Shutdown();
    });
    // SIGTERM and SIGINT are blocked in every thread; this one takes them:
    // stop accepting, let the ends of message in flight finish, exit 0.
    stop_waiter = ar::ReloadSignal::StartWithSignalsBlocked([&] {
      sigset_t set;
      sigemptyset(&set);
      sigaddset(&set, SIGTERM);
      sigaddset(&set, SIGINT);
      int signal_number = 0;
      sigwait(&set, &signal_number);
      stop_signalled = true;
      engine->Stop();
    });
  } else {
    // smfi_main() in its own thread, so that the main thread can take SIGHUP
    // away from libmilter (see milter/reload_signal.h).
    milter = ar::ReloadSignal::StartWithSignalsBlocked([&rc, &reload_signal] {
      rc = smfi_main();
      reload_signal.Shutdown();
    });
  }
  const ar::ConfigLoader load = [argc, argv]() -> ar::Result<ar::Config> {
    auto again = ar::ParseCommandLine(argc, argv, ProgramFlags(), kDefaultConfig);
    if (!again.ok()) return again.status();
    return again->config;
  };
  ar::Config running = config;
  while (reload_signal.Wait() == ar::ReloadSignal::Event::kReload) {
    ar::NotifyReloading();
    auto reloaded = ar::ReloadMilterSettings(load, running, service);
    if (reloaded.ok()) running = std::move(*reloaded);
    ar::NotifyReady("listening on " + socket);
  }
  ar::NotifyStopping();
  milter.join();
  if (stop_waiter.joinable()) {
    // The engine stopped by itself (an error): wake the signal waiter.
    if (!stop_signalled) pthread_kill(stop_waiter.native_handle(), SIGTERM);
    stop_waiter.join();
  }
  engine.reset();
  // libmilter removes its UNIX socket file itself at stop; the event engine's
  // goes here, unless another instance has bound the path since.
  if (event_engine) ar::milter_engine::RemoveUnixSocketFile(listener);
  metrics.Stop();  // the last counts before exit
  store_error_latch.Flush();
  if (!config.milter_pid_file.empty()) ar::RemovePidFile(config.milter_pid_file);
  logger->Info("stopped");
  return rc == MI_SUCCESS ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) { return Run(argc, argv); }
