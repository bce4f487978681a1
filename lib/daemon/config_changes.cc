#include "daemon/config_changes.h"

#include <algorithm>
#include <map>
#include <sstream>

#include "config/options_table.h"

namespace ar {
namespace {

// PrintNonDefaults() is the one printer that knows every option's value:
// "name = value" per line, a repeatable option on several lines.
std::map<std::string, std::string> PrintedValues(const Config& config) {
  std::map<std::string, std::string> values;
  std::istringstream lines(PrintNonDefaults(config));
  std::string line;
  while (std::getline(lines, line)) {
    size_t equals = line.find(" = ");
    if (equals == std::string::npos) continue;
    values[line.substr(0, equals)] += line.substr(equals + 3) + "\n";
  }
  return values;
}

}  // namespace

std::vector<std::string> ChangedOptions(const Config& running, const Config& loaded) {
  std::map<std::string, std::string> before = PrintedValues(running);
  std::map<std::string, std::string> after = PrintedValues(loaded);
  std::vector<std::string> changed;
  for (const OptionInfo& option : OptionsTable()) {
    if (before[option.name] != after[option.name]) changed.push_back(option.name);
  }
  return changed;
}

std::vector<std::string> ChangesNeedingRestart(const Config& running, const Config& loaded,
                                               const std::vector<std::string>& restart_only) {
  std::vector<std::string> result;
  for (const std::string& name : ChangedOptions(running, loaded)) {
    if (std::find(restart_only.begin(), restart_only.end(), name) != restart_only.end())
      result.push_back(name);
  }
  return result;
}

}  // namespace ar
