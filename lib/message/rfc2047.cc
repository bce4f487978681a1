#include "message/rfc2047.h"

#include <optional>

#include "message/charset.h"
#include "message/utf8.h"

namespace ar {
namespace {

// RFC 2047 section 2 limits an encoded word to 75 characters; real mail
// exceeds that for the text, but a charset name never needs more.
constexpr size_t kMaxCharsetChars = 75;

bool IsLinearWhitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool IsAllLinearWhitespace(std::string_view s) {
  for (char c : s) {
    if (!IsLinearWhitespace(c)) return false;
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// RFC 2047 section 4.2: "_" is SP, "=XX" an octet, other characters stand
// for themselves.
std::optional<std::string> DecodeQ(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '_') {
      out.push_back(' ');
    } else if (c == '=') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = HexValue(text[i + 1]);
      const int lo = HexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// RFC 2047 section 4.1 (base64 per RFC 2045 section 6.8). Missing padding is
// tolerated because several mailers omit it; anything else malformed makes
// the whole word undecodable.
std::optional<std::string> DecodeB(std::string_view text) {
  size_t end = text.size();
  size_t padding = 0;
  while (end > 0 && text[end - 1] == '=' && padding < 2) {
    --end;
    ++padding;
  }
  if (end % 4 == 1) return std::nullopt;
  if (padding > 0 && text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(end * 3 / 4);
  unsigned int accumulator = 0;
  int bits = 0;
  for (size_t i = 0; i < end; ++i) {
    const int v = Base64Value(text[i]);
    if (v < 0) return std::nullopt;
    accumulator = (accumulator << 6) | static_cast<unsigned int>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((accumulator >> bits) & 0xFF));
    }
  }
  return out;
}

struct EncodedWord {
  size_t end = 0;  // index just past the closing "?="
  std::string utf8;
};

// Parses and decodes the encoded word "=?charset?enc?text?=" starting at
// raw[start]. Returns nullopt when there is no well-formed word there or it
// cannot be decoded; the caller then keeps the bytes as written.
std::optional<EncodedWord> DecodeEncodedWordAt(std::string_view raw, size_t start) {
  size_t i = start + 2;
  const size_t charset_begin = i;
  while (i < raw.size() && raw[i] != '?') {
    const char c = raw[i];
    if (IsLinearWhitespace(c) || i - charset_begin >= kMaxCharsetChars) return std::nullopt;
    ++i;
  }
  if (i + 2 >= raw.size() || raw[i + 2] != '?') return std::nullopt;
  std::string_view charset = raw.substr(charset_begin, i - charset_begin);
  // RFC 2231 section 5: "charset*language"; the language is not needed.
  if (const size_t star = charset.find('*'); star != std::string_view::npos) {
    charset = charset.substr(0, star);
  }
  const char encoding = raw[i + 1];
  i += 3;
  const size_t text_begin = i;
  // Encoded text has no "?" and no white space (RFC 2047 section 5), so this
  // scan ends at the next "?" at the latest: scans from different starts do
  // not overlap and decoding stays linear in the input.
  while (i < raw.size() && raw[i] != '?') {
    const auto c = static_cast<unsigned char>(raw[i]);
    if (c <= ' ' || c >= 0x7F) return std::nullopt;
    ++i;
  }
  if (i + 1 >= raw.size() || raw[i + 1] != '=') return std::nullopt;
  const std::string_view text = raw.substr(text_begin, i - text_begin);

  std::optional<std::string> bytes;
  if (encoding == 'B' || encoding == 'b') {
    bytes = DecodeB(text);
  } else if (encoding == 'Q' || encoding == 'q') {
    bytes = DecodeQ(text);
  }
  if (!bytes) return std::nullopt;
  std::optional<std::string> utf8 = ConvertToUtf8(charset, *bytes);
  if (!utf8) return std::nullopt;
  return EncodedWord{i + 2, std::move(*utf8)};
}

void ReplaceControlCharacters(std::string* text) {
  for (char& c : *text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7F) c = ' ';
  }
}

}  // namespace

std::string DecodeHeaderText(std::string_view raw) {
  std::string out;
  size_t copied_up_to = 0;  // raw[copied_up_to, ...) has not been emitted yet
  bool previous_was_encoded = false;
  size_t search_from = 0;
  while (out.size() <= kMaxDecodedTextBytes) {
    const size_t start = raw.find("=?", search_from);
    if (start == std::string_view::npos) break;
    std::optional<EncodedWord> word = DecodeEncodedWordAt(raw, start);
    if (!word) {
      search_from = start + 1;
      continue;
    }
    const std::string_view gap = raw.substr(copied_up_to, start - copied_up_to);
    // RFC 2047 section 6.2: white space between adjacent encoded words is
    // not displayed, which is how long text is split across several words.
    if (!(previous_was_encoded && IsAllLinearWhitespace(gap))) {
      AppendSanitizedUtf8(gap.substr(0, kMaxDecodedTextBytes + 4), &out);
    }
    out.append(word->utf8);
    previous_was_encoded = true;
    copied_up_to = word->end;
    search_from = word->end;
  }
  if (out.size() <= kMaxDecodedTextBytes && copied_up_to < raw.size()) {
    // Only as much of the tail as can still fit (sanitising may triple it).
    AppendSanitizedUtf8(raw.substr(copied_up_to, kMaxDecodedTextBytes + 4), &out);
  }
  TruncateUtf8(&out, kMaxDecodedTextBytes);
  ReplaceControlCharacters(&out);
  return out;
}

}  // namespace ar
