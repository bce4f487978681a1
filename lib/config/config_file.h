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

// Joins error lines with '\n': how one Status carries several errors.
std::string JoinLines(const std::vector<std::string>& lines);

// Splits file contents into assignments whose place is "FILE:LINE".
// A line that is neither blank, a comment nor "name = value" is an error.
Result<std::vector<OptionAssignment>> ParseConfigText(std::string_view text,
                                                      const std::string& file_name);

// The same, but a bad line does not stop it: each one appends
// "FILE:LINE: what is wrong" to *errors and the next line is read.
std::vector<OptionAssignment> ParseConfigText(std::string_view text, const std::string& file_name,
                                              std::vector<std::string>* errors);

struct ConfigFileContents {
  bool found = false;  // false: the file does not exist (and that was allowed)
  std::vector<OptionAssignment> assignments;
};

// Reads and splits a file. A missing file is an error only when must_exist.
// Files larger than 1 MiB are refused: no real configuration is that big.
Result<ConfigFileContents> ReadConfigFile(const std::string& path, bool must_exist);

// The same, but bad lines go to *errors (all of them) and the good lines are
// returned; only a file that cannot be read at all fails the result.
Result<ConfigFileContents> ReadConfigFile(const std::string& path, bool must_exist,
                                          std::vector<std::string>* errors);

}  // namespace ar
