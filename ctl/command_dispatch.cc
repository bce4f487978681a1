#include "ctl/command_dispatch.h"

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>
#include <ostream>

#include "config/options_table.h"
#include "core/version.h"
#include "ctl/command_context.h"
#include "ctl/coupon_command.h"
#include "ctl/doctor_command.h"
#include "ctl/explain_command.h"
#include "ctl/ooo_commands.h"
#include "ctl/output_format.h"
#include "ctl/person_commands.h"
#include "ctl/queue_commands.h"
#include "ctl/reload_command.h"
#include "ctl/schedule_command.h"
#include "ctl/sequence_commands.h"
#include "ctl/stats_command.h"
#include "ctl/store_error_command.h"
#include "ctl/store_owner.h"
#include "ctl/suppression_commands.h"

namespace ar {

namespace {

// The global options up to the command: does one name the config file?
bool NamesConfig(int argc, const char* const* argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i] == nullptr ? "" : argv[i];
    if (arg == "--config" || arg.rfind("--config=", 0) == 0) return true;
    if (arg == "--") return false;
  }
  return false;
}

// argv with "--config $AUTORESPONDER_CONFIG" in front when the variable is
// set and the command line names no config: ParseCommandLine then treats
// the file as named (it must exist).
std::vector<std::string> WithConfigFromEnvironment(int argc, const char* const* argv) {
  std::vector<std::string> args;
  for (int i = 0; i < argc; ++i) args.emplace_back(argv[i] == nullptr ? "" : argv[i]);
  const char* from_env = std::getenv(kConfigEnvironmentVariable);
  if (from_env != nullptr && *from_env != '\0' && !NamesConfig(argc, argv) && !args.empty()) {
    args.insert(args.begin() + 1, {"--config", from_env});
  }
  return args;
}

}  // namespace

int RunCtl(int argc, const char* const* argv, std::istream& in, std::ostream& out,
           std::ostream& err) {
  // Before anything is parsed: a broken config must not hide the version.
  if (argc >= 2 && argv[1] != nullptr && std::string(argv[1]) == "--version") {
    out << VersionLine("autoresponder-ctl") << "\n";
    return kExitOk;
  }
  const std::vector<std::string> args = WithConfigFromEnvironment(argc, argv);
  std::vector<const char*> arg_pointers;
  for (const std::string& arg : args) arg_pointers.push_back(arg.c_str());
  auto command_line = ParseCommandLine(static_cast<int>(arg_pointers.size()), arg_pointers.data(),
                                       {{"version", "print the version and exit"}},
                                       kDefaultConfigPath);
  // Contexts for the two early exits, before a config and a clock exist.
  const Config defaults;
  const SystemClock system_clock;
  CommandContext early{defaults, system_clock, nullptr, in, out, err};
  if (!command_line.ok()) return FromStatus(early, command_line.status());
  if (command_line->Has("version")) {
    out << VersionLine("autoresponder-ctl") << "\n";
    return kExitOk;
  }
  const std::vector<std::string>& positional = command_line->positional;
  if (command_line->help || (!positional.empty() && positional[0] == "help")) {
    out << UsageText();
    return kExitOk;
  }
  if (positional.empty()) {
    err << "autoresponder-ctl: no command given\n\n" << UsageText();
    return kExitUsage;
  }

  auto clock = MakeClock(command_line->config.clock);
  if (!clock.ok()) return FromStatus(early, clock.status());

  std::unique_ptr<Store> store;
  const Config& config = command_line->config;
  CommandContext ctx{config,
                     **clock,
                     [&store, &config]() -> Result<Store*> {
                       if (!store) {
                         // Root would leave files the daemons cannot open.
                         if (Status owner = BecomeStoreOwner(config.store.path); !owner.ok())
                           return owner;
                         auto opened = Store::Open(config.store);
                         if (!opened.ok()) return opened.status();
                         store = std::move(*opened);
                       }
                       return store.get();
                     },
                     in,
                     out,
                     err};

  const std::vector<std::string> rest(positional.begin() + 1, positional.end());
  if (positional[0] == "ooo") return RunOooCommand(ctx, rest);
  if (positional[0] == "queue") return RunQueueCommand(ctx, rest);
  if (positional[0] == "reload") return RunReloadCommand(ctx, rest);
  if (positional[0] == "stats") return RunStatsCommand(ctx, rest);
  if (positional[0] == "store-error") return RunStoreErrorCommand(ctx, rest);
  if (positional[0] == "sequence") return RunSequenceCommand(ctx, rest);
  if (positional[0] == "person") return RunPersonCommand(ctx, rest);
  if (positional[0] == "suppression") return RunSuppressionCommand(ctx, rest);
  if (positional[0] == "schedule") return RunScheduleCommand(ctx, rest);
  if (positional[0] == "coupon") return RunCouponCommand(ctx, rest);
  if (positional[0] == "doctor") return RunDoctor(ctx, rest);
  if (positional[0] == "explain") return RunExplainCommand(ctx, rest);
  return UsageError(ctx, "unknown command '" + PrintableLine(positional[0]) + "'");
}

}  // namespace ar
