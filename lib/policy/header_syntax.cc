#include "policy/header_syntax.h"

#include "core/strings.h"

namespace ar {

std::string StripComments(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  int depth = 0;
  bool in_quotes = false;
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (depth > 0) {
      // RFC 5322 section 3.2.2: comments nest and may hold quoted-pairs.
      if (c == '\\') {
        ++i;
      } else if (c == '(') {
        ++depth;
      } else if (c == ')') {
        if (--depth == 0) out.push_back(' ');
      }
      continue;
    }
    if (in_quotes) {
      out.push_back(c);
      if (c == '\\' && i + 1 < value.size()) {
        out.push_back(value[++i]);
      } else if (c == '"') {
        in_quotes = false;
      }
      continue;
    }
    if (c == '"') {
      in_quotes = true;
      out.push_back(c);
    } else if (c == '(') {
      depth = 1;
    } else {
      out.push_back(c);
    }
  }
  if (depth > 0) out.push_back(' ');
  return out;
}

std::vector<std::string> SplitOutsideQuotes(std::string_view value, char sep) {
  std::vector<std::string> pieces;
  size_t start = 0;
  bool in_quotes = false;
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (in_quotes) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      }
    } else if (c == '"') {
      in_quotes = true;
    } else if (c == sep) {
      pieces.emplace_back(Trim(value.substr(start, i - start)));
      start = i + 1;
    }
  }
  pieces.emplace_back(Trim(value.substr(start)));
  return pieces;
}

std::string FirstKeyword(std::string_view value) {
  std::string stripped = StripComments(value);
  std::string_view rest = Trim(stripped);
  size_t end = rest.find_first_of(" \t\r\n;,");
  return std::string(rest.substr(0, end));
}

std::string Unquote(std::string_view value) {
  std::string_view v = Trim(value);
  if (v.size() < 2 || v.front() != '"' || v.back() != '"') return std::string(v);
  std::string out;
  for (size_t i = 1; i + 1 < v.size(); ++i) {
    if (v[i] == '\\' && i + 2 < v.size()) ++i;
    out.push_back(v[i]);
  }
  return out;
}

std::string ReplaceControlCharacters(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = ' ';
  }
  return out;
}

std::string LogExcerpt(std::string_view value, size_t max_bytes) {
  std::string_view v = Trim(value);
  if (v.size() <= max_bytes) return ReplaceControlCharacters(v);
  return ReplaceControlCharacters(v.substr(0, max_bytes)) + "...";
}

}  // namespace ar
