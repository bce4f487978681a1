// The steps still ahead of an enrolment, with the times they will go out if
// every earlier one is sent on time: the next step at the due time the store
// queued it for, each later one from timeline.h StepDueTime as if the ones
// before it had been sent at their projected times. Shown by `person show`
// and `schedule`. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "sequence/enrolment.h"
#include "sequence/sequence_definition.h"

namespace ar {

struct ProjectedStep {
  size_t step = 0;               // index into definition.steps
  std::optional<TimePoint> due;  // nullopt when it cannot be computed
  std::string problem;           // why not, when due is nullopt
  bool queued = false;           // the next step, waiting in the queue
};

// Nothing for an enrolment that is not active. definition must be the
// version the person entered.
std::vector<ProjectedStep> ProjectUpcomingSteps(const SequenceDefinition& definition,
                                                const Enrolment& enrolment);

}  // namespace ar
