#include "message/charset.h"

#include <errno.h>
#include <iconv.h>

#include <array>
#include <utility>

#include "core/strings.h"
#include "message/utf8.h"

namespace ar {
namespace {

// Charset names seen in real mail that iconv knows under another name, or
// that are subsets of a charset worth decoding as the superset (the
// superset decodes the subset identically and also what senders really
// put there, e.g. GBK bytes labelled gb2312).
constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kAliases = {{
    {"gb2312", "GB18030"},
    {"gbk", "GB18030"},
    {"ks_c_5601-1987", "CP949"},
    {"iso-8859-8-i", "ISO-8859-8"},
    {"x-unknown", ""},
    {"unknown-8bit", ""},
}};

// Charset names are registered tokens (RFC 2978); refuse anything else so
// that hostile names never reach iconv_open() (which also interprets
// "//TRANSLIT"-style suffixes).
bool IsPlausibleCharsetName(std::string_view name) {
  if (name.empty() || name.size() > 40) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.' || c == ':' || c == '+';
    if (!ok) return false;
  }
  return true;
}

bool IsUtf8Name(std::string_view name) {
  return EqualsIgnoreCase(name, "utf-8") || EqualsIgnoreCase(name, "utf8");
}

bool IsAsciiName(std::string_view name) {
  return EqualsIgnoreCase(name, "us-ascii") || EqualsIgnoreCase(name, "ascii");
}

// Owns one iconv descriptor.
class IconvHandle {
 public:
  explicit IconvHandle(const std::string& from) : cd_(iconv_open("UTF-8", from.c_str())) {}
  ~IconvHandle() {
    if (ok()) iconv_close(cd_);
  }
  IconvHandle(const IconvHandle&) = delete;
  IconvHandle& operator=(const IconvHandle&) = delete;

  bool ok() const { return cd_ != reinterpret_cast<iconv_t>(-1); }
  iconv_t get() const { return cd_; }

 private:
  iconv_t cd_;
};

}  // namespace

std::optional<std::string> ConvertToUtf8(std::string_view charset, std::string_view bytes) {
  if (!IsPlausibleCharsetName(charset)) return std::nullopt;
  std::string out;
  // UTF-8 and US-ASCII need no conversion, only validation. 8-bit bytes in
  // a word labelled us-ascii are most often UTF-8 anyway.
  if (IsUtf8Name(charset) || IsAsciiName(charset)) {
    AppendSanitizedUtf8(bytes, &out);
    return out;
  }
  std::string name(charset);
  for (const auto& [alias, real] : kAliases) {
    if (EqualsIgnoreCase(charset, alias)) {
      if (real.empty()) return std::nullopt;
      name = std::string(real);
      break;
    }
  }
  IconvHandle handle(name);
  if (!handle.ok()) return std::nullopt;

  std::string converted;
  std::array<char, 1024> buffer;
  char* in = const_cast<char*>(bytes.data());  // iconv(3) takes char** but does not write.
  size_t in_left = bytes.size();
  while (true) {
    char* dst = buffer.data();
    size_t dst_left = buffer.size();
    const size_t rc = iconv(handle.get(), in_left > 0 ? &in : nullptr, &in_left, &dst, &dst_left);
    converted.append(buffer.data(), buffer.size() - dst_left);
    if (rc != static_cast<size_t>(-1)) {
      if (in_left == 0) {
        // Flush any shift state (stateful charsets such as ISO-2022-JP).
        dst = buffer.data();
        dst_left = buffer.size();
        iconv(handle.get(), nullptr, nullptr, &dst, &dst_left);
        converted.append(buffer.data(), buffer.size() - dst_left);
        break;
      }
      continue;
    }
    if (errno == E2BIG) continue;
    if (errno == EILSEQ) {
      // Replace the offending byte and resynchronise after it.
      converted.append(kReplacementCharacter);
      ++in;
      --in_left;
      continue;
    }
    // EINVAL: the input ends inside a multi-byte sequence.
    converted.append(kReplacementCharacter);
    break;
  }
  // iconv's UTF-8 output is well formed, but validate anyway: the caller
  // relies on it and the cost is small.
  AppendSanitizedUtf8(converted, &out);
  return out;
}

}  // namespace ar
