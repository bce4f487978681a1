// OptionAssignment and AssembleConfig: the step that turns "name = value"
// assignments from the config file and the command line into one checked
// Config. Both readers hand their findings here, so precedence, lists and
// error places work the same way wherever a value came from.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "core/result.h"

namespace ar {

struct OptionAssignment {
  std::string name;
  std::string value;
  // Where it was given: "FILE:LINE" in a config file, "--name" on the
  // command line. Every error about the value starts with it.
  std::string place;
  bool from_command_line = false;
};

// Starts from DefaultConfig() and applies, for each option, the command-line
// assignments if there are any, else the file's (the command line overrides
// the file; for a list it replaces the file's list, and either replaces the
// built-in list). A non-repeatable option given twice in one source, an
// unknown name, a bad value or an inconsistent combination is an error naming
// its place: "FILE:LINE: period_min: not a duration: 'x'".
Result<Config> AssembleConfig(const std::vector<OptionAssignment>& from_file,
                              const std::vector<OptionAssignment>& from_command_line);

// The same, but no mistake stops it (--check-config): each is appended to
// *errors, starting with its place, and the result holds every value that
// could be applied, defaults elsewhere. A cross-setting check is skipped when
// one of its settings already had a bad value, to report the cause only.
Config AssembleConfig(const std::vector<OptionAssignment>& from_file,
                      const std::vector<OptionAssignment>& from_command_line,
                      std::vector<std::string>* errors);

}  // namespace ar
