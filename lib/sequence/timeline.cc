#include "sequence/timeline.h"

#include <date/tz.h>

#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "core/strings.h"
#include "sequence/captured_date.h"

namespace ar {

namespace {

using date::days;
using date::local_days;
using date::local_seconds;

// A window that opens on some allowed day opens within a week; one more day
// covers a window lost to a DST gap on the day we start from.
constexpr int kMaxSearchDays = 8;

// Everything we compute stays within years 1..9999, so no arithmetic on an
// untrusted stored time or offset can overflow.
constexpr int64_t kMinSeconds = -62135596800;  // 0001-01-01T00:00:00Z
constexpr int64_t kMaxSeconds = 253402300799;  // 9999-12-31T23:59:59Z
constexpr int64_t kMaxOffsetSeconds = 1000LL * 366 * 86400;

constexpr int64_t kSecondsPerDay = 86400;

bool InRange(TimePoint t) {
  const int64_t s = ToUnixSeconds(t);
  return s >= kMinSeconds && s <= kMaxSeconds;
}

bool InRange(local_seconds t) {
  const int64_t s = t.time_since_epoch().count();
  return s >= kMinSeconds && s <= kMaxSeconds;
}

// date::locate_zone throws for an unknown name (and when the system tzdb
// cannot be read at all); a zone name is config or captured mail, so it must
// come back as a value.
const date::time_zone* FindZone(std::string_view name) {
  if (name.empty()) return nullptr;
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;
  }
}

// The instants a local wall time names: one normally, two in the repeated
// hour after a fall-back (earliest first), and for a time inside a
// spring-forward gap the first instant after the gap.
std::vector<TimePoint> LocalCandidates(const date::time_zone& zone, local_seconds local) {
  const date::local_info info = zone.get_info(local);
  const Seconds since_epoch = local.time_since_epoch();
  switch (info.result) {
    case date::local_info::unique:
      return {TimePoint(since_epoch - info.first.offset)};
    case date::local_info::ambiguous:
      return {TimePoint(since_epoch - info.first.offset),
              TimePoint(since_epoch - info.second.offset)};
    case date::local_info::nonexistent:
      return {TimePoint(info.first.end.time_since_epoch())};
  }
  return {};
}

TimePoint LocalToSys(const date::time_zone& zone, local_seconds local) {
  return LocalCandidates(zone, local).front();
}

bool WeekdayAllowed(const SendWindow& window, local_days day) {
  const unsigned bit = date::weekday(day).iso_encoding() - 1;  // Monday = 0
  return (window.weekdays >> bit) & 1u;
}

Status CheckWindow(const SendWindow& window) {
  if ((window.weekdays & 0x7fu) == 0) {
    return Status::InvalidArgument("send window allows no weekday, so it never opens");
  }
  if (window.start_minute < 0 || window.end_minute > 24 * 60 ||
      window.start_minute >= window.end_minute) {
    return Status::InvalidArgument("send window hours must satisfy 00:00 <= start < end <= 24:00");
  }
  return Status::Ok();
}

Result<TimePoint> PreviousStepTime(size_t index, const Enrolment& enrolment) {
  if (index == 0) return enrolment.enrolled_at;
  // The previous step's send time; when the history lacks it (a migrated or
  // hand-edited enrolment), the latest earlier step sent, else the enrolment,
  // so a gap in history delays nothing into the past nor blocks forever.
  std::optional<TimePoint> exact;
  std::optional<TimePoint> latest_earlier;
  for (const SentStep& sent : enrolment.history) {
    if (sent.step + 1 == index) exact = sent.sent_at;
    if (sent.step < index && (!latest_earlier || sent.sent_at > *latest_earlier)) {
      latest_earlier = sent.sent_at;
    }
  }
  if (exact) return *exact;
  if (latest_earlier) return *latest_earlier;
  return enrolment.enrolled_at;
}

}  // namespace

std::string EffectiveTimeZone(const SequenceDefinition& definition, const Enrolment& enrolment) {
  if (!definition.person_time_zone_variable.empty()) {
    const auto it = enrolment.variables.find(definition.person_time_zone_variable);
    if (it != enrolment.variables.end()) {
      const std::string_view zone = Trim(it->second);
      if (FindZone(zone) != nullptr) return std::string(zone);
    }
  }
  return definition.time_zone;
}

Result<TimePoint> NextWindowOpening(TimePoint t, const SendWindow& window,
                                    const std::string& zone_name) {
  if (Status s = CheckWindow(window); !s.ok()) return s;
  const date::time_zone* zone = FindZone(zone_name);
  if (zone == nullptr) return Status::InvalidArgument("unknown time zone \"" + zone_name + "\"");
  if (!InRange(t)) return Status::InvalidArgument("time out of range");

  const local_seconds local = zone->to_local(t);
  const local_days today = date::floor<days>(local);
  for (int i = 0; i <= kMaxSearchDays; ++i) {
    const local_days day = today + days{i};
    if (!WeekdayAllowed(window, day)) continue;
    const local_seconds start = local_seconds{day} + std::chrono::minutes{window.start_minute};
    const local_seconds end = local_seconds{day} + std::chrono::minutes{window.end_minute};
    if (i == 0 && local >= start && local < end) return t;
    for (TimePoint candidate : LocalCandidates(*zone, start)) {
      // A window lying wholly inside a DST gap does not open that day.
      if (candidate >= t && zone->to_local(candidate) < end) return candidate;
    }
  }
  return Status::InvalidArgument("send window does not open within " +
                                 std::to_string(kMaxSearchDays) + " days");
}

Result<TimePoint> StepDueTime(const SequenceDefinition& definition, size_t index,
                              const Enrolment& enrolment) {
  if (index >= definition.steps.size()) {
    return Status::InvalidArgument("sequence " + definition.name + " has no step " +
                                   std::to_string(index + 1));
  }
  const StepSpec& step = definition.steps[index];
  const std::string zone_name = EffectiveTimeZone(definition, enrolment);
  const date::time_zone* zone = FindZone(zone_name);
  if (zone == nullptr) return Status::InvalidArgument("unknown time zone \"" + zone_name + "\"");
  const int64_t offset = step.offset.count();
  if (offset > kMaxOffsetSeconds || offset < -kMaxOffsetSeconds) {
    return Status::InvalidArgument("step " + step.name + ": offset out of range");
  }
  // Whole days are calendar days: "3d after" a 10:00 send is 10:00 local
  // three days on, whether or not the clocks changed in between.
  const bool calendar_days = offset % kSecondsPerDay == 0;
  const days whole_days{offset / kSecondsPerDay};

  TimePoint due;
  if (step.anchor == StepAnchor::kVariable) {
    const auto it = enrolment.variables.find(step.anchor_variable);
    if (it == enrolment.variables.end()) {
      return Status::InvalidArgument("step " + step.name + ": variable " + step.anchor_variable +
                                     " was not captured");
    }
    const std::optional<local_seconds> date = ParseCapturedDate(it->second);
    if (!date) {
      return Status::InvalidArgument("step " + step.name + ": variable " + step.anchor_variable +
                                     " is not a date: \"" + it->second + "\"");
    }
    if (!InRange(*date))
      return Status::InvalidArgument("step " + step.name + ": date out of range");
    if (calendar_days) {
      due = LocalToSys(*zone, *date + whole_days);
    } else {
      due = LocalToSys(*zone, *date) + step.offset;
    }
  } else {
    Result<TimePoint> anchor = step.anchor == StepAnchor::kEnrolment
                                   ? Result<TimePoint>(enrolment.enrolled_at)
                                   : PreviousStepTime(index, enrolment);
    if (!anchor.ok()) return anchor.status();
    if (!InRange(*anchor))
      return Status::InvalidArgument("step " + step.name + ": anchor out of range");
    if (offset == 0) {
      // Not via local time: that would move a time in a repeated hour to
      // its first occurrence, i.e. into the past.
      due = *anchor;
    } else if (calendar_days) {
      due = LocalToSys(*zone, zone->to_local(*anchor) + whole_days);
    } else {
      due = *anchor + step.offset;
    }
  }
  if (!InRange(due))
    return Status::InvalidArgument("step " + step.name + ": due time out of range");
  if (step.window) return NextWindowOpening(due, *step.window, zone_name);
  return due;
}

}  // namespace ar
