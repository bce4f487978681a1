#include "message/message.h"

#include <algorithm>

namespace ar {
namespace {

bool IsWsp(char c) { return c == ' ' || c == '\t'; }

// RFC 5322 section 2.2.3: unfolding removes each CRLF that is immediately
// followed by WSP. MTAs hand milters bare LF as often as CRLF, so both are
// understood. A line break not followed by WSP cannot be part of a correctly
// folded value; it becomes a space rather than survive as a raw line break.
// Stops once `max_bytes` are produced so hostile values cost no more than
// the kept part.
std::string Unfold(std::string_view value, size_t max_bytes) {
  std::string out;
  out.reserve(std::min(value.size(), max_bytes));
  size_t i = 0;
  while (i < value.size() && out.size() < max_bytes) {
    const char c = value[i];
    if (c != '\r' && c != '\n') {
      out.push_back(c);
      ++i;
      continue;
    }
    size_t next = i + 1;
    if (c == '\r' && next < value.size() && value[next] == '\n') ++next;
    if (next < value.size() && IsWsp(value[next])) {
      i = next;  // the WSP itself is kept
    } else {
      if (next < value.size()) out.push_back(' ');  // a trailing line end is just dropped
      i = next;
    }
  }
  return out;
}

std::string_view StripLeadingWhitespace(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && (IsWsp(s[i]) || s[i] == '\r' || s[i] == '\n')) ++i;
  return s.substr(i);
}

// Cuts at most to `max_bytes` without splitting a UTF-8 sequence (RFC 6532
// headers may be UTF-8); for other 8-bit data the cut is harmless anyway.
void TruncateAtCharacterBoundary(std::string* s, size_t max_bytes) {
  if (s->size() <= max_bytes) return;
  size_t cut = max_bytes;
  for (int back = 0; back < 3 && cut > 0; ++back) {
    if ((static_cast<unsigned char>((*s)[cut]) & 0xC0) != 0x80) break;
    --cut;
  }
  if ((static_cast<unsigned char>((*s)[cut]) & 0xC0) == 0x80) cut = max_bytes;
  s->resize(cut);
}

}  // namespace

void Message::AddHeader(std::string_view name, std::string_view value) {
  if (headers_.size() >= kMaxHeaders) {
    ++dropped_headers_;
    return;
  }
  // One byte past the limit tells us whether truncation happened.
  std::string unfolded = Unfold(StripLeadingWhitespace(value), kMaxHeaderValueBytes + 1);
  if (unfolded.size() > kMaxHeaderValueBytes) {
    TruncateAtCharacterBoundary(&unfolded, kMaxHeaderValueBytes);
    ++truncated_headers_;
  }
  headers_.push_back(HeaderField{std::string(name), std::move(unfolded)});
}

bool Message::Has(std::string_view name) const { return First(name).has_value(); }

std::optional<std::string_view> Message::First(std::string_view name) const {
  for (const HeaderField& field : headers_) {
    if (EqualsIgnoreCase(field.name, name)) return std::string_view(field.value);
  }
  return std::nullopt;
}

std::vector<std::string_view> Message::All(std::string_view name) const {
  std::vector<std::string_view> values;
  for (const HeaderField& field : headers_) {
    if (EqualsIgnoreCase(field.name, name)) values.emplace_back(field.value);
  }
  return values;
}

}  // namespace ar
