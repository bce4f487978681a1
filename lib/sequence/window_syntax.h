// The `window` syntax of sequence steps (autoresponder-sequence(5)):
//   window = mon-fri 09:00-17:00
//   window = mon,wed,fri          (all day on those days)
//   window = 08:30-20:00          (every day)
//   window = sat-sun,wed 10:00-14:00
// Days are mon tue wed thu fri sat sun (any case), single or as ranges
// (a range may wrap: fri-mon), separated by commas. Hours are HH:MM-HH:MM
// with start before end; 24:00 is allowed as an end. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "sequence/sequence_definition.h"

namespace ar {

Result<SendWindow> ParseSendWindow(std::string_view text);
// Canonical spelling, e.g. "mon-fri 09:00-17:00", "mon,wed,fri 00:00-24:00".
std::string FormatSendWindow(const SendWindow& window);

}  // namespace ar
