#include "sequence/captured_date.h"

#include "core/strings.h"

namespace ar {

namespace {

// Reads exactly `width` ASCII digits at text[pos]; false on anything else.
bool ReadDigits(std::string_view text, size_t pos, size_t width, int* out) {
  if (pos + width > text.size()) return false;
  int value = 0;
  for (size_t i = pos; i < pos + width; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *out = value;
  return true;
}

std::optional<date::local_days> MakeDay(int y, int m, int d) {
  const date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(m)},
                                 date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return date::local_days{ymd};
}

}  // namespace

std::optional<date::local_seconds> ParseCapturedDate(std::string_view raw) {
  const std::string_view text = Trim(raw);
  int y = 0, m = 0, d = 0;
  if (text.size() == 10 && text[2] == '.' && text[5] == '.') {
    if (!ReadDigits(text, 0, 2, &d) || !ReadDigits(text, 3, 2, &m) || !ReadDigits(text, 6, 4, &y)) {
      return std::nullopt;
    }
    const auto day = MakeDay(y, m, d);
    if (!day) return std::nullopt;
    return date::local_seconds{*day};
  }
  if (text.size() != 10 && text.size() != 16) return std::nullopt;
  if (text[4] != '-' || text[7] != '-' || !ReadDigits(text, 0, 4, &y) ||
      !ReadDigits(text, 5, 2, &m) || !ReadDigits(text, 8, 2, &d)) {
    return std::nullopt;
  }
  const auto day = MakeDay(y, m, d);
  if (!day) return std::nullopt;
  if (text.size() == 10) return date::local_seconds{*day};
  int hh = 0, mm = 0;
  if ((text[10] != 'T' && text[10] != 't' && text[10] != ' ') || text[13] != ':' ||
      !ReadDigits(text, 11, 2, &hh) || !ReadDigits(text, 14, 2, &mm) || hh > 23 || mm > 59) {
    return std::nullopt;
  }
  return date::local_seconds{*day} + std::chrono::hours{hh} + std::chrono::minutes{mm};
}

}  // namespace ar
