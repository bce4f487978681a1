#include "core/clock.h"

#include <date/date.h>

#include <fstream>
#include <sstream>

namespace ar {

TimePoint SystemClock::Now() const {
  return std::chrono::floor<Seconds>(std::chrono::system_clock::now());
}

std::chrono::system_clock::time_point SystemClock::NowPrecise() const {
  return std::chrono::system_clock::now();
}

namespace {

// Reads "N", "+N" or "-N" from the file. Returns false when unusable.
bool ReadClockFile(const std::string& path, bool* relative, int64_t* value) {
  std::ifstream in(path);
  if (!in) return false;
  std::string text;
  in >> text;
  if (text.empty()) return false;
  *relative = text[0] == '+' || text[0] == '-';
  try {
    size_t used = 0;
    *value = std::stoll(text, &used);
    return used == text.size();
  } catch (...) {
    return false;
  }
}

}  // namespace

TimePoint FileClock::Now() const {
  bool relative = false;
  int64_t value = 0;
  if (!ReadClockFile(path_, &relative, &value)) return SystemClock().Now();
  if (relative) return SystemClock().Now() + Seconds(value);
  return FromUnixSeconds(value);
}

Result<std::shared_ptr<const Clock>> MakeClock(const std::string& spec) {
  if (spec.empty() || spec == "system") {
    return std::shared_ptr<const Clock>(std::make_shared<SystemClock>());
  }
  if (spec.rfind("file:", 0) == 0) {
    std::string path = spec.substr(5);
    bool relative = false;
    int64_t value = 0;
    if (path.empty() || !ReadClockFile(path, &relative, &value)) {
      return Status::InvalidArgument("clock file '" + path +
                                     "' must exist and hold seconds since the epoch, or +N/-N");
    }
    return std::shared_ptr<const Clock>(std::make_shared<FileClock>(path));
  }
  return Status::InvalidArgument("clock must be 'system' or 'file:PATH', not '" + spec + "'");
}

std::string FormatRfc5322Date(TimePoint t) {
  return date::format("%a, %d %b %Y %H:%M:%S +0000", t);
}

std::string FormatIsoUtc(TimePoint t) { return date::format("%Y-%m-%dT%H:%M:%SZ", t); }

}  // namespace ar
