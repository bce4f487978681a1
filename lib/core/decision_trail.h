// DecisionTrail: where the pure decisions (policy/decision.h,
// sequence/sequence_decision.h) write down every rule or sequence they
// consult and every check with its outcome, for `autoresponder-ctl explain`
// and `log_level = debug`. A decision takes a DecisionTrail* that may be
// null; with null nothing is formatted, so the mail path pays one pointer
// test per check. Recording never changes a decision.
//
// The decision owns nothing here: the caller owns the trail and keeps it
// alive for the call. A trail is used by one decision at a time (not
// thread-safe); every milter message gets its own.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ar {

enum class TrailOutcome {
  kConsult,  // a rule or sequence is looked at next
  kPass,     // the check found no reason to stay silent / matched
  kStop,     // the check ends this rule's or sequence's path
  kNote,     // something decided (an action) or worth knowing
};
const char* TrailOutcomeName(TrailOutcome outcome);  // "consult", "pass", "stop", "note"

struct TrailEntry {
  std::string subject;  // "alice@example.org", "sequence welcome", "message"
  std::string check;    // "enabled", "window", "trigger", ...; "" for kConsult
  TrailOutcome outcome = TrailOutcome::kNote;
  std::string detail;  // "before start", "List-Id", ...
};

// One line: "alice@example.org: window: stop (outside-window before start)",
// "alice@example.org: consulted (out-of-office rule)", "sequences: NOTE".
std::string FormatTrailEntry(const TrailEntry& entry);

class DecisionTrail {
 public:
  virtual ~DecisionTrail() = default;
  virtual void Record(TrailEntry entry) = 0;
};

// Keeps every entry in order; explain prints them, tests assert on them.
class RecordedTrail final : public DecisionTrail {
 public:
  void Record(TrailEntry entry) override { entries_.push_back(std::move(entry)); }
  const std::vector<TrailEntry>& entries() const { return entries_; }
  std::vector<std::string> Lines() const;

 private:
  std::vector<TrailEntry> entries_;
};

// Records only when trail is set; the strings are built by the caller, so
// callers on the mail path test `trail != nullptr` before formatting.
inline void RecordCheck(DecisionTrail* trail, std::string subject, std::string check,
                        TrailOutcome outcome, std::string detail = "") {
  if (trail != nullptr)
    trail->Record({std::move(subject), std::move(check), outcome, std::move(detail)});
}

}  // namespace ar
