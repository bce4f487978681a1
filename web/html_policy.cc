#include "web/html_policy.h"

#include <cctype>

#include "core/strings.h"

namespace ar {

namespace {

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == ':';
}

// Lower case, with the whitespace and control characters browsers skip
// inside a URL scheme ("java\tscript:") removed, and entity-free: an '&'
// inside a tag is refused outright by the caller's scheme check.
std::string Squeezed(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20) continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

std::optional<std::string> FindActiveHtml(std::string_view html) {
  static const char* const kElements[] = {"script", "iframe", "object", "embed", "form",
                                          "meta",   "link",   "base",   "style", "frame",
                                          "frameset", "applet", "svg", "math"};
  const std::string lower = ToLowerAscii(html);
  for (size_t at = lower.find('<'); at != std::string::npos; at = lower.find('<', at + 1)) {
    size_t name_start = at + 1;
    if (name_start < lower.size() && lower[name_start] == '/') ++name_start;
    size_t name_end = name_start;
    while (name_end < lower.size() && IsNameChar(lower[name_end])) ++name_end;
    // "<" before anything but a letter is text to a browser, not a tag.
    if (name_end == name_start || std::isalpha(static_cast<unsigned char>(lower[name_start])) == 0)
      continue;
    const std::string name = lower.substr(name_start, name_end - name_start);
    for (const char* element : kElements) {
      if (name == element) return "the <" + name + "> element";
    }
    // Attributes up to the tag's end: on* handlers, dangerous URL schemes.
    const size_t tag_end = lower.find('>', name_end);
    const std::string_view tag = std::string_view(lower).substr(
        name_end, (tag_end == std::string::npos ? lower.size() : tag_end) - name_end);
    for (size_t i = 0; i < tag.size(); ++i) {
      const bool boundary = i == 0 || !IsNameChar(tag[i - 1]);
      if (boundary && tag.compare(i, 2, "on") == 0 && i + 2 < tag.size() &&
          std::isalpha(static_cast<unsigned char>(tag[i + 2])) != 0) {
        size_t j = i + 2;
        while (j < tag.size() && IsNameChar(tag[j])) ++j;
        while (j < tag.size() && std::isspace(static_cast<unsigned char>(tag[j])) != 0) ++j;
        if (j < tag.size() && tag[j] == '=') {
          return "an event attribute (" + std::string(tag.substr(i, j - i)) + ")";
        }
      }
    }
    const std::string squeezed = Squeezed(tag);
    for (const char* scheme : {"javascript:", "vbscript:", "data:"}) {
      if (squeezed.find(scheme) != std::string::npos) return "a " + std::string(scheme) + " URL";
    }
    // "&#106;avascript:" and the like: an entity where a scheme could start.
    if (squeezed.find("=&") != std::string::npos || squeezed.find("=\"&") != std::string::npos ||
        squeezed.find("='&") != std::string::npos) {
      return "an attribute value starting with a character reference";
    }
  }
  return std::nullopt;
}

}  // namespace ar
