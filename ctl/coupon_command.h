// `coupon verify CODE --person ADDRESS --sequence NAME --step STEP`: whether
// CODE is the coupon that person got (or gets) in that step, checked with
// the configured secret key and the sequence's coupon_format (tokens.h
// VerifyCoupon). The definition is the version the person entered when
// they are enrolled, else the current one. Exit 0 valid, 1 not valid.
// Not thread-safe.
#pragma once

#include <string>
#include <vector>

#include "ctl/command_context.h"

namespace ar {

int RunCouponCommand(const CommandContext& ctx, const std::vector<std::string>& args);

}  // namespace ar
