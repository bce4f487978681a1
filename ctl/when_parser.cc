#include "ctl/when_parser.h"

#include <date/tz.h>

#include <exception>
#include <optional>

#include "core/strings.h"

namespace ar {

namespace {

constexpr const char* kForms =
    "expected YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS] (local time in the zone), "
    "or that followed by Z or an offset such as +01:00";

// Reads exactly n ASCII digits at text[*pos]; advances *pos.
std::optional<int> ReadDigits(std::string_view text, size_t* pos, size_t n) {
  if (*pos + n > text.size()) return std::nullopt;
  int value = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = text[*pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  *pos += n;
  return value;
}

bool Expect(std::string_view text, size_t* pos, char c) {
  if (*pos >= text.size() || text[*pos] != c) return false;
  ++*pos;
  return true;
}

struct ParsedWhen {
  date::year_month_day day{};
  bool has_time = false;
  Seconds time_of_day{0};
  std::optional<Seconds> utc_offset;  // set for 'Z' and explicit offsets
};

Result<ParsedWhen> Lex(std::string_view text) {
  auto bad = [&]() { return Status::InvalidArgument("'" + std::string(text) + "': " + kForms); };
  ParsedWhen out;
  size_t pos = 0;
  auto y = ReadDigits(text, &pos, 4);
  if (!y || !Expect(text, &pos, '-')) return bad();
  auto m = ReadDigits(text, &pos, 2);
  if (!m || !Expect(text, &pos, '-')) return bad();
  auto d = ReadDigits(text, &pos, 2);
  if (!d) return bad();
  out.day = date::year{*y} / date::month(static_cast<unsigned>(*m)) /
            date::day(static_cast<unsigned>(*d));
  if (!out.day.ok()) {
    return Status::InvalidArgument("'" + std::string(text) + "': no such date");
  }
  if (pos == text.size()) return out;

  if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') return bad();
  ++pos;
  auto hh = ReadDigits(text, &pos, 2);
  if (!hh || !Expect(text, &pos, ':')) return bad();
  auto mm = ReadDigits(text, &pos, 2);
  if (!mm) return bad();
  int ss = 0;
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    auto s = ReadDigits(text, &pos, 2);
    if (!s) return bad();
    ss = *s;
  }
  // Leap seconds are not representable in sys_seconds; 60 is refused.
  if (*hh > 23 || *mm > 59 || ss > 59) {
    return Status::InvalidArgument("'" + std::string(text) + "': no such time of day");
  }
  out.has_time = true;
  out.time_of_day = std::chrono::hours(*hh) + std::chrono::minutes(*mm) + Seconds(ss);
  if (pos == text.size()) return out;

  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
    out.utc_offset = Seconds(0);
  } else if (text[pos] == '+' || text[pos] == '-') {
    int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    auto oh = ReadDigits(text, &pos, 2);
    if (!oh) return bad();
    if (pos < text.size() && text[pos] == ':') ++pos;
    auto om = ReadDigits(text, &pos, 2);
    // Real offsets lie within -12:00 .. +14:00; allow the full two digits of
    // hours below 24 and refuse nonsense.
    if (!om || *oh > 23 || *om > 59) return bad();
    out.utc_offset = sign * (std::chrono::hours(*oh) + std::chrono::minutes(*om));
  } else {
    return bad();
  }
  if (pos != text.size()) return bad();
  return out;
}

// Local wall time in zone -> instant, with the DST choices in the header.
TimePoint LocalToSys(const date::time_zone* zone, date::local_seconds local) {
  // For a nonexistent local time the library returns the transition instant
  // for either choice; for an ambiguous one "earliest" is the first
  // occurrence.
  return zone->to_sys(local, date::choose::earliest);
}

}  // namespace

Result<const date::time_zone*> LookupTimeZone(const std::string& name) {
  const std::string wanted = name.empty() ? "UTC" : name;
  try {
    return date::locate_zone(wanted);
  } catch (const std::exception&) {
    return Status::InvalidArgument("unknown time zone '" + wanted +
                                   "' (expected an IANA name such as Europe/Oslo)");
  }
}

Result<TimePoint> ParseWhen(std::string_view text, const date::time_zone* zone, WhenRole role) {
  text = Trim(text);
  auto lexed = Lex(text);
  if (!lexed.ok()) return lexed.status();
  const ParsedWhen& when = *lexed;
  date::local_days local_day{when.day};

  if (!when.has_time) {
    if (role == WhenRole::kEnd) local_day += date::days(1);
    try {
      return LocalToSys(zone, date::local_seconds{local_day});
    } catch (const std::exception& e) {
      return Status::InvalidArgument("'" + std::string(text) + "': " + e.what());
    }
  }
  if (when.utc_offset) {
    return TimePoint{date::sys_days{when.day}} + when.time_of_day - *when.utc_offset;
  }
  try {
    return LocalToSys(zone, date::local_seconds{local_day} + when.time_of_day);
  } catch (const std::exception& e) {
    return Status::InvalidArgument("'" + std::string(text) + "': " + e.what());
  }
}

}  // namespace ar
