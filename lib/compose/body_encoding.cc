#include "compose/body_encoding.h"

#include <vector>

namespace ar {

namespace {

// RFC 2045 section 6.7 rule 5: encoded lines are at most 76 characters,
// not counting the CRLF.
constexpr size_t kMaxLine = 76;

std::vector<std::string_view> SplitCrLfLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (true) {
    const size_t end = text.find("\r\n", start);
    if (end == std::string_view::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

bool IsReadableAsIs(std::string_view canonical) {
  // "=_" is how our multipart boundaries begin (message_assembly.cc); a body
  // that contains it must be encoded so the boundary cannot occur in it.
  if (canonical.find("=_") != std::string_view::npos) return false;
  for (std::string_view line : SplitCrLfLines(canonical)) {
    if (line.size() > kMaxLine) return false;
    if (!line.empty() && (line.back() == ' ' || line.back() == '\t')) return false;
    // An mbox writer would turn a "From " line into ">From ".
    if (line.substr(0, 5) == "From ") return false;
    for (char c : line) {
      const auto u = static_cast<unsigned char>(c);
      if (u != '\t' && (u < 0x20 || u > 0x7E)) return false;
    }
  }
  return true;
}

void AppendEscape(std::string& out, unsigned char u) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out += '=';
  out += kHex[u >> 4];
  out += kHex[u & 0x0F];
}

// One hard line, quoted-printable, with soft breaks. Each octet becomes a
// token of 1 or 3 characters; a soft break goes in before the token that
// would pass 75 characters (the 76th is the "=" of the soft break).
void AppendQuotedLine(std::string& out, std::string_view line) {
  size_t column = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    const auto u = static_cast<unsigned char>(line[i]);
    const bool last = i + 1 == line.size();
    std::string token;
    // Rule 3: white space at the end of a line is encoded, since transports
    // may strip it. Rule 2: printable ASCII but "=" stays literal. "From "
    // at the start of a line is protected from mbox quoting.
    const bool literal = ((u >= 0x21 && u <= 0x7E && u != '=') ||
                          ((u == ' ' || u == '\t') && !last)) &&
                         !(i == 0 && u == 'F' && line.substr(0, 5) == "From ");
    if (literal) {
      token.assign(1, static_cast<char>(u));
    } else {
      AppendEscape(token, u);
    }
    // Keep a multi-octet UTF-8 character on one line where it fits, so a
    // reader sees whole characters' escapes together.
    size_t need = token.size();
    if (u >= 0xC0) {
      size_t extra = u >= 0xF0 ? 3 : u >= 0xE0 ? 2 : 1;
      if (i + extra < line.size()) need = 3 * (extra + 1);
    }
    const size_t limit = last ? kMaxLine : kMaxLine - 1;
    if (column + need > limit && column > 0) {
      out += "=\r\n";
      column = 0;
    }
    out += token;
    column += token.size();
  }
}

}  // namespace

EncodedBody EncodeTextBody(std::string_view canonical) {
  EncodedBody body;
  if (IsReadableAsIs(canonical)) {
    body.mechanism = "7bit";
    body.text = std::string(canonical);
    return body;
  }
  body.mechanism = "quoted-printable";
  const std::vector<std::string_view> lines = SplitCrLfLines(canonical);
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) body.text += "\r\n";
    AppendQuotedLine(body.text, lines[i]);
  }
  return body;
}

}  // namespace ar
