// What every harness uses to state a property: Require(holds, "what") prints
// the property and aborts when it does not hold, which libFuzzer (and the
// corpus replay) reports as a crash with the input that caused it. Plus the
// few text checks several harnesses assert. Header-only; no state.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>

#include "message/utf8.h"

namespace ar::fuzz {

inline void Require(bool holds, const char* property) {
  if (holds) return;
  std::fprintf(stderr, "fuzz property violated: %s\n", property);
  std::abort();
}

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// Valid UTF-8 is exactly the text that sanitizing leaves unchanged.
inline bool IsValidUtf8(std::string_view text) {
  std::string sanitized;
  AppendSanitizedUtf8(text, &sanitized);
  return sanitized == text;
}

inline bool HasLineBreak(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
}

// C0 controls other than HTAB, and DEL.
inline bool HasControlOtherThanTab(std::string_view text) {
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if ((u < 0x20 && u != '\t') || u == 0x7f) return true;
  }
  return false;
}

// Splits input at the first occurrence of `separator`: the part before and
// the part after (all of it and "" when there is none). How a harness packs
// two inputs into one byte string.
inline std::pair<std::string_view, std::string_view> SplitAt(std::string_view text,
                                                             std::string_view separator) {
  const size_t at = text.find(separator);
  if (at == std::string_view::npos) return {text, std::string_view()};
  return {text.substr(0, at), text.substr(at + separator.size())};
}

}  // namespace ar::fuzz
