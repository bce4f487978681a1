// Argument handling shared by the sequence-era commands (sequence, person,
// suppression, schedule, coupon): a subcommand's flags and positional
// count, person addresses, "--var key=value" lists and "--help" anywhere.
// Pure functions; thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/options_table.h"
#include "core/result.h"

namespace ar {

// ParseFlags, then exactly `want` positional arguments; InvalidArgument
// prefixed with the command ("sequence enrol: needs NAME ADDRESS").
Result<CommandLine> ParseCommandArgs(const std::vector<std::string>& args,
                                     const std::vector<ProgramFlag>& flags, size_t want,
                                     const std::string& command, const std::string& operands);

// The normalised address, or InvalidArgument when it is not a usable mail
// address (message/address.h IsSafeAddress).
Result<std::string> ParsePersonAddress(const std::string& text);

// "key=value" items; keys are variable names (sequence/when_syntax.h
// IsVariableName). InvalidArgument naming the bad item.
Result<std::map<std::string, std::string>> ParseVariableAssignments(
    const std::vector<std::string>& items);

// True when "--help" or "-h" comes before any "--".
bool AsksForHelp(const std::vector<std::string>& args);

}  // namespace ar
