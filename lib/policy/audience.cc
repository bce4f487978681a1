#include "policy/audience.h"

#include <string>

#include "core/strings.h"
#include "message/address.h"

namespace ar {

bool IsInternalSender(std::string_view sender, const OutOfOfficeRule& rule,
                      const PolicySettings& settings) {
  std::string domain = DomainOf(sender);
  if (domain.empty()) return false;
  for (const std::string& address : rule.AllAddresses()) {
    if (EqualsIgnoreCase(domain, DomainOf(address))) return true;
  }
  for (const std::string& internal : settings.internal_domains) {
    if (EqualsIgnoreCase(domain, Trim(internal))) return true;
  }
  return false;
}

}  // namespace ar
