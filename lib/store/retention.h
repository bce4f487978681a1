// Retention: how long the store keeps the records that grow with traffic,
// and the step-wise sweep that removes them afterwards
// (Store::SweepExpired, FORMAT.md "Retention"). Plain values.
//
// Rules, queued items, active enrolments and suppressions (consent records)
// are never swept.
#pragma once

#include <cstddef>
#include <string>

#include "core/clock.h"

namespace ar {

struct RetentionPolicy {
  // responses: a sent reply's record, once the rule's period since the
  // reply has passed (the sender would be answered again) plus this.
  Seconds history = Seconds(30 * 86400);
  // person_sends: once the newest send is older than this (the dispatcher's
  // frequency-cap window: older sends never count).
  Seconds person_sends = Seconds(86400);
  // triggers_seen: after the trigger mail enrolled someone.
  Seconds trigger_ids = Seconds(30 * 86400);
  // enrolments: an ended (completed or left) enrolment after its end, with
  // the sent_ids of its history. A person's enrolment that ended last stays
  // until `tokens` after its end too: it is what keeps their token.
  Seconds enrolments = Seconds(30 * 86400);
  // tokens: removed once their person has no enrolment left, i.e. at least
  // this long after the person's last enrolment ended, so VERP and
  // unsubscribe addresses in mail sent until then still resolve.
  Seconds tokens = Seconds(60 * 86400);
  // failed: after the item was given up.
  Seconds failed = Seconds(30 * 86400);
  // enrol_windows need no setting: a window goes once its own length has
  // passed since it started (it would start afresh at the next count).
};

// The databases a sweep goes through, in the order a full sweep takes them:
// enrolments before sent_ids and tokens, so what a swept enrolment leaves
// behind goes in the same sweep.
enum class SweptKind {
  kResponses = 0,
  kPersonSends,
  kTriggersSeen,
  kFailed,
  kEnrolments,
  kSentIds,
  kTokens,
  kEnrolWindows,
};
inline constexpr SweptKind kSweptKinds[] = {
    SweptKind::kResponses, SweptKind::kPersonSends,  SweptKind::kTriggersSeen,
    SweptKind::kFailed,    SweptKind::kEnrolments,   SweptKind::kSentIds,
    SweptKind::kTokens,    SweptKind::kEnrolWindows,
};

// The database name (FORMAT.md), for logs and metrics labels.
inline const char* SweptKindName(SweptKind kind) {
  switch (kind) {
    case SweptKind::kResponses:
      return "responses";
    case SweptKind::kPersonSends:
      return "person_sends";
    case SweptKind::kTriggersSeen:
      return "triggers_seen";
    case SweptKind::kFailed:
      return "failed";
    case SweptKind::kEnrolments:
      return "enrolments";
    case SweptKind::kSentIds:
      return "sent_ids";
    case SweptKind::kTokens:
      return "tokens";
    case SweptKind::kEnrolWindows:
      return "enrol_windows";
  }
  return "unknown";
}

// The bounds of one sweep step: records looked at (in one read
// transaction) and records removed (in one write transaction).
struct SweepLimits {
  size_t max_examined = 10000;
  size_t max_removed = 1000;
};

struct SweepStep {
  std::string resume_after;  // pass to the next step ("": nothing was examined)
  bool finished = false;     // the end of the database was reached
  size_t examined = 0;
  size_t removed = 0;
};

}  // namespace ar
