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
    case TrailOutcome::kConsult:
      return "consult";
    case TrailOutcome::kPass:
      return "pass";
    case TrailOutcome::kStop:
      return "stop";
    case TrailOutcome::kNote:
      return "note";
  }
  return "note";
}

std::string FormatTrailEntry(const TrailEntry& entry) {
  std::string line = entry.subject + ": ";
  switch (entry.outcome) {
    case TrailOutcome::kConsult:
      line += "consulted";
      break;
    case TrailOutcome::kNote:
      // "sequences: bob@example.org: enrolled in welcome" reads as a sentence.
      if (entry.check.empty()) return OneLine(line + entry.detail);
      line += entry.check;
      break;
    case TrailOutcome::kPass:
    case TrailOutcome::kStop:
      if (!entry.check.empty()) line += entry.check + ": ";
      line += TrailOutcomeName(entry.outcome);
      break;
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
