#include "ctl/command_arguments.h"

#include "core/strings.h"
#include "ctl/output_format.h"
#include "message/address.h"
#include "sequence/when_syntax.h"

namespace ar {

Result<CommandLine> ParseCommandArgs(const std::vector<std::string>& args,
                                     const std::vector<ProgramFlag>& flags, size_t want,
                                     const std::string& command, const std::string& operands) {
  auto parsed = ParseFlags(args, flags);
  if (!parsed.ok()) return Status::InvalidArgument(command + ": " + parsed.status().message());
  if (parsed->positional.size() != want) {
    return Status::InvalidArgument(
        command + (want == 0 ? " takes no arguments" : " needs exactly " + operands));
  }
  return parsed;
}

Result<std::string> ParsePersonAddress(const std::string& text) {
  const std::string address = NormalizeAddress(Trim(text));
  if (!IsSafeAddress(address)) {
    return Status::InvalidArgument("'" + PrintableLine(text) +
                                   "' is not a usable mail address (local@domain)");
  }
  return address;
}

Result<std::map<std::string, std::string>> ParseVariableAssignments(
    const std::vector<std::string>& items) {
  std::map<std::string, std::string> variables;
  for (const std::string& item : items) {
    const size_t equals = item.find('=');
    const std::string key = equals == std::string::npos ? item : item.substr(0, equals);
    if (equals == std::string::npos || !IsVariableName(key)) {
      return Status::InvalidArgument("--var '" + PrintableLine(item) +
                                     "': expected NAME=VALUE with a variable name");
    }
    variables[key] = item.substr(equals + 1);
  }
  return variables;
}

bool AsksForHelp(const std::vector<std::string>& args) {
  for (const std::string& arg : args) {
    if (arg == "--") break;
    if (arg == "--help" || arg == "-h") return true;
  }
  return false;
}

}  // namespace ar
