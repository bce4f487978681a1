// The Prometheus text exposition format (version 0.0.4), by hand: it is a
// few lines of "name{label="value"} number" under "# HELP" and "# TYPE"
// comments, simple enough not to need a client library.
//
//   FormatExposition  - samples -> text, grouped by metric, with the HELP and
//                       TYPE of every metric this project defines
//                       (KnownMetrics()).
//   ParseExposition   - text -> samples, for `autoresponder-ctl stats`,
//                       which reads back the files the daemons write. The
//                       text is treated as untrusted: a bad line is an
//                       error value naming the line, never a crash.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace ar {

struct Label {
  std::string name;
  std::string value;
  bool operator==(const Label&) const = default;
};

struct Sample {
  std::string name;  // the metric name, e.g. "autoresponder_decisions_total"
  std::vector<Label> labels;
  double value = 0;
};

struct MetricInfo {
  const char* name;
  const char* type;  // "counter" or "gauge"
  const char* help;  // one line
};

// Every metric the programs export, in the order they are printed.
const std::vector<MetricInfo>& KnownMetrics();
// nullptr when name is not one of KnownMetrics().
const MetricInfo* FindMetric(std::string_view name);

// One HELP and one TYPE line per metric (in order of first appearance),
// followed by all of its samples in the order given. A metric this project
// does not define gets "# TYPE name untyped". Ends in a newline.
std::string FormatExposition(const std::vector<Sample>& samples);

// Integers print without exponent or fraction ("12", not "1.2e+01").
std::string FormatSampleValue(double value);

// Comments and blank lines are skipped; a timestamp after the value is
// ignored. InvalidArgument "line N: ..." on the first malformed line.
Result<std::vector<Sample>> ParseExposition(std::string_view text);

}  // namespace ar
