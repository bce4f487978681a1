#include "message/html_text.h"

#include <array>
#include <cstdint>
#include <utility>

#include "core/strings.h"

namespace ar {
namespace {

// Elements whose content is not text a reader sees.
bool IsHiddenElement(std::string_view name) {
  return name == "script" || name == "style" || name == "head" || name == "title";
}

// Elements that start or end a line when rendered.
bool IsLineBreakingElement(std::string_view name) {
  static constexpr std::array<std::string_view, 20> kBlocks = {
      "br", "p",  "div", "tr", "li", "h1", "h2", "h3",    "h4",         "h5",
      "h6", "ul", "ol",  "table", "blockquote", "pre", "hr", "address", "section", "article"};
  for (std::string_view block : kBlocks) {
    if (name == block) return true;
  }
  return false;
}

void AppendCodePoint(uint32_t cp, std::string* out) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Decodes the character reference at html[i] ('&'); returns how many bytes
// it took, 0 when it is no reference (the '&' is then text).
size_t DecodeReference(std::string_view html, size_t i, std::string* out) {
  const size_t semicolon = html.find(';', i);
  if (semicolon == std::string_view::npos || semicolon - i > 10) return 0;
  const std::string_view name = html.substr(i + 1, semicolon - i - 1);
  if (name.size() >= 2 && name[0] == '#') {
    const bool hex = name[1] == 'x' || name[1] == 'X';
    uint32_t cp = 0;
    const std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty()) return 0;
    for (char c : digits) {
      int v = -1;
      if (c >= '0' && c <= '9') v = c - '0';
      if (hex && c >= 'a' && c <= 'f') v = c - 'a' + 10;
      if (hex && c >= 'A' && c <= 'F') v = c - 'A' + 10;
      if (v < 0) return 0;
      cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(v);
      if (cp > 0x10FFFF) cp = 0x110000;  // stays invalid, never overflows
    }
    AppendCodePoint(cp, out);
    return semicolon - i + 1;
  }
  static constexpr std::array<std::pair<std::string_view, uint32_t>, 8> kNamed = {{
      {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'},
      {"apos", '\''}, {"nbsp", ' '}, {"euro", 0x20AC}, {"shy", 0xAD},
  }};
  for (const auto& [entity, cp] : kNamed) {
    if (name == entity) {
      AppendCodePoint(cp, out);
      return semicolon - i + 1;
    }
  }
  return 0;
}

// The lower-case element name of a tag's text after '<' (without a leading '/').
std::string TagName(std::string_view tag) {
  size_t start = tag.empty() || tag[0] != '/' ? 0 : 1;
  size_t end = start;
  while (end < tag.size() && tag[end] != ' ' && tag[end] != '\t' && tag[end] != '\r' &&
         tag[end] != '\n' && tag[end] != '/' && tag[end] != '>') {
    ++end;
  }
  return ToLowerAscii(tag.substr(start, end - start));
}

// Appends c, collapsing runs of white space into one space or line break.
void AppendText(char c, std::string* out) {
  const bool space = c == ' ' || c == '\t' || c == '\r' || c == '\n';
  if (!space) {
    out->push_back(c);
    return;
  }
  if (!out->empty() && out->back() != ' ' && out->back() != '\n') out->push_back(' ');
}

void AppendLineBreak(std::string* out) {
  if (!out->empty() && out->back() == ' ') out->pop_back();
  if (!out->empty() && out->back() != '\n') out->push_back('\n');
}

}  // namespace

std::string RenderHtmlAsText(std::string_view html) {
  std::string out;
  out.reserve(html.size() / 2);
  std::string hidden;  // the element whose content is being dropped, or ""
  size_t i = 0;
  while (i < html.size()) {
    const char c = html[i];
    if (c == '<') {
      if (html.compare(i, 4, "<!--") == 0) {
        const size_t end = html.find("-->", i + 4);
        if (end == std::string_view::npos) break;
        i = end + 3;
        continue;
      }
      const size_t end = html.find('>', i + 1);
      if (end == std::string_view::npos) break;
      const std::string_view tag = html.substr(i + 1, end - i - 1);
      const std::string name = TagName(tag);
      const bool closing = !tag.empty() && tag[0] == '/';
      i = end + 1;
      if (!hidden.empty()) {
        if (closing && name == hidden) hidden.clear();
        continue;
      }
      if (!closing && IsHiddenElement(name) && (tag.empty() || tag.back() != '/')) {
        hidden = name;
        continue;
      }
      if (IsLineBreakingElement(name)) {
        AppendLineBreak(&out);
      } else if (name == "td" || name == "th") {
        AppendText(' ', &out);
      }
      continue;
    }
    if (!hidden.empty()) {
      ++i;
      continue;
    }
    if (c == '&') {
      const size_t taken = DecodeReference(html, i, &out);
      if (taken > 0) {
        i += taken;
        continue;
      }
    }
    AppendText(c, &out);
    ++i;
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '\n')) out.pop_back();
  return out;
}

}  // namespace ar
