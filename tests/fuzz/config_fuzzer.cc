// Fuzzes the config file reader (config/config_file.h) and the options table
// behind it (AssembleConfig): arbitrary text as a config file. Properties:
// the all-errors and the first-error readers agree; every error names its
// place; and whatever configuration comes out, printing its non-default
// settings and reading them back gives the same configuration.
//
// Input: the config file text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_file.h"
#include "config/option_assignment.h"
#include "config/options_table.h"
#include "tests/fuzz/fuzz_property.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ar;
  using fuzz::Require;
  // ReadConfigFile refuses files over 1 MiB; the text parser sees no more.
  if (size > 1024 * 1024) return 0;
  const std::string_view text = fuzz::AsText(data, size);

  std::vector<std::string> line_errors;
  const std::vector<OptionAssignment> assignments =
      ParseConfigText(text, "fuzz.conf", &line_errors);
  Result<std::vector<OptionAssignment>> strict = ParseConfigText(text, "fuzz.conf");
  Require(strict.ok() == line_errors.empty(), "both readers agree on whether a file is good");
  if (strict.ok()) {
    Require(strict->size() == assignments.size(), "both readers find the same assignments");
  }
  for (const std::string& error : line_errors) {
    Require(error.starts_with("fuzz.conf:"), "a line error names the file");
  }
  for (const OptionAssignment& assignment : assignments) {
    Require(assignment.place.starts_with("fuzz.conf:"), "an assignment knows its place");
    Require(!assignment.from_command_line, "a file assignment is not from the command line");
  }

  std::vector<std::string> errors;
  const Config config = AssembleConfig(assignments, {}, &errors);
  Result<Config> checked = AssembleConfig(assignments, {});
  Require(checked.ok() == errors.empty(), "both assemblers agree on whether a config is good");

  // Round trip: what --print-non-defaults shows reads back as the same.
  const std::string printed = PrintNonDefaults(config);
  std::vector<std::string> reread_errors;
  const std::vector<OptionAssignment> reread = ParseConfigText(printed, "printed", &reread_errors);
  Require(reread_errors.empty(), "printed settings are well-formed lines");
  if (errors.empty()) {
    std::vector<std::string> assemble_errors;
    const Config again = AssembleConfig(reread, {}, &assemble_errors);
    Require(assemble_errors.empty(), "printed settings of a good config are accepted");
    Require(PrintNonDefaults(again) == printed, "printed settings read back unchanged");
  }
  return 0;
}
