// ParseCommandLine and ParseFlags: Boost.Program_options reads the option
// tokens; the values then go through the options table like file values.
#include <algorithm>
#include <boost/program_options.hpp>
#include <cstdlib>
#include <set>

#include "config/config_file.h"
#include "config/option_assignment.h"
#include "config/option_entry.h"
#include "config/options_table.h"

namespace ar {

namespace po = boost::program_options;

namespace {

struct SplitArguments {
  std::vector<std::string> option_tokens;
  std::vector<std::string> positional;
};

// Separates option tokens from positional arguments before Boost sees them.
// With stop_at_positional, the first positional argument and everything after
// it are kept verbatim (a CLI subcommand's own flags are not ours to parse);
// otherwise positional arguments may stand between options. "--" ends the
// options in both cases and is dropped.
SplitArguments Split(const std::vector<std::string>& args, const std::set<std::string>& takes_value,
                     bool stop_at_positional) {
  SplitArguments out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      out.positional.insert(out.positional.end(), args.begin() + static_cast<long>(i) + 1,
                            args.end());
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      if (stop_at_positional) {
        out.positional.insert(out.positional.end(), args.begin() + static_cast<long>(i),
                              args.end());
        break;
      }
      out.positional.push_back(arg);
      continue;
    }
    if (arg.rfind("--", 0) == 0 && arg.back() == '=') {
      // Boost refuses "--name=" but an empty value is meaningful
      // ("--reply_envelope_sender=" is the null sender): pass it separately.
      out.option_tokens.push_back(arg.substr(0, arg.size() - 1));
      out.option_tokens.push_back("");
      continue;
    }
    out.option_tokens.push_back(arg);
    if (arg.rfind("--", 0) == 0 && arg.find('=') == std::string::npos &&
        takes_value.count(arg.substr(2)) > 0 && i + 1 < args.size()) {
      out.option_tokens.push_back(args[++i]);
    }
  }
  return out;
}

// Puts the config file's errors in line order (they are found option by
// option), ahead of the rest, keeping the order of equals.
void SortByLine(const std::string& file, std::vector<std::string>::iterator begin,
                std::vector<std::string>::iterator end) {
  std::string prefix = file + ":";
  auto line_of = [&prefix](const std::string& error) -> unsigned long {
    if (prefix.size() == 1 || error.compare(0, prefix.size(), prefix) != 0) return ~0UL;
    return std::strtoul(error.c_str() + prefix.size(), nullptr, 10);
  };
  std::stable_sort(begin, end, [&line_of](const std::string& a, const std::string& b) {
    return line_of(a) < line_of(b);
  });
}

struct ParsedOption {
  std::string name;
  std::string value;
};

// Runs Boost over the option tokens; its exceptions become a Status.
Result<std::vector<ParsedOption>> RunBoost(const po::options_description& description,
                                           const std::vector<std::string>& tokens) {
  try {
    // No guessing of abbreviations: "--period" must never silently mean
    // "--period_default".
    const int style = po::command_line_style::unix_style & ~po::command_line_style::allow_guessing;
    po::parsed_options parsed =
        po::command_line_parser(tokens).options(description).style(style).run();
    std::vector<ParsedOption> out;
    for (const po::option& o : parsed.options) {
      out.push_back({o.string_key, o.value.empty() ? std::string() : o.value.front()});
    }
    return out;
  } catch (const po::unknown_option& e) {
    // Our wording, not Boost's ("unrecognised option"): the programs and
    // their man pages speak of unknown options.
    // Boost names the token as given: "--foo=1" is option "--foo".
    std::string name = e.get_option_name();
    name = name.substr(0, name.find('='));
    return Status::InvalidArgument("unknown option '" + name + "'");
  } catch (const po::invalid_command_line_syntax& e) {
    if (e.kind() == po::invalid_syntax::missing_parameter) {
      return Status::InvalidArgument("option '" + e.get_option_name() + "' needs a value");
    }
    return Status::InvalidArgument(e.what());
  } catch (const std::exception& e) {
    return Status::InvalidArgument(e.what());
  }
}

void AddProgramFlags(po::options_description* description, const std::vector<ProgramFlag>& flags,
                     std::set<std::string>* takes_value) {
  for (const ProgramFlag& flag : flags) {
    if (flag.takes_value) {
      description->add_options()(flag.name.c_str(), po::value<std::string>(),
                                 flag.description.c_str());
      takes_value->insert(flag.name);
    } else {
      description->add_options()(flag.name.c_str(), flag.description.c_str());
    }
  }
}

const ProgramFlag* FindFlag(const std::vector<ProgramFlag>& flags, const std::string& name) {
  for (const ProgramFlag& flag : flags)
    if (flag.name == name) return &flag;
  return nullptr;
}

Status RecordFlag(const ProgramFlag& flag, const std::string& value, CommandLine* out) {
  std::vector<std::string>& values = out->flags[flag.name];
  if (!values.empty() && !flag.repeatable)
    return Status::InvalidArgument("--" + flag.name + ": given more than once");
  values.push_back(value);
  return Status::Ok();
}

// Program flags may not reuse the name of a setting or of --config/--help.
Status CheckFlagNames(const std::vector<ProgramFlag>& flags) {
  std::set<std::string> seen;
  for (const ProgramFlag& flag : flags) {
    if (flag.name.empty() || flag.name == "config" || flag.name == "help" ||
        FindOptionEntry(flag.name) != nullptr || !seen.insert(flag.name).second)
      return Status::InvalidArgument("program flag '" + flag.name +
                                     "' clashes with another option");
  }
  return Status::Ok();
}

}  // namespace

Result<CommandLine> ParseCommandLine(int argc, const char* const* argv,
                                     const std::vector<ProgramFlag>& program_flags,
                                     const std::string& default_config_path) {
  std::vector<std::string> errors;
  Result<CommandLine> out = ParseCommandLine(argc, argv, program_flags, default_config_path, &errors);
  if (out.ok() && !errors.empty()) return Status::InvalidArgument(JoinLines(errors));
  return out;
}

Result<CommandLine> ParseCommandLine(int argc, const char* const* argv,
                                     const std::vector<ProgramFlag>& program_flags,
                                     const std::string& default_config_path,
                                     std::vector<std::string>* errors) {
  const size_t first_error = errors->size();
  if (Status s = CheckFlagNames(program_flags); !s.ok()) return s;
  po::options_description description;
  std::set<std::string> takes_value = {"config"};
  description.add_options()("config", po::value<std::string>(), "")("help,h", "");
  for (const OptionEntry& entry : OptionEntries()) {
    description.add_options()(entry.info.name.c_str(), po::value<std::string>(), "");
    takes_value.insert(entry.info.name);
  }
  AddProgramFlags(&description, program_flags, &takes_value);

  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i] == nullptr ? "" : argv[i]);
  SplitArguments split = Split(args, takes_value, /*stop_at_positional=*/true);
  Result<std::vector<ParsedOption>> parsed = RunBoost(description, split.option_tokens);
  if (!parsed.ok()) return parsed.status();

  CommandLine out;
  out.positional = std::move(split.positional);
  std::vector<OptionAssignment> from_command_line;
  std::string config_path = default_config_path;
  bool config_named = false;
  for (const ParsedOption& option : *parsed) {
    if (option.name == "help") {
      out.help = true;
    } else if (option.name == "config") {
      if (config_named) {
        errors->push_back("--config: given more than once");
        continue;
      }
      config_named = true;
      config_path = option.value;
    } else if (const ProgramFlag* flag = FindFlag(program_flags, option.name)) {
      if (Status s = RecordFlag(*flag, option.value, &out); !s.ok()) errors->push_back(s.message());
    } else {
      from_command_line.push_back({option.name, option.value, "--" + option.name, true});
    }
  }

  std::vector<OptionAssignment> from_file;
  if (!config_path.empty()) {
    Result<ConfigFileContents> file =
        ReadConfigFile(config_path, /*must_exist=*/config_named, errors);
    if (!file.ok()) {
      errors->push_back(file.status().message());
    } else if (file->found) {
      for (OptionAssignment& a : file->assignments) {
        if (a.name == "config" || a.name == "help" || FindFlag(program_flags, a.name) != nullptr) {
          errors->push_back(a.place + ": '" + a.name + "' is accepted on the command line only");
        } else {
          from_file.push_back(std::move(a));
        }
      }
      out.config.config_file = config_path;
    }
  }

  std::string config_file = out.config.config_file;
  out.config = AssembleConfig(from_file, from_command_line, errors);
  out.config.config_file = config_file;
  SortByLine(config_file, errors->begin() + static_cast<long>(first_error), errors->end());
  return out;
}

Result<CommandLine> ParseFlags(const std::vector<std::string>& args,
                               const std::vector<ProgramFlag>& flags) {
  std::set<std::string> seen;
  for (const ProgramFlag& flag : flags) {
    if (flag.name.empty() || flag.name == "help" || !seen.insert(flag.name).second)
      return Status::InvalidArgument("flag '" + flag.name + "' clashes with another flag");
  }
  po::options_description description;
  description.add_options()("help,h", "");
  std::set<std::string> takes_value;
  AddProgramFlags(&description, flags, &takes_value);

  SplitArguments split = Split(args, takes_value, /*stop_at_positional=*/false);
  Result<std::vector<ParsedOption>> parsed = RunBoost(description, split.option_tokens);
  if (!parsed.ok()) return parsed.status();

  CommandLine out;
  out.config = DefaultConfig();
  out.positional = std::move(split.positional);
  for (const ParsedOption& option : *parsed) {
    if (option.name == "help") {
      out.help = true;
    } else if (const ProgramFlag* flag = FindFlag(flags, option.name)) {
      if (Status s = RecordFlag(*flag, option.value, &out); !s.ok()) return s;
    }
  }
  return out;
}

}  // namespace ar
