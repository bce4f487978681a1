#include "compose/encoded_word.h"

#include <vector>

namespace ar {

namespace {

// RFC 2047 section 2: an encoded word is at most 75 octets, and a line that
// holds encoded words at most 76. RFC 5322 section 2.1.1: lines SHOULD be at
// most 78 octets and MUST be at most 998.
constexpr size_t kMaxEncodedWord = 75;
constexpr size_t kMaxEncodedLine = 76;
constexpr size_t kPreferredLine = 78;
constexpr size_t kMaxLine = 998;

constexpr std::string_view kWordPrefix = "=?UTF-8?B?";
constexpr std::string_view kWordSuffix = "?=";
constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD

constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Plain base64 of a few bytes. The body codecs come from mimetic, but an
// encoded word needs the bytes of exactly one word without line breaks, which
// is simpler to write than to coax out of mimetic's line-oriented encoder.
std::string Base64(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    const size_t n = std::min<size_t>(3, bytes.size() - i);
    uint32_t v = 0;
    for (size_t k = 0; k < 3; ++k)
      v = (v << 8) | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0u);
    out += kBase64Alphabet[(v >> 18) & 0x3F];
    out += kBase64Alphabet[(v >> 12) & 0x3F];
    out += n > 1 ? kBase64Alphabet[(v >> 6) & 0x3F] : '=';
    out += n > 2 ? kBase64Alphabet[v & 0x3F] : '=';
  }
  return out;
}

// Payload bytes that fit in an encoded word of at most word_octets octets.
size_t PayloadBytesFor(size_t word_octets) {
  const size_t overhead = kWordPrefix.size() + kWordSuffix.size();
  if (word_octets <= overhead) return 0;
  return (word_octets - overhead) / 4 * 3;
}

// Length of the character at text[0] for cutting purposes: a well-formed
// sequence, or one byte when the input is broken.
size_t CharacterLength(std::string_view text) {
  const size_t n = Utf8SequenceLength(text);
  return n == 0 ? 1 : n;
}

bool NeedsEncoding(std::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u != '\t' && (u < 0x20 || u > 0x7E)) return true;
  }
  // Plain text that looks like an encoded word would be decoded by the
  // reader (RFC 2047 section 6.1), so it is encoded to survive as written.
  return text.find("=?") != std::string_view::npos;
}

bool IsWsp(char c) { return c == ' ' || c == '\t'; }

// Folds printable ASCII before whitespace so lines stay within 78 octets
// where the words allow it (RFC 5322 section 3.2.2). Returns "" with
// *too_long set when some word would push a line past 998 octets.
std::string FoldPlain(std::string_view text, size_t first_line_used, bool* too_long) {
  std::string out;
  size_t line = first_line_used;
  size_t i = 0;
  *too_long = false;
  while (i < text.size()) {
    // A token is a run of whitespace followed by a run of non-whitespace.
    size_t j = i;
    while (j < text.size() && IsWsp(text[j])) ++j;
    const bool has_word = j < text.size();
    while (j < text.size() && !IsWsp(text[j])) ++j;
    const std::string_view token = text.substr(i, j - i);
    // Fold only before whitespace that is followed by a word, so no line
    // is made of whitespace alone.
    if (line + token.size() > kPreferredLine && IsWsp(token.front()) && has_word && i > 0) {
      out += "\r\n";
      line = 0;
    }
    out += token;
    line += token.size();
    if (line > kMaxLine) {
      *too_long = true;
      return "";
    }
    i = j;
  }
  return out;
}

std::string EncodeWords(std::string_view text, size_t first_line_used) {
  std::string out;
  size_t line_used = first_line_used;
  size_t i = 0;
  while (i < text.size()) {
    size_t room =
        std::min(kMaxEncodedWord, kMaxEncodedLine > line_used ? kMaxEncodedLine - line_used : 0);
    size_t payload = PayloadBytesFor(room);
    // Never split a character between two words (section 5 rule 3): when
    // not even the next character fits on this line, start a new one.
    if (payload < CharacterLength(text.substr(i))) {
      out += "\r\n ";
      line_used = 1;
      continue;
    }
    size_t end = i;
    while (end < text.size()) {
      const size_t n = CharacterLength(text.substr(end));
      if (end - i + n > payload) break;
      end += n;
    }
    const std::string word =
        std::string(kWordPrefix) + Base64(text.substr(i, end - i)) + std::string(kWordSuffix);
    out += word;
    line_used += word.size();
    i = end;
    if (i < text.size()) {
      out += "\r\n ";
      line_used = 1;
    }
  }
  return out;
}

}  // namespace

std::string EncodeAsWords(std::string_view utf8, size_t used_on_first_line) {
  return EncodeWords(RepairUtf8(NeutralizeControls(utf8)), used_on_first_line);
}

size_t Utf8SequenceLength(std::string_view text) {
  if (text.empty()) return 0;
  const auto b0 = static_cast<unsigned char>(text[0]);
  if (b0 < 0x80) return 1;
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    if (b0 == 0xE0) lo = 0xA0;  // no overlongs
    if (b0 == 0xED) hi = 0x9F;  // no UTF-16 surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    if (b0 == 0xF0) lo = 0x90;  // no overlongs
    if (b0 == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (text.size() < n) return 0;
  const auto b1 = static_cast<unsigned char>(text[1]);
  if (b1 < lo || b1 > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    const auto b = static_cast<unsigned char>(text[k]);
    if (b < 0x80 || b > 0xBF) return 0;
  }
  return n;
}

std::string RepairUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const size_t n = Utf8SequenceLength(text.substr(i));
    if (n == 0) {
      out += kReplacementCharacter;
      ++i;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string TruncateUtf8(std::string_view utf8, size_t max_bytes) {
  size_t end = 0;
  while (end < utf8.size()) {
    const size_t n = CharacterLength(utf8.substr(end));
    if (end + n > max_bytes) break;
    end += n;
  }
  return std::string(utf8.substr(0, end));
}

std::string TruncateUtf8Characters(std::string_view utf8, size_t max_chars) {
  size_t end = 0;
  for (size_t count = 0; end < utf8.size() && count < max_chars; ++count)
    end += CharacterLength(utf8.substr(end));
  return std::string(utf8.substr(0, end));
}

std::string NeutralizeControls(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 && u != '\t') c = ' ';
  }
  return out;
}

std::string EncodeHeaderText(std::string_view utf8, size_t header_name_length) {
  // Controls are neutralized here too, so that no caller can add a header
  // line by passing text that still holds CR or LF.
  const std::string text = RepairUtf8(NeutralizeControls(utf8));
  const size_t first_line_used = header_name_length + 2;  // "Name: "
  if (!NeedsEncoding(text)) {
    bool too_long = false;
    std::string folded = FoldPlain(text, first_line_used, &too_long);
    if (!too_long) return folded;
  }
  return EncodeWords(text, first_line_used);
}

}  // namespace ar
