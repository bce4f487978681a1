#include "policy/rule_validation.h"

#include <string>

#include "core/strings.h"
#include "message/address.h"
#include "policy/header_syntax.h"

namespace ar {

Status ValidateRule(const OutOfOfficeRule& rule) {
  if (!IsSafeAddress(rule.address)) {
    return Status::InvalidArgument("rule address is not a safe address: '" +
                                   LogExcerpt(rule.address) + "'");
  }
  for (const std::string& alias : rule.aliases) {
    if (!IsSafeAddress(alias)) {
      return Status::InvalidArgument("alias is not a safe address: '" + LogExcerpt(alias) + "'");
    }
  }
  if (Trim(rule.text_body).empty()) return Status::InvalidArgument("text body is empty");
  if (rule.start && rule.end && !(*rule.start < *rule.end)) {
    return Status::InvalidArgument("start " + FormatIsoUtc(*rule.start) + " is not before end " +
                                   FormatIsoUtc(*rule.end));
  }
  if (rule.period <= Seconds(0)) return Status::InvalidArgument("period must be positive");
  return Status::Ok();
}

}  // namespace ar
