#include "ctl/enrolment_migration.h"

#include <string>

#include "sequence/timeline.h"

namespace ar {

namespace {

std::optional<size_t> StepNamed(const SequenceDefinition& definition, const std::string& name) {
  for (size_t i = 0; i < definition.steps.size(); ++i) {
    if (definition.steps[i].name == name) return i;
  }
  return std::nullopt;
}

std::string StepNames(const SequenceDefinition& definition) {
  std::string names;
  for (const StepSpec& step : definition.steps) names += (names.empty() ? "" : ", ") + step.name;
  return names.empty() ? "none" : names;
}

}  // namespace

Result<Enrolment> MigrateEnrolment(const Enrolment& enrolment, const SequenceDefinition& from,
                                   const SequenceDefinition& to,
                                   std::optional<size_t> continue_at) {
  if (enrolment.state != EnrolmentState::kActive) {
    return Status::InvalidArgument(enrolment.person + " is no longer active in " + to.name);
  }
  if (enrolment.version == to.version) {
    return Status::InvalidArgument(enrolment.person + " is already on the current version");
  }
  size_t next = 0;
  if (continue_at) {
    if (*continue_at >= to.steps.size()) {
      return Status::InvalidArgument("the current version of " + to.name + " has only " +
                                     std::to_string(to.steps.size()) + " steps");
    }
    next = *continue_at;
  } else {
    // Its confirmation mail is the version's, whatever comes after.
    if (enrolment.AwaitingConfirmation()) {
      return Status::InvalidArgument(enrolment.person + " has not confirmed " + to.name +
                                     " yet; migrate after the confirmation");
    }
    if (enrolment.next_step >= from.steps.size()) {
      return Status::InvalidArgument(enrolment.person + "'s next step " +
                                     std::to_string(enrolment.next_step + 1) +
                                     " is not in their version of " + to.name);
    }
    const std::string& name = from.steps[enrolment.next_step].name;
    std::optional<size_t> found = StepNamed(to, name);
    if (!found) {
      return Status::InvalidArgument(enrolment.person + "'s next step '" + name +
                                     "' is not in the current version of " + to.name +
                                     " (steps: " + StepNames(to) +
                                     "); give --restart-step N to say where they continue");
    }
    next = *found;
  }

  Enrolment migrated = enrolment;
  migrated.version = to.version;
  for (SentStep& sent : migrated.history) {
    std::optional<size_t> renumbered;
    if (sent.step < from.steps.size()) renumbered = StepNamed(to, from.steps[sent.step].name);
    sent.step = renumbered ? static_cast<uint32_t>(*renumbered) : kStepNotInVersion;
  }
  migrated.next_step = static_cast<uint32_t>(next);
  Result<TimePoint> due = StepDueTime(to, next, migrated);
  if (!due.ok()) return due.status();
  migrated.next_due = *due;
  return migrated;
}

}  // namespace ar
