#include "core/decision_trail.h"

namespace ar {

namespace {
// Subjects and details quote header text and addresses: one entry must
// stay one line in a log.
std::string OneLine(std::string text) {
  for (char& c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = ' ';
  }
  return text;
}
}  // namespace

const char* TrailOutcomeName(TrailOutcome outcome) {
  switch (outcome) {
    case TrailOutcome::kConsult: return "consult";
    case TrailOutcome::kPass: return "pass";
    case TrailOutcome::kStop: return "stop";
    case TrailOutcome::kNote: return "note";
  }
  return "note";
}

std::string FormatTrailEntry(const TrailEntry& entry) {
  std::string line = entry.subject + ": ";
  if (entry.outcome == TrailOutcome::kNote && entry.check.empty()) {
    return OneLine(line + entry.detail);  // "sequences: bob@example.org: enrolled in welcome"
  }
  if (entry.outcome == TrailOutcome::kConsult) {
    line += "consulted";
  } else {
    if (!entry.check.empty()) line += entry.check + ": ";
    line += TrailOutcomeName(entry.outcome);
  }
  if (!entry.detail.empty()) line += " (" + entry.detail + ")";
  return OneLine(std::move(line));
}

std::vector<std::string> RecordedTrail::Lines() const {
  std::vector<std::string> lines;
  lines.reserve(entries_.size());
  for (const TrailEntry& entry : entries_) lines.push_back(FormatTrailEntry(entry));
  return lines;
}

}  // namespace ar
