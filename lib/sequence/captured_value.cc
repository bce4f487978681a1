#include "sequence/captured_value.h"

#include <cstdint>
#include <vector>

#include "core/strings.h"

namespace ar {
namespace {

// The length of the UTF-8 sequence starting with byte c (1 for a stray byte).
size_t SequenceLength(unsigned char c) {
  if (c >= 0xF0 && c <= 0xF4) return 4;
  if (c >= 0xE0) return 3;
  if (c >= 0xC2 && c <= 0xDF) return 2;
  return 1;
}

uint32_t DecodeAt(std::string_view s, size_t i, size_t length) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  switch (length) {
    case 2: return ((byte(0) & 0x1Fu) << 6) | (byte(1) & 0x3Fu);
    case 3: return ((byte(0) & 0x0Fu) << 12) | ((byte(1) & 0x3Fu) << 6) | (byte(2) & 0x3Fu);
    case 4:
      return ((byte(0) & 0x07u) << 18) | ((byte(1) & 0x3Fu) << 12) | ((byte(2) & 0x3Fu) << 6) |
             (byte(3) & 0x3Fu);
    default: return byte(0);
  }
}

// Characters that must never reach a template: controls (they could start
// a new header line or hide text in a terminal) and the bidirectional
// overrides (they reorder what a reader sees, RFC 8264 section 9.3 /
// Trojan Source).
bool IsUnwantedCodePoint(uint32_t cp) {
  return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E ||
         cp == 0x200F || cp == 0x061C;
}

bool IsHostCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.';
}

// "evil.example/path": a host name with a dot and a final label of letters,
// immediately followed by a path.
bool IsHostWithPath(std::string_view word) {
  const size_t slash = word.find('/');
  if (slash == std::string_view::npos || slash == 0) return false;
  const std::string_view host = word.substr(0, slash);
  for (char c : host) {
    if (!IsHostCharacter(c)) return false;
  }
  const size_t dot = host.rfind('.');
  if (dot == std::string_view::npos || dot + 2 >= host.size() + 0) return false;
  for (char c : host.substr(dot + 1)) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
  }
  return host.size() - dot - 1 >= 2;
}

}  // namespace

bool LooksLikeUrl(std::string_view word) {
  // Quotes and brackets around a link do not make it less of a link.
  while (!word.empty() && std::string_view("<([{\"'").find(word.front()) != std::string_view::npos)
    word.remove_prefix(1);
  if (word.find("://") != std::string_view::npos) return true;
  if (StartsWithIgnoreCase(word, "www.") || StartsWithIgnoreCase(word, "mailto:")) return true;
  return IsHostWithPath(word);
}

std::string CleanCapturedValue(std::string_view value, const CaptureLimits& limits) {
  // Controls become spaces first, so that a URL cannot hide behind one.
  std::string spaced;
  spaced.reserve(value.size());
  for (size_t i = 0; i < value.size();) {
    size_t length = SequenceLength(static_cast<unsigned char>(value[i]));
    if (i + length > value.size()) length = 1;
    if (IsUnwantedCodePoint(DecodeAt(value, i, length))) {
      spaced.push_back(' ');
    } else {
      spaced.append(value.substr(i, length));
    }
    i += length;
  }

  std::string out;
  size_t characters = 0;
  size_t start = 0;
  while (start < spaced.size() && characters < limits.max_length) {
    const size_t end = std::min(spaced.find(' ', start), spaced.size());
    const std::string_view word = std::string_view(spaced).substr(start, end - start);
    start = end + 1;
    if (word.empty() || (!limits.allow_urls && LooksLikeUrl(word))) continue;
    if (!out.empty()) {
      out.push_back(' ');
      ++characters;
    }
    for (size_t i = 0; i < word.size() && characters < limits.max_length;) {
      const size_t length = std::min(SequenceLength(static_cast<unsigned char>(word[i])),
                                     word.size() - i);
      out.append(word.substr(i, length));
      i += length;
      ++characters;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace ar
