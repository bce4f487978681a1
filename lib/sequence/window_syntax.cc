#include "sequence/window_syntax.h"

#include <array>
#include <string>
#include <vector>

#include "core/strings.h"

namespace ar {
namespace {

constexpr std::array<std::string_view, 7> kDayNames = {"mon", "tue", "wed", "thu",
                                                       "fri", "sat", "sun"};

int DayIndex(std::string_view name) {
  for (size_t i = 0; i < kDayNames.size(); ++i) {
    if (EqualsIgnoreCase(name, kDayNames[i])) return static_cast<int>(i);
  }
  return -1;
}

Result<unsigned> ParseDays(std::string_view text) {
  unsigned bits = 0;
  std::vector<std::string> items = SplitTrimmed(text, ',');
  if (items.empty()) return Status::InvalidArgument("no day names");
  for (const std::string& item : items) {
    size_t dash = item.find('-');
    std::string_view first = Trim(std::string_view(item).substr(0, dash));
    std::string_view last =
        dash == std::string::npos ? first : Trim(std::string_view(item).substr(dash + 1));
    int from = DayIndex(first);
    int to = DayIndex(last);
    if (from < 0 || to < 0) {
      return Status::InvalidArgument("\"" + item +
                                     "\" is not a day or day range (mon tue wed thu fri sat sun)");
    }
    // A range may wrap around the week end: fri-mon is fri, sat, sun, mon.
    for (int d = from;; d = (d + 1) % 7) {
      bits |= 1u << d;
      if (d == to) break;
    }
  }
  return bits;
}

// "HH:MM" with HH 00..24 and MM 00..59; 24:00 only when allow_24.
int ParseClock(std::string_view text, bool allow_24) {
  if (text.size() != 5 || text[2] != ':') return -1;
  for (size_t i : {0, 1, 3, 4}) {
    if (text[i] < '0' || text[i] > '9') return -1;
  }
  int h = (text[0] - '0') * 10 + (text[1] - '0');
  int m = (text[3] - '0') * 10 + (text[4] - '0');
  if (m > 59 || h > 24 || (h == 24 && (m != 0 || !allow_24))) return -1;
  return h * 60 + m;
}

bool LooksLikeHours(std::string_view text) {
  return !text.empty() && text[0] >= '0' && text[0] <= '9';
}

std::string FormatClock(int minutes) {
  std::string s(5, '0');
  s[0] = static_cast<char>('0' + minutes / 600);
  s[1] = static_cast<char>('0' + (minutes / 60) % 10);
  s[2] = ':';
  s[3] = static_cast<char>('0' + (minutes % 60) / 10);
  s[4] = static_cast<char>('0' + minutes % 10);
  return s;
}

}  // namespace

Result<SendWindow> ParseSendWindow(std::string_view text) {
  std::vector<std::string> words;
  for (std::string& w : SplitTrimmed(text, ' ')) {
    for (std::string& piece : SplitTrimmed(w, '\t')) words.push_back(std::move(piece));
  }
  if (words.empty()) {
    return Status::InvalidArgument("an empty window (e.g. \"mon-fri 09:00-17:00\")");
  }
  // Days come first and may be spelled with blanks after commas
  // ("mon, wed, fri"); the hours, when given, are the last word.
  std::string hours;
  if (LooksLikeHours(words.back())) {
    hours = words.back();
    words.pop_back();
  }
  std::string days;
  for (const std::string& w : words) days += w;
  SendWindow window;
  if (!days.empty()) {
    Result<unsigned> parsed = ParseDays(days);
    if (!parsed.ok()) return parsed.status();
    window.weekdays = *parsed;
  }
  if (!hours.empty()) {
    size_t dash = hours.find('-');
    int start = dash == std::string::npos ? -1 : ParseClock(hours.substr(0, dash), false);
    int end = dash == std::string::npos ? -1 : ParseClock(hours.substr(dash + 1), true);
    if (start < 0 || end < 0) {
      return Status::InvalidArgument("\"" + hours + "\" is not an hour range (e.g. 09:00-17:00)");
    }
    if (start >= end) {
      return Status::InvalidArgument("\"" + hours +
                                     "\": the window must start before it ends on the same day");
    }
    window.start_minute = start;
    window.end_minute = end;
  }
  return window;
}

std::string FormatSendWindow(const SendWindow& window) {
  std::string days;
  if ((window.weekdays & 0x7f) != 0x7f) {
    // Runs of consecutive days (Monday-based) become ranges.
    for (int d = 0; d < 7;) {
      if (!(window.weekdays & (1u << d))) {
        ++d;
        continue;
      }
      int e = d;
      while (e + 1 < 7 && (window.weekdays & (1u << (e + 1)))) ++e;
      if (!days.empty()) days += ',';
      days += kDayNames[d];
      if (e > d) {
        days += '-';
        days += kDayNames[e];
      }
      d = e + 1;
    }
  }
  std::string hours = FormatClock(window.start_minute) + "-" + FormatClock(window.end_minute);
  return days.empty() ? hours : days + " " + hours;
}

}  // namespace ar
