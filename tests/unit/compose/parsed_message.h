// ParsedMessage: a composed reply taken apart by hand for the tests: the
// header fields in order (unfolded) and the raw body. Parsing by hand, and
// not with the code under test, is what lets a test notice an extra header
// line or a broken fold.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ar::testing {

struct ParsedMessage {
  std::vector<std::pair<std::string, std::string>> fields;  // name, unfolded value
  std::vector<std::string> header_lines;                    // physical lines, no CRLF
  std::string body;
  bool has_blank_line = false;  // the header/body separator was found

  // The unfolded value of the only field named name; "" and *count = 0
  // when absent.
  std::string Value(std::string_view name, int* count = nullptr) const;
  std::vector<std::string> Names() const;
};

// Splits at the first empty line; a line starting with SP or TAB continues
// the previous field; unfolding removes the CRLF and keeps the whitespace
// (RFC 5322 section 2.2.3).
ParsedMessage ParseMessage(std::string_view message);

// The RFC 2047 encoded words ("=?...?=") in a header value.
std::vector<std::string> EncodedWords(std::string_view value);

// Base64 decoding through mimetic, for encoded words.
std::string DecodeBase64(std::string_view encoded);

// A body decoded by its Content-Transfer-Encoding with mimetic's decoders
// (7bit/8bit as is), not with the encoder under test.
std::string DecodeBody(std::string_view encoded, std::string_view mechanism);

}  // namespace ar::testing
