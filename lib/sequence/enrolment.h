// Enrolment: one person's place in one sequence, as the store keeps it.
// A plain value.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"

namespace ar {

enum class EnrolmentState { kActive = 1, kCompleted = 2, kLeft = 3 };

// "active", "completed", "left": the names logs and the CLI show.
inline const char* EnrolmentStateName(EnrolmentState state) {
  switch (state) {
    case EnrolmentState::kActive: return "active";
    case EnrolmentState::kCompleted: return "completed";
    case EnrolmentState::kLeft: return "left";
  }
  return "unknown";
}

struct SentStep {
  uint32_t step = 0;        // index into SequenceDefinition::steps
  TimePoint sent_at;        // when the MTA accepted it
  std::string message_id;   // "<...>"
  bool skipped = false;     // not sent: overdue past the catch-up limit (SkipStep)
};

struct Enrolment {
  std::string person;        // normalised address
  std::string display_name;  // as captured, for personalisation
  std::string sequence;
  std::string version;       // the definition version entered (see sequence_definition.h)
  std::map<std::string, std::string> variables;  // captured at enrolment
  TimePoint enrolled_at;
  EnrolmentState state = EnrolmentState::kActive;
  std::string left_reason;   // exit name, "reply", "unsubscribe", "hard-bounce", "manual", "moved:<seq>"
  std::optional<TimePoint> left_at;
  uint32_t next_step = 0;    // the step scheduled next (== steps.size() when done)
  std::optional<TimePoint> next_due;
  std::vector<SentStep> history;
  uint32_t steps_since_engagement = 0;
  std::optional<TimePoint> last_engagement;
  std::string trigger_message_id;  // the mail that enrolled them
};

// A message we sent, found again by its Message-ID (replies name it).
struct SentMessageRef {
  std::string person;
  std::string sequence;
  uint32_t step = 0;
};

struct Suppression {
  std::string person;
  std::string reason;  // "unsubscribe", "hard-bounce", "soft-bounces", "manual"
  TimePoint at;
  uint32_t soft_bounces = 0;  // counted 4.x.x DSNs (suppressed at the limit)
};

}  // namespace ar
