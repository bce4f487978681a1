// The flags of `ooo set` and their translation into RuleEdits: durations,
// WHEN times in the chosen zone, texts from the command line, files or
// standard input. File access goes through an injected reader so the
// translation is testable without a filesystem. Thread-compatible.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/options_table.h"
#include "core/result.h"
#include "ctl/rule_editing.h"
#include "policy/out_of_office_rule.h"

namespace ar {

// The flags `ooo set` accepts (names without the leading "--").
const std::vector<ProgramFlag>& RuleSetFlags();

// Reads the file a --text-file/--html-file/--internal-text-file names ("-"
// means standard input).
using TextFileReader = std::function<Result<std::string>(const std::string& path)>;

// Builds the edits from parsed flags. existing is the stored rule: its zone
// is used for --start/--end when --tz is not given. InvalidArgument for
// conflicting flags (--text and --text-file), bad durations, WHEN values or
// zones, and unreadable files (the message names the flag).
Result<RuleEdits> RuleEditsFromFlags(const CommandLine& flags,
                                     const std::optional<OutOfOfficeRule>& existing,
                                     const TextFileReader& read_file);

// The reader the program uses: the file's bytes, at most max_bytes; "-"
// reads in.
Result<std::string> ReadTextFile(const std::string& path, std::istream& in, size_t max_bytes);

// Reply bodies larger than this are refused: a reply is a short note.
inline constexpr size_t kMaxBodyBytes = 256 * 1024;

}  // namespace ar
