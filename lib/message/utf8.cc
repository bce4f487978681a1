#include "message/utf8.h"

namespace ar {
namespace {

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Length of the well-formed sequence starting at in[i], or 0 when the bytes
// there are not a valid UTF-8 sequence (Unicode 15, table 3-7).
size_t ValidSequenceLength(std::string_view in, size_t i) {
  const auto c0 = static_cast<unsigned char>(in[i]);
  if (c0 < 0x80) return 1;
  size_t len;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (c0 >= 0xC2 && c0 <= 0xDF) {
    len = 2;
  } else if (c0 >= 0xE0 && c0 <= 0xEF) {
    len = 3;
    if (c0 == 0xE0) lo = 0xA0;  // overlong
    if (c0 == 0xED) hi = 0x9F;  // surrogates
  } else if (c0 >= 0xF0 && c0 <= 0xF4) {
    len = 4;
    if (c0 == 0xF0) lo = 0x90;  // overlong
    if (c0 == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (in.size() - i < len) return 0;
  const auto c1 = static_cast<unsigned char>(in[i + 1]);
  if (c1 < lo || c1 > hi) return 0;
  for (size_t k = 2; k < len; ++k) {
    if (!IsContinuation(static_cast<unsigned char>(in[i + k]))) return 0;
  }
  return len;
}

}  // namespace

void AppendSanitizedUtf8(std::string_view in, std::string* out) {
  size_t i = 0;
  while (i < in.size()) {
    const size_t len = ValidSequenceLength(in, i);
    if (len == 0) {
      out->append(kReplacementCharacter);
      ++i;
    } else {
      out->append(in.substr(i, len));
      i += len;
    }
  }
}

void TruncateUtf8(std::string* text, size_t max_bytes) {
  if (text->size() <= max_bytes) return;
  size_t cut = max_bytes;
  // Step back over continuation bytes so the cut lands on a sequence start.
  while (cut > 0 && IsContinuation(static_cast<unsigned char>((*text)[cut]))) --cut;
  text->resize(cut);
}

}  // namespace ar
