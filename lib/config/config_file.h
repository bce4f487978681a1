// The config file reader: "name = value" lines, '#' comment lines and blank
// lines, in the manner of Postfix's main.cf. It only splits lines; what the
// names and values mean is the options table's business (AssembleConfig).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/option_assignment.h"
#include "core/result.h"

namespace ar {

// Splits file contents into assignments whose place is "FILE:LINE".
// A line that is neither blank, a comment nor "name = value" is an error.
Result<std::vector<OptionAssignment>> ParseConfigText(std::string_view text,
                                                      const std::string& file_name);

struct ConfigFileContents {
  bool found = false;  // false: the file does not exist (and that was allowed)
  std::vector<OptionAssignment> assignments;
};

// Reads and splits a file. A missing file is an error only when must_exist.
// Files larger than 1 MiB are refused: no real configuration is that big.
Result<ConfigFileContents> ReadConfigFile(const std::string& path, bool must_exist);

}  // namespace ar
