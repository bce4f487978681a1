// Value syntax of the options table: the small parsers and printers that turn
// "15m", "1G", "yes" or "X-Spam-Flag: YES" into typed settings and back, and
// the checks that keep configured names and addresses from carrying anything
// that could end up as an extra header line or command argument.
//
// ParseDuration() itself is declared in options_table.h (the programs use it
// for their own flags). Everything here is pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"

namespace ar {

// The shortest exact form: "7d", "12h", "15m", "90s", "0s" (never weeks, so
// that a day count reads the way it is usually written).
std::string FormatDuration(Seconds duration);

// Bytes with an optional binary suffix: "1048576", "512K", "64M", "1G".
Result<uint64_t> ParseByteSize(std::string_view text);
// The largest exact suffix: 1073741824 -> "1G", 1000 -> "1000".
std::string FormatByteSize(uint64_t bytes);

// "yes", "no", "true", "false" (any case).
Result<bool> ParseYesNo(std::string_view text);
inline std::string FormatYesNo(bool value) { return value ? "yes" : "no"; }

// A whole decimal number in [min, max]; min must not be negative.
Result<int64_t> ParseInteger(std::string_view text, int64_t min, int64_t max);

// RFC 5322 section 3.6.8 field-name: printable ASCII except ':'.
bool IsHeaderFieldName(std::string_view text);
// A domain name: labels of letters, digits and '-', separated by dots.
bool IsDomainName(std::string_view text);
// local@domain with a dot-atom-ish local part: no spaces, controls, quotes,
// angle brackets, commas or semicolons, and no leading '-', so it is safe in
// a header and as a command argument.
bool IsSafeMailAddress(std::string_view text);
// Non-empty and printable ASCII without spaces (tokens, paths, host names).
bool IsSafeToken(std::string_view text);

}  // namespace ar
