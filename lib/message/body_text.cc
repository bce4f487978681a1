#include "message/body_text.h"

#include <optional>
#include <vector>

#include "core/strings.h"
#include "message/charset.h"
#include "message/html_text.h"
#include "message/transfer_decoding.h"
#include "message/utf8.h"

namespace ar {
namespace {

// One parameter value starting at value[i] (after '='): a quoted string
// (RFC 2045 section 5.1, with backslash escapes) or a token.
std::string ParameterValue(std::string_view value, size_t* i) {
  std::string out;
  size_t p = *i;
  while (p < value.size() && (value[p] == ' ' || value[p] == '\t')) ++p;
  if (p < value.size() && value[p] == '"') {
    ++p;
    while (p < value.size() && value[p] != '"') {
      if (value[p] == '\\' && p + 1 < value.size()) ++p;
      out.push_back(value[p++]);
    }
    if (p < value.size()) ++p;  // the closing quote
  } else {
    while (p < value.size() && value[p] != ';') out.push_back(value[p++]);
    out = std::string(Trim(out));
  }
  *i = p;
  return out;
}

struct Part {
  Message headers;
  std::string_view body;
};

// Splits "headers CRLF CRLF body" (LF alone accepted as well).
Part SplitPart(std::string_view entity) {
  Part part;
  size_t pos = 0;
  std::string name;
  std::string value;
  bool have_field = false;
  auto flush = [&] {
    if (have_field) part.headers.AddHeader(name, value);
    have_field = false;
  };
  while (pos < entity.size()) {
    size_t end = entity.find('\n', pos);
    const size_t next = end == std::string_view::npos ? entity.size() : end + 1;
    std::string_view line = entity.substr(pos, (end == std::string_view::npos ? entity.size() : end) - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = next;
    if (line.empty()) break;  // the blank line that ends the header section
    if (line[0] == ' ' || line[0] == '\t') {
      if (have_field) value.append(" ").append(Trim(line));
      continue;
    }
    flush();
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;  // not a field; skipped
    name = std::string(Trim(line.substr(0, colon)));
    value = std::string(Trim(line.substr(colon + 1)));
    have_field = true;
  }
  flush();
  part.body = entity.substr(std::min(pos, entity.size()));
  return part;
}

// The entities between "--boundary" delimiter lines (RFC 2046 section
// 5.1.1); the preamble and epilogue are not parts. A body cut short keeps
// its unterminated last part.
std::vector<std::string_view> SplitMultipart(std::string_view body, const std::string& boundary) {
  std::vector<std::string_view> parts;
  const std::string delimiter = "--" + boundary;
  size_t part_start = std::string_view::npos;
  size_t pos = 0;
  while (pos < body.size() && parts.size() < kMaxMimeParts) {
    size_t end = body.find('\n', pos);
    const size_t next = end == std::string_view::npos ? body.size() : end + 1;
    std::string_view line = body.substr(pos, (end == std::string_view::npos ? body.size() : end) - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() >= delimiter.size() && line.compare(0, delimiter.size(), delimiter) == 0) {
      const std::string_view rest = Trim(line.substr(delimiter.size()));
      if (rest.empty() || rest == "--") {
        if (part_start != std::string_view::npos) {
          parts.push_back(body.substr(part_start, pos - part_start));
        }
        part_start = rest.empty() ? next : std::string_view::npos;
        if (!rest.empty()) return parts;  // the close delimiter
      }
    }
    pos = next;
  }
  if (part_start != std::string_view::npos && part_start < body.size() &&
      parts.size() < kMaxMimeParts) {
    parts.push_back(body.substr(part_start));
  }
  return parts;
}

bool IsAttachment(const Message& headers) {
  const std::optional<std::string_view> disposition = headers.First("Content-Disposition");
  if (!disposition) return false;
  const std::string_view kind = Trim(disposition->substr(0, disposition->find(';')));
  return EqualsIgnoreCase(kind, "attachment");
}

std::string ToUtf8(const std::string& charset, const std::string& bytes) {
  if (!charset.empty()) {
    if (std::optional<std::string> converted = ConvertToUtf8(charset, bytes)) return *converted;
  }
  // No charset, or one iconv does not know: keep what is valid UTF-8
  // (US-ASCII is), every other byte becomes U+FFFD.
  std::string out;
  AppendSanitizedUtf8(bytes, &out);
  return out;
}

class TextCollector {
 public:
  explicit TextCollector(size_t max_bytes) : max_bytes_(max_bytes) {}

  void Walk(const Message& headers, std::string_view body, size_t depth) {
    if (Full() || parts_seen_ >= kMaxMimeParts) return;
    ++parts_seen_;
    if (IsAttachment(headers)) return;
    const std::optional<std::string_view> type_value = headers.First("Content-Type");
    const ContentType type = ParseContentType(type_value ? *type_value : std::string_view());
    if (type.type == "multipart") {
      if (depth >= kMaxMimeDepth || type.boundary.empty()) return;
      std::vector<Part> parts;
      for (std::string_view entity : SplitMultipart(body, type.boundary)) {
        parts.push_back(SplitPart(entity));
      }
      if (type.subtype == "alternative") {
        // One version of the same content: the plain text when there is one.
        const Part* chosen = nullptr;
        for (const char* wanted : {"plain", "html"}) {
          for (const Part& part : parts) {
            const std::optional<std::string_view> v = part.headers.First("Content-Type");
            const ContentType t = ParseContentType(v ? *v : std::string_view());
            if (chosen == nullptr && (t.type == "multipart" ||
                                      (t.type == "text" && t.subtype == wanted))) {
              chosen = &part;
            }
          }
        }
        if (chosen != nullptr) Walk(chosen->headers, chosen->body, depth + 1);
        return;
      }
      for (const Part& part : parts) Walk(part.headers, part.body, depth + 1);
      return;
    }
    if (type.type != "text" || (type.subtype != "plain" && type.subtype != "html")) return;
    const std::optional<std::string_view> encoding = headers.First("Content-Transfer-Encoding");
    const std::string decoded =
        DecodeTransferEncoding(encoding ? *encoding : std::string_view(), body);
    std::string text = ToUtf8(type.charset, decoded);
    if (type.subtype == "html") text = RenderHtmlAsText(text);
    Append(text);
  }

  std::string Take() { return std::move(text_); }

 private:
  bool Full() const { return text_.size() >= max_bytes_; }

  void Append(const std::string& text) {
    if (text.empty()) return;
    if (!text_.empty()) text_.push_back('\n');
    text_.append(text, 0, std::min(text.size(), max_bytes_ + 4));
    // Cut on a character boundary, never inside a UTF-8 sequence.
    if (text_.size() > max_bytes_) TruncateUtf8(&text_, max_bytes_);
  }

  size_t max_bytes_;
  size_t parts_seen_ = 0;
  std::string text_;
};

}  // namespace

ContentType ParseContentType(std::string_view value) {
  ContentType result;
  const size_t semicolon = value.find(';');
  const std::string_view media = Trim(value.substr(0, semicolon));
  const size_t slash = media.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == media.size()) {
    return result;  // absent or unreadable: text/plain (RFC 2045 section 5.2)
  }
  result.type = ToLowerAscii(Trim(media.substr(0, slash)));
  result.subtype = ToLowerAscii(Trim(media.substr(slash + 1)));
  size_t i = semicolon == std::string_view::npos ? value.size() : semicolon + 1;
  while (i < value.size()) {
    const size_t eq = value.find('=', i);
    if (eq == std::string_view::npos) break;
    const std::string name = ToLowerAscii(Trim(value.substr(i, eq - i)));
    size_t after = eq + 1;
    std::string parameter = ParameterValue(value, &after);
    if (name == "charset") result.charset = std::move(parameter);
    if (name == "boundary") result.boundary = std::move(parameter);
    const size_t next = value.find(';', after);
    if (next == std::string_view::npos) break;
    i = next + 1;
  }
  return result;
}

std::string ExtractBodyText(const Message& headers, std::string_view raw_body, size_t max_bytes) {
  TextCollector collector(max_bytes);
  collector.Walk(headers, raw_body, 0);
  return collector.Take();
}

}  // namespace ar
