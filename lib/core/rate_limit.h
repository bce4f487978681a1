// RateLimit: "at most `count` events per `window`", as an administrator
// writes it in autoresponder.conf (sequence_enrol_rate_limit) and in
// sequence files (enrol_rate_limit, enrol_source_limit):
//
//   "20/1h"   twenty per hour         "500/1d"   five hundred per day
//   "3/10m"   three per ten minutes   "none"     no limit (the default)
//
// The window is a whole number with a unit s, m, h, d or w; "20/h" is
// "20/1h". A plain value; the parser and printer are pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"

namespace ar {

struct RateLimit {
  uint32_t count = 0;  // 0: no limit
  Seconds window{0};
  bool enabled() const { return count > 0; }
  bool operator==(const RateLimit&) const = default;
};

// The longest window accepted: a year, longer than any abuse worth counting.
inline constexpr Seconds kMaxRateLimitWindow{366LL * 86400};
// The largest count accepted.
inline constexpr uint32_t kMaxRateLimitCount = 1000000000;

// "N/DURATION" or "none"; InvalidArgument saying what is wrong otherwise.
Result<RateLimit> ParseRateLimit(std::string_view text);
// The canonical spelling: "20/1h", "none".
std::string FormatRateLimit(const RateLimit& limit);

}  // namespace ar
