// autoresponder-web: the users' own out-of-office page and JSON API, behind
// the site's reverse proxy. See autoresponder-web(8).
//
// Exit status: 0 stopped by SIGTERM/SIGINT (or a --print-* flag), 1 runtime
// failure (store, listening socket), 2 usage or configuration error.
#include <signal.h>
#include <unistd.h>

#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "config/options_table.h"
#include "core/clock.h"
#include "core/logger.h"
#include "core/syslog_socket.h"
#include "core/version.h"
#include "daemon/service_readiness.h"
#include "store/store.h"
#include "web/imap_password_verifier.h"
#include "web/web_server.h"

namespace {

constexpr const char* kProgram = "autoresponder-web";
constexpr const char* kDefaultConfig = "/etc/autoresponder-milter/autoresponder-milter.conf";

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

const std::vector<ar::ProgramFlag>& ProgramFlags() {
  static const std::vector<ar::ProgramFlag> flags = {
      {"print-defaults", "Print every option with its default value and exit"},
      {"print-config", "Print the options that differ from their defaults and exit"},
      {"version", "Print the version and exit"},
  };
  return flags;
}

// SIGTERM and SIGINT are taken by a thread of their own (sigwait), which
// stops the server: nothing runs in a signal handler.
sigset_t StopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

int Main(int argc, char** argv) {
  auto command_line = ar::ParseCommandLine(argc, argv, ProgramFlags(), kDefaultConfig);
  if (!command_line.ok()) {
    ar::ReportStartupError(kProgram, ar::Config().syslog_socket, command_line.status().message());
    return kExitUsage;
  }
  if (command_line->Has("version")) {
    std::cout << ar::VersionLine(kProgram) << "\n";
    return kExitOk;
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
  const auto startup_error = [&config](const std::string& line, int exit_code) {
    ar::ReportStartupError(kProgram, config.syslog_socket, line);
    return exit_code;
  };
  if (!command_line->positional.empty()) {
    return startup_error("unexpected argument '" + command_line->positional[0] + "'", kExitUsage);
  }
  auto clock = ar::MakeClock(config.clock);
  if (!clock.ok()) return startup_error(clock.status().message(), kExitUsage);
  ar::LogLevel level = ar::LogLevel::kInfo;
  if (!ar::ParseLogLevel(config.log_level, &level)) {
    return startup_error("unknown log_level '" + config.log_level + "'", kExitUsage);
  }
  // Before any thread starts, so every thread inherits the mask.
  const sigset_t stop_signals = StopSignals();
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  std::unique_ptr<ar::Logger> logger =
      ar::MakeLogger(config.log_target, kProgram, level, config.syslog_socket);
  auto store = ar::Store::Open(config.store);
  if (!store.ok()) {
    return startup_error("cannot open store " + config.store.path + ": " +
                             store.status().ToString(),
                         kExitFailure);
  }
  std::unique_ptr<ar::PasswordVerifier> verifier;
  if (config.web.auth == ar::WebAuth::kImap) {
    verifier = std::make_unique<ar::ImapPasswordVerifier>(config.web.imap_server);
  }
  ar::WebServer server(config, **store, **clock, *logger, verifier.get());
  auto port = server.Bind(config.web.listen_host, config.web.listen_port);
  if (!port.ok()) return startup_error(port.status().message(), kExitFailure);

  std::thread stopper([&server, stop_signals]() {
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    server.Stop();
  });
  logger->Info("listening on " + config.web.listen_host + ":" + std::to_string(*port) +
               ", web_auth = " + (config.web.auth == ar::WebAuth::kImap ? "imap" : "proxy-header"));
  ar::NotifyReady("listening on port " + std::to_string(*port));
  const bool served = server.Run();
  if (!served) {
    // The stopper waits for a signal that will not come; send it ourselves.
    kill(getpid(), SIGTERM);
  }
  stopper.join();
  ar::NotifyStopping();
  return served ? kExitOk : kExitFailure;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << kProgram << ": " << e.what() << "\n";
    return kExitFailure;
  }
}
