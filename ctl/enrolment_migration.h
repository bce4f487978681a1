// Explicit migration of an enrolment to another version of its sequence
// (`autoresponder-ctl sequence migrate`). People stay on the version they
// entered; only an operator moves them, and then by step NAME, never by
// position, so an edit that inserts, removes or reorders steps neither
// repeats nor skips one:
//   - the next step is the step of the new version with the name of the
//     person's next step in the old one; when the new version has no such
//     step the migration is refused with a message naming both, unless
//     the operator names the step to continue from;
//   - past steps keep their times and Message-IDs; their numbers are
//     renumbered by name too, and one whose name is gone is numbered
//     kStepNotInVersion (shown as a step of an earlier version);
//   - the next step's due time is computed again in the new version
//     (timeline.h StepDueTime) from the renumbered history.
// Pure; thread-safe.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>

#include "core/result.h"
#include "sequence/enrolment.h"
#include "sequence/sequence_definition.h"

namespace ar {

// A SentStep::step for a past step whose name the current version lacks.
inline constexpr uint32_t kStepNotInVersion = std::numeric_limits<uint32_t>::max();

// The enrolment as it is on `to`: version, renumbered history, next_step
// and next_due. InvalidArgument when the enrolment is not active, is already
// on to.version, when continue_at is out of range, or when the next step's
// name is not in `to` and continue_at is not given (the message names the
// step and the steps of `to`); the timeline's error when the due time
// cannot be computed.
Result<Enrolment> MigrateEnrolment(const Enrolment& enrolment, const SequenceDefinition& from,
                                   const SequenceDefinition& to, std::optional<size_t> continue_at);

}  // namespace ar
