#include "core/rate_limit.h"

#include <optional>

#include "core/strings.h"

namespace ar {

namespace {

// Digits only, without sign or blanks; nullopt when empty or too large.
std::optional<uint64_t> ParseDigits(std::string_view text, uint64_t max) {
  if (text.empty() || text.size() > 12) return std::nullopt;
  uint64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  if (n > max) return std::nullopt;
  return n;
}

int64_t UnitSeconds(char unit) {
  switch (unit) {
    case 's':
      return 1;
    case 'm':
      return 60;
    case 'h':
      return 3600;
    case 'd':
      return 86400;
    case 'w':
      return 7 * 86400;
    default:
      return 0;
  }
}

}  // namespace

Result<RateLimit> ParseRateLimit(std::string_view text) {
  const std::string value = ToLowerAscii(Trim(text));
  if (value == "none") return RateLimit{};
  const std::string expected =
      "expected COUNT/WINDOW such as 20/1h (a window in s, m, h, d or w) or none, got '" +
      std::string(Trim(text)) + "'";
  const size_t slash = value.find('/');
  if (slash == std::string::npos) return Status::InvalidArgument(expected);
  const std::optional<uint64_t> count =
      ParseDigits(Trim(std::string_view(value).substr(0, slash)), kMaxRateLimitCount);
  std::string_view window = Trim(std::string_view(value).substr(slash + 1));
  if (!count || window.empty() || UnitSeconds(window.back()) == 0) {
    return Status::InvalidArgument(expected);
  }
  const int64_t unit = UnitSeconds(window.back());
  window.remove_suffix(1);
  std::optional<uint64_t> amount =
      window.empty() ? std::optional<uint64_t>(1) : ParseDigits(window, 1000000000);
  if (!amount) return Status::InvalidArgument(expected);
  if (*count == 0) {
    return Status::InvalidArgument(
        "a limit of 0 would refuse everything; write none for no "
        "limit");
  }
  const uint64_t seconds = *amount * static_cast<uint64_t>(unit);
  if (seconds == 0 || seconds > static_cast<uint64_t>(kMaxRateLimitWindow.count())) {
    return Status::InvalidArgument("the window of '" + std::string(Trim(text)) +
                                   "' must be between 1s and 366d");
  }
  return RateLimit{static_cast<uint32_t>(*count), Seconds(static_cast<int64_t>(seconds))};
}

std::string FormatRateLimit(const RateLimit& limit) {
  if (!limit.enabled()) return "none";
  const int64_t s = limit.window.count();
  std::string window;
  if (s % (7 * 86400) == 0) {
    window = std::to_string(s / (7 * 86400)) + "w";
  } else if (s % 86400 == 0) {
    window = std::to_string(s / 86400) + "d";
  } else if (s % 3600 == 0) {
    window = std::to_string(s / 3600) + "h";
  } else if (s % 60 == 0) {
    window = std::to_string(s / 60) + "m";
  } else {
    window = std::to_string(s) + "s";
  }
  return std::to_string(limit.count) + "/" + window;
}

}  // namespace ar
