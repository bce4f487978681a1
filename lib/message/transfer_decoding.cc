#include "message/transfer_decoding.h"

#include "core/strings.h"

namespace ar {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;  // lower case is wrong but common
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

}  // namespace

std::string DecodeQuotedPrintable(std::string_view encoded) {
  std::string out;
  out.reserve(encoded.size());
  for (size_t i = 0; i < encoded.size(); ++i) {
    const char c = encoded[i];
    if (c != '=') {
      out.push_back(c);
      continue;
    }
    // A soft line break: "=" then optional transport padding, then CRLF or LF.
    size_t j = i + 1;
    while (j < encoded.size() && (encoded[j] == ' ' || encoded[j] == '\t')) ++j;
    if (j < encoded.size() && (encoded[j] == '\r' || encoded[j] == '\n')) {
      if (encoded[j] == '\r' && j + 1 < encoded.size() && encoded[j + 1] == '\n') ++j;
      i = j;
      continue;
    }
    if (j == encoded.size()) break;  // "=" at the very end: a soft break
    if (i + 2 < encoded.size()) {
      const int high = HexValue(encoded[i + 1]);
      const int low = HexValue(encoded[i + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    out.push_back('=');
  }
  return out;
}

std::string DecodeBase64(std::string_view encoded) {
  std::string out;
  out.reserve(encoded.size() / 4 * 3);
  unsigned buffer = 0;
  int bits = 0;
  for (char c : encoded) {
    if (c == '=') break;
    const int value = Base64Value(c);
    if (value < 0) continue;
    buffer = (buffer << 6) | static_cast<unsigned>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  return out;
}

std::string DecodeTransferEncoding(std::string_view encoding, std::string_view body) {
  const std::string_view name = Trim(encoding);
  if (EqualsIgnoreCase(name, "base64")) return DecodeBase64(body);
  if (EqualsIgnoreCase(name, "quoted-printable")) return DecodeQuotedPrintable(body);
  return std::string(body);
}

}  // namespace ar
