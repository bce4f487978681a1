// UTF-8 well-formedness (RFC 3629 section 4) for the texts an operator gives
// the CLI: reply bodies and subjects go out declared as charset=utf-8, so a
// Latin-1 file must be refused here rather than mangled in every reply.
// Pure; thread-safe.
#pragma once

#include <string_view>

namespace ar {

// True when text is well-formed UTF-8: no overlong forms, no surrogates
// (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequence.
bool IsValidUtf8(std::string_view text);

}  // namespace ar
