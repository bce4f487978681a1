#include "ctl/step_projection.h"

#include "sequence/timeline.h"

namespace ar {

std::vector<ProjectedStep> ProjectUpcomingSteps(const SequenceDefinition& definition,
                                                const Enrolment& enrolment) {
  std::vector<ProjectedStep> steps;
  if (enrolment.state != EnrolmentState::kActive) return steps;
  // Sent steps are appended to a copy as they would be, so a step counted
  // "after previous" follows the projected time of the one before it.
  Enrolment assumed = enrolment;
  for (size_t i = enrolment.next_step; i < definition.steps.size(); ++i) {
    ProjectedStep projected;
    projected.step = i;
    if (i == enrolment.next_step) {
      projected.queued = enrolment.next_due.has_value();
      projected.due = enrolment.next_due;
      if (!projected.due) projected.problem = "not queued";
    } else if (!steps.back().due) {
      projected.problem = "follows a step without a time";
    } else {
      Result<TimePoint> due = StepDueTime(definition, i, assumed);
      if (due.ok()) {
        projected.due = *due;
      } else {
        projected.problem = due.status().message();
      }
    }
    if (projected.due) {
      assumed.history.push_back(SentStep{static_cast<uint32_t>(i), *projected.due, ""});
    }
    steps.push_back(std::move(projected));
  }
  return steps;
}

}  // namespace ar
