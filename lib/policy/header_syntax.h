// Small RFC 5322 lexical helpers shared by the policy's header readers
// (Auto-Submitted, Precedence, Content-Type, Authentication-Results).
// Pure functions over untrusted text: bounded, never throw, never read past
// the input.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ar {

// Replaces every RFC 5322 comment "(...)" (nested, with quoted-pairs) by one
// space. Quoted strings are kept verbatim, so a '(' inside quotes is not a
// comment. An unterminated comment runs to the end of the value.
std::string StripComments(std::string_view value);

// Splits on sep outside quoted strings; pieces are trimmed, empty pieces are
// kept (callers decide what an empty piece means).
std::vector<std::string> SplitOutsideQuotes(std::string_view value, char sep);

// The first word of a value after comments are removed: the run of
// characters up to whitespace, ';' or ','. "" when there is none.
std::string FirstKeyword(std::string_view value);

// Removes surrounding double quotes and quoted-pair backslashes:
// "\"a\\\"b\"" -> "a\"b". Unquoted text is returned trimmed.
std::string Unquote(std::string_view value);

// Replaces ASCII control characters (CR, LF, NUL, ...) by spaces, so text
// copied from a received header can never break a header we write.
std::string ReplaceControlCharacters(std::string_view text);

// A log-safe excerpt of a header value: trimmed, control characters
// replaced, cut to at most max_bytes (then "..." is appended).
std::string LogExcerpt(std::string_view value, size_t max_bytes = 80);

}  // namespace ar
