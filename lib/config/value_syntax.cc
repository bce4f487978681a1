#include "config/value_syntax.h"

#include <limits>

#include "config/options_table.h"
#include "core/strings.h"

namespace ar {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Parses a run of decimal digits; false on empty input, a non-digit or overflow.
bool ParseDigits(std::string_view digits, uint64_t* out) {
  if (digits.empty()) return false;
  uint64_t value = 0;
  for (char c : digits) {
    if (!IsDigit(c)) return false;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) return false;
    value = value * 10 + digit;
  }
  *out = value;
  return true;
}

// Splits "15m" into its number and its one-letter unit (0 when there is none).
void SplitUnit(std::string_view text, std::string_view* number, char* unit) {
  *unit = 0;
  *number = text;
  if (!text.empty() && !IsDigit(text.back())) {
    *unit = text.back();
    *number = text.substr(0, text.size() - 1);
  }
}

}  // namespace

Result<Seconds> ParseDuration(const std::string& text) {
  std::string_view trimmed = Trim(text);
  std::string_view number;
  char unit = 0;
  SplitUnit(trimmed, &number, &unit);
  uint64_t multiplier = 1;
  switch (unit) {
    case 0:
    case 's':
    case 'S':
      multiplier = 1;
      break;
    case 'm':
    case 'M':
      multiplier = 60;
      break;
    case 'h':
    case 'H':
      multiplier = 3600;
      break;
    case 'd':
    case 'D':
      multiplier = 86400;
      break;
    case 'w':
    case 'W':
      multiplier = 7 * 86400;
      break;
    default:
      return Status::InvalidArgument("not a duration: '" + std::string(trimmed) +
                                     "' (use e.g. 90s, 15m, 12h, 7d, 2w)");
  }
  uint64_t count = 0;
  // Capped at about 100 years: enough for any period, and far from overflow
  // when added to a time point.
  constexpr uint64_t kMaxSeconds = 100ull * 366 * 86400;
  if (!ParseDigits(number, &count))
    return Status::InvalidArgument("not a duration: '" + std::string(trimmed) +
                                   "' (use e.g. 90s, 15m, 12h, 7d, 2w)");
  if (count > kMaxSeconds / multiplier)
    return Status::InvalidArgument("duration too long: '" + std::string(trimmed) + "'");
  return Seconds(static_cast<int64_t>(count * multiplier));
}

std::string FormatDuration(Seconds duration) {
  int64_t s = duration.count();
  if (s != 0) {
    if (s % 86400 == 0) return std::to_string(s / 86400) + "d";
    if (s % 3600 == 0) return std::to_string(s / 3600) + "h";
    if (s % 60 == 0) return std::to_string(s / 60) + "m";
  }
  return std::to_string(s) + "s";
}

Result<uint64_t> ParseByteSize(std::string_view text) {
  std::string_view trimmed = Trim(text);
  std::string_view number;
  char unit = 0;
  SplitUnit(trimmed, &number, &unit);
  uint64_t multiplier = 1;
  switch (unit) {
    case 0:
      multiplier = 1;
      break;
    case 'k':
    case 'K':
      multiplier = 1ull << 10;
      break;
    case 'm':
    case 'M':
      multiplier = 1ull << 20;
      break;
    case 'g':
    case 'G':
      multiplier = 1ull << 30;
      break;
    case 't':
    case 'T':
      multiplier = 1ull << 40;
      break;
    default:
      return Status::InvalidArgument("not a size: '" + std::string(trimmed) +
                                     "' (use bytes or a K, M, G or T suffix)");
  }
  uint64_t count = 0;
  if (!ParseDigits(number, &count))
    return Status::InvalidArgument("not a size: '" + std::string(trimmed) +
                                   "' (use bytes or a K, M, G or T suffix)");
  if (count > std::numeric_limits<uint64_t>::max() / multiplier)
    return Status::InvalidArgument("size too large: '" + std::string(trimmed) + "'");
  return count * multiplier;
}

std::string FormatByteSize(uint64_t bytes) {
  static const struct {
    int shift;
    char suffix;
  } kUnits[] = {{40, 'T'}, {30, 'G'}, {20, 'M'}, {10, 'K'}};
  if (bytes != 0) {
    for (const auto& unit : kUnits) {
      uint64_t size = 1ull << unit.shift;
      if (bytes % size == 0) return std::to_string(bytes / size) + unit.suffix;
    }
  }
  return std::to_string(bytes);
}

Result<bool> ParseYesNo(std::string_view text) {
  std::string_view trimmed = Trim(text);
  if (EqualsIgnoreCase(trimmed, "yes") || EqualsIgnoreCase(trimmed, "true")) return true;
  if (EqualsIgnoreCase(trimmed, "no") || EqualsIgnoreCase(trimmed, "false")) return false;
  return Status::InvalidArgument("expected yes or no, got '" + std::string(trimmed) + "'");
}

Result<int64_t> ParseInteger(std::string_view text, int64_t min, int64_t max) {
  std::string_view trimmed = Trim(text);
  uint64_t value = 0;
  if (!ParseDigits(trimmed, &value))
    return Status::InvalidArgument("not a whole number: '" + std::string(trimmed) + "'");
  if (value < static_cast<uint64_t>(min) || value > static_cast<uint64_t>(max))
    return Status::InvalidArgument("out of range: " + std::string(trimmed) + " (allowed " +
                                   std::to_string(min) + " to " + std::to_string(max) + ")");
  return static_cast<int64_t>(value);
}

bool IsHeaderFieldName(std::string_view text) {
  if (text.empty() || text.size() > 76) return false;
  for (char c : text) {
    if (c < 33 || c > 126 || c == ':') return false;
  }
  return true;
}

bool IsDomainName(std::string_view text) {
  if (text.empty() || text.size() > 253) return false;
  size_t label_length = 0;
  char previous = '.';
  for (char c : text) {
    if (c == '.') {
      if (label_length == 0 || previous == '-') return false;
      label_length = 0;
    } else if (IsAlnum(c) || c == '-') {
      if (label_length == 0 && c == '-') return false;
      if (++label_length > 63) return false;
    } else {
      return false;
    }
    previous = c;
  }
  return label_length > 0 && previous != '-';
}

bool IsSafeMailAddress(std::string_view text) {
  size_t at = text.rfind('@');
  if (at == std::string_view::npos || at == 0 || text.size() > 254 || text[0] == '-') return false;
  for (char c : text.substr(0, at)) {
    if (c <= 32 || c > 126) return false;
    switch (c) {
      case '"':
      case '(':
      case ')':
      case ',':
      case ':':
      case ';':
      case '<':
      case '>':
      case '@':
      case '[':
      case '\\':
      case ']':
        return false;
      default:
        break;
    }
  }
  return IsDomainName(text.substr(at + 1));
}

bool IsSafeToken(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c <= 32 || c > 126) return false;
  }
  return true;
}

}  // namespace ar
