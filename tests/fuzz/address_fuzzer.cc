// Fuzzes address handling (message/address.h): ParseAddressList on the input
// as a header value, and the single-address functions on the input and on
// every address the parser returns, with the properties the rest of the
// program relies on (a safe address cannot carry a line break; normalising is
// idempotent; a plain dot-atom address survives a parse round trip).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "message/address.h"
#include "tests/fuzz/fuzz_property.h"

namespace ar {
namespace {

using fuzz::IsValidUtf8;
using fuzz::Require;

bool HasUpperAscii(std::string_view text) {
  for (char c : text) {
    if (c >= 'A' && c <= 'Z') return true;
  }
  return false;
}

// RFC 5322 dot-atom text with one '@' and text on both sides: the form every
// parser must give back unchanged. Within the parser's bounds: at most 254
// octets (RFC 5321 section 4.5.3.1.3) and 128 tokens, each '.' being one.
bool IsPlainAddress(std::string_view address) {
  if (address.size() > 254) return false;
  if (std::count(address.begin(), address.end(), '.') > 48) return false;
  static constexpr std::string_view kAtext =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_{|}~-";
  const size_t at = address.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size()) return false;
  if (address.find('@', at + 1) != std::string_view::npos) return false;
  for (std::string_view part : {address.substr(0, at), address.substr(at + 1)}) {
    if (part.front() == '.' || part.back() == '.') return false;
    if (part.find("..") != std::string_view::npos) return false;
    for (char c : part) {
      if (c != '.' && kAtext.find(c) == std::string_view::npos) return false;
    }
  }
  return true;
}

void CheckSingleAddress(std::string_view address) {
  if (IsSafeAddress(address)) {
    Require(address.find_first_of(std::string_view("\r\n\0 \t", 5)) == std::string_view::npos,
            "a safe address has no line break, NUL or blank");
    Require(address.size() <= 254, "a safe address fits in 254 octets");
    const size_t at = address.find('@');
    Require(at != std::string_view::npos && at > 0 && at + 1 < address.size(),
            "a safe address has text on both sides of '@'");
    Require(address.find('@', at + 1) == std::string_view::npos, "a safe address has one '@'");
  }

  const std::string normalized = NormalizeAddress(address);
  Require(!HasUpperAscii(normalized), "a normalized address is lower case");
  Require(NormalizeAddress(normalized) == normalized, "NormalizeAddress is idempotent");

  const std::string dedupe = NormalizeSenderForDedupe(address);
  Require(!HasUpperAscii(dedupe), "a dedupe key is lower case");
  Require(dedupe.size() <= normalized.size(), "a dedupe key is never longer than the address");
  if (IsSafeAddress(address)) {
    Require(dedupe.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos,
            "the dedupe key of a safe address has no line break or NUL");
  }

  const std::string domain = DomainOf(address);
  Require(!HasUpperAscii(domain), "a domain is lower case");
  if (address.find('@') == std::string_view::npos) Require(domain.empty(), "no '@', no domain");
  Require(domain.find('@') == std::string::npos, "a domain has no '@'");

  const std::string local = LocalPartOf(address);
  Require(address.substr(0, local.size()) == local, "the local part is a prefix of the address");
}

void CheckRoundTrip(const std::string& address) {
  if (!IsPlainAddress(address)) return;
  for (const std::string& written :
       {address, "<" + address + ">", "Some One <" + address + ">", "\"One, Some\" <" + address + ">",
        address + " (Some One)", "team: " + address + ";"}) {
    const std::vector<Mailbox> parsed = ParseAddressList(written);
    Require(parsed.size() == 1 && parsed[0].address == address,
            "a plain address parses back unchanged");
  }
}

}  // namespace
}  // namespace ar

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ar;
  const std::string_view text = fuzz::AsText(data, size);

  const std::vector<Mailbox> mailboxes = ParseAddressList(text);
  Require(mailboxes.size() <= kMaxMailboxes, "an address list is bounded");
  for (const Mailbox& mailbox : mailboxes) {
    Require(!mailbox.address.empty(), "no mailbox with an empty address");
    Require(IsValidUtf8(mailbox.display_name), "a display name is valid UTF-8");
    CheckSingleAddress(mailbox.address);
    CheckRoundTrip(mailbox.address);
  }

  // Inputs past a few KB only repeat what the list parse above covered.
  if (size <= 4096) {
    CheckSingleAddress(text);
    CheckRoundTrip(std::string(text));
  }
  return 0;
}
