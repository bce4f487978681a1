// RequireWireSafeMessage: the properties every message we compose must have
// on the wire, whatever went into it (RFC 5322 section 2.1.1 and 2.2):
// 7-bit bytes, CRLF line ends only, lines of at most 998 octets, a header
// section of "Name: value" fields (continuation lines start with WSP), each
// field name one the composer may write and none twice. A violation here is
// header injection or a message an MTA may refuse. Header-only; no state.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "core/strings.h"
#include "tests/fuzz/fuzz_property.h"

namespace ar::fuzz {

template <typename AllowedName>
void RequireWireSafeMessage(std::string_view message, AllowedName allowed_name) {
  for (char c : message) Require(static_cast<unsigned char>(c) < 0x80, "a composed message is 7-bit");
  bool in_headers = true;
  bool saw_field = false;
  std::set<std::string> names;
  size_t pos = 0;
  while (pos < message.size()) {
    const size_t end = message.find("\r\n", pos);
    Require(end != std::string_view::npos, "a composed message ends with CRLF");
    const std::string_view line = message.substr(pos, end - pos);
    pos = end + 2;
    Require(line.find_first_of("\r\n") == std::string_view::npos, "no bare CR or LF");
    Require(line.size() <= 998, "lines are at most 998 octets");
    if (!in_headers) continue;
    if (line.empty()) {
      in_headers = false;
      continue;
    }
    if (line.front() == ' ' || line.front() == '\t') {
      Require(saw_field, "a continuation line follows a field");
      continue;
    }
    const size_t colon = line.find(':');
    Require(colon != std::string_view::npos && colon > 0, "a header line is Name: value");
    const std::string_view name = line.substr(0, colon);
    Require(allowed_name(name), "the composer writes only its own header fields");
    Require(names.insert(ToLowerAscii(name)).second, "no header field appears twice");
    saw_field = true;
  }
  Require(!in_headers, "a composed message has a body");
}

}  // namespace ar::fuzz
