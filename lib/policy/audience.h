// Internal or external sender? A sender is internal when its domain is the
// domain of one of the user's addresses or is listed in
// settings.internal_domains (case-insensitive, exact: subdomains are not
// included). Used for reply_to_external and internal_text_body.
// Pure function; thread-safe.
#pragma once

#include <string_view>

#include "policy/out_of_office_rule.h"
#include "policy/policy_settings.h"

namespace ar {

bool IsInternalSender(std::string_view sender, const OutOfOfficeRule& rule,
                      const PolicySettings& settings);

}  // namespace ar
