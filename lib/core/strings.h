// Small ASCII string functions shared by every folder. Mail syntax (header
// names, addresses, keywords) is ASCII-case-insensitive; nothing here is
// locale-dependent.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ar {

bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix);
bool EndsWithIgnoreCase(std::string_view text, std::string_view suffix);
bool ContainsIgnoreCase(std::string_view text, std::string_view needle);
std::string ToLowerAscii(std::string_view s);
// Removes leading and trailing SP, HTAB, CR, LF.
std::string_view Trim(std::string_view s);
// Splits on sep; pieces are trimmed; empty pieces are dropped.
std::vector<std::string> SplitTrimmed(std::string_view s, char sep);
// '*' matches any run of characters (also none); case-insensitive.
bool WildcardMatchIgnoreCase(std::string_view pattern, std::string_view text);
// Lower-case hex of the bytes.
std::string HexEncode(std::string_view bytes);

}  // namespace ar
