// Dates captured from a trigger mail (an exam date, a certificate expiry),
// read as local wall-clock times to be placed in a time zone later.
// Accepted, after trimming surrounding blanks:
//   "YYYY-MM-DD"        00:00 that day
//   "DD.MM.YYYY"        00:00 that day (the form European forms use)
//   "YYYY-MM-DDTHH:MM"  that minute (a space may stand for the 'T')
// Anything else, including impossible dates (2025-02-30) and hours past
// 23:59, is rejected. Pure; thread-safe.
#pragma once

#include <date/date.h>

#include <optional>
#include <string_view>

namespace ar {

std::optional<date::local_seconds> ParseCapturedDate(std::string_view text);

}  // namespace ar
