// The options table: the single list of settings. Every entry is accepted in
// the config file as "name = value" and on the command line as
// "--name value"; the same table prints --print-defaults and is what
// man/autoresponder-milter.conf.5 documents (a test compares the two).
// The only folder that includes Boost.Program_options.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/result.h"

namespace ar {

struct OptionInfo {
  std::string name;           // e.g. "milter_socket"
  std::string default_value;  // as printed by --print-defaults; "" when empty
  std::string description;    // one sentence
  bool repeatable = false;    // may be given several times (a list)
};

// Every setting, in documentation order.
const std::vector<OptionInfo>& OptionsTable();

// The configuration when nothing is set: Config{} with compose.hostname
// filled in from gethostname() ("localhost" when that is not a domain name).
Config DefaultConfig();

// A flag a program adds to the common options (e.g. --foreground, --once).
struct ProgramFlag {
  std::string name;
  std::string description;
  bool takes_value = false;
  bool repeatable = false;
};

struct CommandLine {
  Config config;
  // Program flags that were given: name -> values (one "" for a switch).
  std::map<std::string, std::vector<std::string>> flags;
  // Everything from the first non-option argument on, verbatim (the CLI's
  // subcommand and its own flags).
  std::vector<std::string> positional;
  bool help = false;
  bool Has(const std::string& flag) const { return flags.count(flag) > 0; }
  std::string Flag(const std::string& flag) const {
    auto it = flags.find(flag);
    return it == flags.end() || it->second.empty() ? "" : it->second.back();
  }
};

// Parses "--config FILE" (default default_config_path; a missing default file
// is fine, a missing named one is an error), then the file, then the other
// options on the command line, which override the file. Errors name the
// place: "FILE:LINE: unknown option 'foo'", "--period_min: not a duration".
Result<CommandLine> ParseCommandLine(int argc, const char* const* argv,
                                     const std::vector<ProgramFlag>& program_flags,
                                     const std::string& default_config_path);

// The same for --check-config: no mistake in the config file or in a setting
// stops it. Each is appended to *errors, one line starting with its place
// ("FILE:LINE: ..." or "--name: ..."), and the result carries every setting
// that could be applied. Fails only when the flags themselves cannot be read.
Result<CommandLine> ParseCommandLine(int argc, const char* const* argv,
                                     const std::vector<ProgramFlag>& program_flags,
                                     const std::string& default_config_path,
                                     std::vector<std::string>* errors);

// Parses a subcommand's own flags ("--name value", "--switch"); the rest of
// the arguments are returned in positional.
Result<CommandLine> ParseFlags(const std::vector<std::string>& args,
                               const std::vector<ProgramFlag>& flags);

// "Usage: PROGRAM [options]" followed by the program flags and the table.
std::string HelpText(const std::string& program, const std::vector<ProgramFlag>& program_flags);
// One "name = default" line per option (postconf -d).
std::string PrintDefaults();
// One "name = value" line per option whose value differs from the default (postconf -n).
std::string PrintNonDefaults(const Config& config);

// Durations in the table and on the CLI: "90", "90s", "15m", "12h", "7d", "2w".
Result<Seconds> ParseDuration(const std::string& text);

}  // namespace ar
