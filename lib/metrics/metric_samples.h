// What each program exports, as samples for FormatExposition():
//
//   CounterSamples     - one program's Counters. The milter exports every
//                        decision reason (zeros included, so each series
//                        exists from the start), replies queued, messages
//                        whose follow-ups went unrecorded and its internal
//                        errors; the dispatcher exports replies
//                        sent, deferred and failed and its internal errors.
//                        Per sequence (sequence_counters.h) the milter
//                        exports enrolments, confirmations and the exits
//                        a message causes; the dispatcher steps sent and
//                        the no-engagement and expiry exits.
//                        The two sets never share a series, so both files
//                        can sit in one textfile-collector directory.
//   StoreGaugeSamples  - the store's state (StoreStats), computed by whoever
//                        reads the store: the dispatcher and
//                        `autoresponder-ctl stats`.
//
// Pure functions; thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "core/clock.h"
#include "metrics/counters.h"
#include "metrics/exposition.h"
#include "store/store.h"

namespace ar {

enum class MetricsProgram { kMilter, kDispatcher };
// "milter" or "dispatcher": the program label of internal errors.
const char* MetricsProgramName(MetricsProgram program);

std::vector<Sample> CounterSamples(const CounterSnapshot& counters, MetricsProgram program);

// now: to turn the earliest due time into an age.
std::vector<Sample> StoreGaugeSamples(const StoreStats& stats, TimePoint now);

// Whether name is one of the metrics StoreGaugeSamples() produces.
bool IsStoreGauge(std::string_view name);

}  // namespace ar
