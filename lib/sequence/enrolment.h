// Enrolment: one person's place in one sequence, as the store keeps it.
// A plain value.
#pragma once

#include <cstdint>
#include <limits>
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

// The step number of a double opt-in confirmation mail: in a queue item, a
// SentMessageRef and Enrolment::next_step while the person has not confirmed.
// No sequence has that many steps.
inline constexpr uint32_t kConfirmationStep = std::numeric_limits<uint32_t>::max();

// Why and how a person came to be enrolled: the consent record kept with
// each enrolment (shown by `autoresponder-ctl person show`). The source
// Message-ID is Enrolment::trigger_message_id and the time enrolled_at.
struct Consent {
  std::string trigger;      // "trigger", "moved from <sequence>", "manual"; "" before records
  std::string legal_basis;  // the sequence's legal_basis text at enrolment
  bool double_opt_in = false;              // nothing but the confirmation until confirmed
  std::optional<TimePoint> requested_at;   // the confirmation mail was accepted by the MTA
  std::optional<TimePoint> confirmed_at;
  std::optional<TimePoint> expires_at;     // unconfirmed by then: the enrolment ends
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
  Consent consent;

  // A double opt-in enrolment whose confirmation has not come (yet).
  bool AwaitingConfirmation() const { return consent.double_opt_in && !consent.confirmed_at; }
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
