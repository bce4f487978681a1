#include "sequence/tokens.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

#include "core/strings.h"
#include "message/address.h"
#include "sequence/base32.h"

namespace ar {

namespace {

constexpr size_t kPersonTokenLength = 16;

// HMAC-SHA-256(key, message) as base32, or "" when OpenSSL refuses (out of
// memory, or a FIPS provider rejecting a short key). Callers turn "" into a
// token or code that never verifies, never into a predictable one.
std::string HmacSha256Base32(std::string_view key, std::string_view message) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  // An empty string_view may carry a null data(); OpenSSL reads a null key
  // as "reuse the previous key", so always hand it a real pointer.
  static const unsigned char kEmpty[1] = {0};
  const void* key_data = key.empty() ? static_cast<const void*>(kEmpty) : key.data();
  const unsigned char* data =
      message.empty() ? kEmpty : reinterpret_cast<const unsigned char*>(message.data());
  if (HMAC(EVP_sha256(), key_data, static_cast<int>(key.size()), data, message.size(),
           digest.data(), &length) == nullptr ||
      length == 0) {
    return "";
  }
  return Base32Encode(std::string_view(reinterpret_cast<const char*>(digest.data()), length));
}

// Domain separation: each use prefixes its own label and NUL-separates its
// fields, so no person/sequence/step split can collide with another.
std::string CouponMac(std::string_view key, std::string_view person, std::string_view sequence,
                      std::string_view step) {
  std::string message("coupon");
  message.push_back('\0');
  message += NormalizeAddress(person);
  message.push_back('\0');
  message += sequence;
  message.push_back('\0');
  message += step;
  return HmacSha256Base32(key, message);
}

char ToUpperAscii(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

}  // namespace

std::string PersonToken(std::string_view key, std::string_view person) {
  std::string message("person");
  message.push_back('\0');
  message += NormalizeAddress(person);
  return HmacSha256Base32(key, message).substr(0, kPersonTokenLength);
}

std::string ConfirmToken(std::string_view key, std::string_view person,
                         std::string_view sequence) {
  std::string message("confirm");
  message.push_back('\0');
  message += NormalizeAddress(person);
  message.push_back('\0');
  message += sequence;
  return HmacSha256Base32(key, message).substr(0, kPersonTokenLength);
}

std::string Coupon(std::string_view key, std::string_view person, std::string_view sequence,
                   std::string_view step, std::string_view format) {
  const std::string mac = CouponMac(key, person, sequence, step);
  if (mac.empty()) return "";
  std::string code;
  code.reserve(format.size());
  size_t used = 0;
  for (char c : format) {
    if (c != 'X') {
      code.push_back(c);
      continue;
    }
    // 256 bits give 52 base32 characters; a format asking for more is cut
    // here rather than repeating characters, which would add no strength.
    if (used == mac.size()) break;
    code.push_back(mac[used++]);
  }
  return code;
}

bool VerifyCoupon(std::string_view key, std::string_view code, std::string_view person,
                  std::string_view sequence, std::string_view step, std::string_view format) {
  const std::string expected = Coupon(key, person, sequence, step, format);
  // A format without an 'X' carries no secret: nothing to verify.
  if (format.find('X') == std::string_view::npos) return false;
  if (expected.empty() || code.size() != expected.size()) return false;
  // People type codes back in lower case; the generated characters are
  // upper-case base32, so fold those positions (only) before comparing.
  std::string typed(code);
  for (size_t i = 0; i < typed.size() && i < format.size(); ++i) {
    if (format[i] == 'X') typed[i] = ToUpperAscii(typed[i]);
  }
  // Constant time: the comparison must not tell an attacker how many leading
  // characters of a guess were right.
  return CRYPTO_memcmp(typed.data(), expected.data(), expected.size()) == 0;
}

std::string TaggedAddress(std::string_view local, std::string_view token, std::string_view domain) {
  std::string address(local);
  address.push_back('+');
  address += token;
  address.push_back('@');
  address += domain;
  return address;
}

std::optional<std::string> TokenFromTaggedAddress(std::string_view address,
                                                  std::string_view local) {
  std::string_view a = Trim(address);
  if (a.size() >= 2 && a.front() == '<' && a.back() == '>') a = a.substr(1, a.size() - 2);
  const size_t at = a.rfind('@');
  if (at == std::string_view::npos || at + 1 == a.size() || local.empty()) return std::nullopt;
  const std::string_view local_part = a.substr(0, at);
  if (local_part.size() != local.size() + 1 + kPersonTokenLength) return std::nullopt;
  if (!EqualsIgnoreCase(local_part.substr(0, local.size()), local)) return std::nullopt;
  if (local_part[local.size()] != '+') return std::nullopt;
  const std::string_view token = local_part.substr(local.size() + 1);
  if (!IsBase32(token)) return std::nullopt;
  std::string upper(token);
  for (char& c : upper) c = ToUpperAscii(c);
  return upper;
}

}  // namespace ar
