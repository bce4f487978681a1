// `--json` output of the sequence read commands (`sequence list`, `sequence
// show`, `person show`, `schedule`), built with the same writer as the other
// read commands (json_output.h) and under the same promise: the field names
// documented in autoresponder-ctl(8) ("JSON OUTPUT") are only ever added to,
// never renamed. Values are kept as stored (JSON escapes what the terminal
// text replaces); PrintJson makes bytes that are not UTF-8 U+FFFD.
// Pure; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "ctl/json_output.h"
#include "ctl/step_projection.h"
#include "sequence/enrolment.h"
#include "sequence/sequence_definition.h"

namespace ar {

// One element of `sequence list`: name, version (the full hash), file,
// description, step_count, active.
Json SequenceSummaryJson(const SequenceDefinition& definition, size_t active);

// `sequence show`: the summary's fields (but steps instead of step_count),
// time_zone, person_time_zone_variable, from, list_id, re_entry
// ("ignore"|"restart"|"after"), re_entry_after_seconds, coupon_format,
// confirm ("none"|"double-opt-in"), confirm_template,
// confirm_expiry_seconds, legal_basis, trigger, steps, exits.
Json SequenceDetailsJson(const SequenceDefinition& definition, size_t active);

// One enrolment of `person show`. definition is the version the person
// entered, or nullptr when it cannot be read (problem says why); upcoming
// from ProjectUpcomingSteps.
Json EnrolmentJson(const Enrolment& enrolment, const SequenceDefinition* definition,
                   const std::string& problem, const std::vector<ProjectedStep>& upcoming);

// The consent record: state ("unrecorded"|"by-trigger"|"awaiting-request"|
// "requested"|"confirmed"|"unconfirmed"), trigger, source_message_id,
// at, legal_basis, double_opt_in, requested_at, confirmed_at, expires_at.
Json ConsentJson(const Enrolment& enrolment);

// `person show`: person, suppression (null, or reason, at, soft_bounces),
// enrolments.
Json PersonJson(const std::string& person, const std::optional<Suppression>& suppression,
                const Json& enrolments);

// One line of `schedule`.
struct ScheduleEntry {
  TimePoint due;
  std::string person;
  std::string sequence;          // "" for an out-of-office reply
  std::string step;              // the step's label; "" for a reply
  std::optional<uint64_t> item;  // the queue item; none when projected
  bool projected = false;
};

// due, kind ("reply"|"step"), person, sequence, step (both null for a
// reply), state ("queued"|"projected"), item (the queue id; null when
// projected).
Json ScheduleEntryJson(const ScheduleEntry& entry);

}  // namespace ar
