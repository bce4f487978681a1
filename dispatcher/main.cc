// autoresponder-dispatcher: sends the replies autoresponder-milter queued,
// when they are due, through sendmail(1) or SMTP, and records each outcome
// in the store. See autoresponder-dispatcher(8).
//
// Exit status: 0 done, 1 runtime failure (store, transport setup), 2 usage
// or configuration error.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "config/options_table.h"
#include "core/clock.h"
#include "core/logger.h"
#include "dispatch/dispatcher.h"
#include "dispatcher/stop_signal.h"
#include "metrics/counters.h"
#include "metrics/exposition.h"
#include "metrics/metric_samples.h"
#include "metrics/textfile_exporter.h"
#include "store/store.h"
#include "transport/transport.h"

namespace {

constexpr const char* kProgram = "autoresponder-dispatcher";
constexpr const char* kDefaultConfig = "/etc/autoresponder-milter/autoresponder-milter.conf";

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

const std::vector<ar::ProgramFlag>& ProgramFlags() {
  static const std::vector<ar::ProgramFlag> flags = {
      {"once", "Send what is due now, then exit"},
      {"check-config", "Check the configuration, print problems, exit 0 when it is valid"},
      {"print-defaults", "Print every option with its default value and exit"},
      {"print-config", "Print the options that differ from their defaults and exit"},
  };
  return flags;
}

int UsageError(const std::string& message) {
  std::cerr << kProgram << ": " << message << "\n";
  return kExitUsage;
}

int Main(int argc, char** argv) {
  auto command_line = ar::ParseCommandLine(argc, argv, ProgramFlags(), kDefaultConfig);
  if (!command_line.ok()) return UsageError(command_line.status().message());
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
    return UsageError("unexpected argument '" + command_line->positional[0] + "'");
  }

  // Everything the configuration decides is built before anything runs, so
  // --check-config sees the same errors a start would.
  auto clock = ar::MakeClock(config.clock);
  if (!clock.ok()) return UsageError(clock.status().message());
  ar::LogLevel level = ar::LogLevel::kInfo;
  if (!ar::ParseLogLevel(config.log_level, &level)) {
    return UsageError("unknown log_level '" + config.log_level + "'");
  }
  auto transport = ar::MakeTransport(config.transport);
  if (!transport.ok()) return UsageError(transport.status().message());
  if (command_line->Has("check-config")) {
    std::cout << kProgram << ": configuration "
              << (config.config_file.empty() ? std::string("(defaults)") : config.config_file)
              << " is valid\n";
    return kExitOk;
  }

  const std::atomic<bool>& stop = ar::InstallStopSignals();
  std::unique_ptr<ar::Logger> logger = ar::MakeLogger(config.log_target, kProgram, level);
  auto store = ar::Store::Open(config.store);
  if (!store.ok()) {
    logger->Error("cannot open store " + config.store.path + ": " + store.status().ToString());
    return kExitFailure;
  }
  ar::Counters counters;
  ar::Dispatcher dispatcher(**store, **transport, **clock, *logger, config.dispatch, &counters);
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
    auto stats = dispatcher.RunOnce();
    metrics.WriteNow();
    if (!stats.ok()) {
      logger->Error("dispatch failed: " + stats.status().ToString());
      return kExitFailure;
    }
    logger->Info("done: " + std::to_string(stats->sent) + " sent, " +
                 std::to_string(stats->retried) + " deferred, " + std::to_string(stats->failed) +
                 " failed");
    return kExitOk;
  }

  logger->Info("started: transport " + config.transport.kind + ", store " + config.store.path);
  metrics.Start();
  dispatcher.Run(stop);
  metrics.Stop();  // the last counts before exit
  logger->Info("stopped");
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) { return Main(argc, argv); }
