#include "policy/addressing.h"

#include <array>

#include "core/strings.h"
#include "message/address.h"

namespace ar {

namespace {

constexpr std::array<std::string_view, 6> kRecipientHeaders = {
    "To", "Cc", "Bcc", "Resent-To", "Resent-Cc", "Resent-Bcc"};

// Index into user_addresses of the address equal to candidate, or npos.
size_t FindUserAddress(std::string_view candidate, const std::vector<std::string>& normalized) {
  if (candidate.empty()) return std::string::npos;
  std::string key = NormalizeAddress(candidate);
  for (size_t i = 0; i < normalized.size(); ++i) {
    if (!normalized[i].empty() && normalized[i] == key) return i;
  }
  return std::string::npos;
}

std::vector<std::string> NormalizeAll(const std::vector<std::string>& addresses) {
  std::vector<std::string> out;
  out.reserve(addresses.size());
  for (const std::string& a : addresses) out.push_back(NormalizeAddress(a));
  return out;
}

}  // namespace

bool IsRecipientHeader(std::string_view name) {
  for (std::string_view header : kRecipientHeaders) {
    if (EqualsIgnoreCase(name, header)) return true;
  }
  return false;
}

std::optional<std::string> FindAddressedUserAddress(
    const Message& message, const std::vector<std::string>& user_addresses) {
  std::vector<std::string> normalized = NormalizeAll(user_addresses);
  for (const HeaderField& field : message.headers()) {
    if (!IsRecipientHeader(field.name)) continue;
    for (const Mailbox& mailbox : ParseAddressList(field.value)) {
      size_t index = FindUserAddress(mailbox.address, normalized);
      if (index != std::string::npos) return user_addresses[index];
    }
  }
  return std::nullopt;
}

bool SenderIsUser(const Message& message, const std::vector<std::string>& user_addresses) {
  std::vector<std::string> normalized = NormalizeAll(user_addresses);
  const std::string& sender = message.envelope().sender;
  if (FindUserAddress(sender, normalized) != std::string::npos) return true;
  if (!sender.empty() &&
      FindUserAddress(NormalizeSenderForDedupe(sender), normalized) != std::string::npos) {
    return true;
  }
  for (std::string_view from : message.All("From")) {
    for (const Mailbox& mailbox : ParseAddressList(from)) {
      if (FindUserAddress(mailbox.address, normalized) != std::string::npos) return true;
    }
  }
  return false;
}

}  // namespace ar
