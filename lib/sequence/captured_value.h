// Cleaning of captured values (named groups of trigger conditions, and the
// person's display name) before they are stored with an enrolment and used
// in templates. Whoever can send mail through the MTA chooses these texts; a
// contact form with "name = <a link and a sales pitch>" must not make the
// shop mail that link to a third party under its own name. So by default:
//   - URLs go: any word with "://", or starting "www." or "mailto:", or a
//     host name followed by a path ("evil.example/x");
//   - control characters (C0, DEL, C1) and the Unicode bidirectional
//     overrides become spaces; runs of spaces collapse, ends are trimmed;
//   - at most max_length characters (code points) are kept.
// A date (an anchor variable) or an order number passes unchanged.
//
// Stateless; safe to call from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ar {

struct CaptureLimits {
  size_t max_length = 64;    // option capture_max_length
  bool allow_urls = false;   // option capture_allow_urls
};

// value must be valid UTF-8 (everything lib/message returns is).
std::string CleanCapturedValue(std::string_view value, const CaptureLimits& limits);

// True when a whitespace-free word reads as a URL or a web address.
bool LooksLikeUrl(std::string_view word);

}  // namespace ar
