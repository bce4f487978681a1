#include "message/message_text.h"

namespace ar {

namespace {

// RFC 5322 section 3.6.8: printable US-ASCII except ':'.
bool IsFieldName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 33 || u > 126 || c == ':') return false;
  }
  return true;
}

}  // namespace

Result<MessageText> ParseMessageText(std::string_view text, Envelope envelope) {
  MessageText out{Message(std::move(envelope)), ""};
  std::string name;
  std::string value;
  bool have_field = false;
  size_t fields = 0;
  size_t pos = 0;
  size_t line_number = 0;
  const auto flush = [&] {
    if (have_field) out.message.AddHeader(name, value);
    have_field = false;
  };
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    const size_t next = end == std::string_view::npos ? text.size() : end + 1;
    std::string_view line =
        text.substr(pos, (end == std::string_view::npos ? text.size() : end) - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = next;
    ++line_number;
    if (line.empty()) break;                                        // the header section ends
    if (line_number == 1 && line.rfind("From ", 0) == 0) continue;  // mbox separator
    if (line.front() == ' ' || line.front() == '\t') {
      if (!have_field) {
        return Status::InvalidArgument("line " + std::to_string(line_number) +
                                       ": continuation line without a header field");
      }
      value += "\r\n";
      value += line;
      continue;
    }
    const size_t colon = line.find(':');
    std::string_view field_name = colon == std::string_view::npos ? line : line.substr(0, colon);
    // "Name :" (obsolete syntax, RFC 5322 section 4.5) is still a field.
    while (!field_name.empty() && (field_name.back() == ' ' || field_name.back() == '\t'))
      field_name.remove_suffix(1);
    if (colon == std::string_view::npos || !IsFieldName(field_name)) {
      return Status::InvalidArgument("line " + std::to_string(line_number) +
                                     ": not a header field and no empty line before it");
    }
    flush();
    name = std::string(field_name);
    value = std::string(line.substr(colon + 1));
    have_field = true;
    ++fields;
  }
  flush();
  if (fields == 0) return Status::InvalidArgument("no header fields");
  if (pos < text.size()) out.body = std::string(text.substr(pos));
  return out;
}

}  // namespace ar
