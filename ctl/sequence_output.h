// What the sequence commands print: a sequence per line (`sequence list`),
// a definition in detail (`sequence show`), a person's enrolments (`person
// show`), suppressions, and schedule lines. Pure formatting of values; every
// string that came from a file, the store or mail goes through
// PrintableLine, so nothing printed can drive the operator's terminal.
// Thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/clock.h"
#include "ctl/step_projection.h"
#include "sequence/enrolment.h"
#include "sequence/sequence_definition.h"

namespace ar {

// "smtp", "local", "both": the trigger's direction as the file spells it.
const char* DirectionName(Direction direction);

// Whose address the trigger enrols: "envelope-sender", "envelope-recipient",
// "from", "reply-to" or "header:NAME".
std::string PersonSourceName(const TriggerSpec& trigger);

// The header lines of `sequence list`, `suppression list` and `schedule`,
// printed before the first row and never for an empty table (like
// output_format.h QueueListHeader): upper-case column names, so scripts
// skip the line whose first field is one (or use --json).
std::string SequenceListHeader();
std::string SuppressionListHeader();
std::string ScheduleHeader();

// NAME TAB VERSION(short) TAB "N steps" TAB "N active", ending in a newline.
std::string FormatSequenceLine(const SequenceDefinition& definition, size_t active);

// Every setting, the trigger conditions, each step (when, template, window)
// and each exit, one "name: value" line each.
std::string FormatSequenceDetails(const SequenceDefinition& definition, size_t active);

// "2026-12-24T10:00:00Z (2026-12-24T11:00+01:00)": UTC and local in zone.
std::string FormatTimeWithLocal(TimePoint t, const std::string& zone);

// "info" for a step of the definition, "#3" when the definition has no such
// step (a past step of an earlier version).
std::string StepLabel(const SequenceDefinition* definition, uint32_t step);

// One enrolment: sequence, version, state, enrolled, left (reason and
// time), name, variables, past steps (time, step, Message-ID) and upcoming
// steps. definition is the version the person entered, or nullptr when it
// cannot be read (problem says why); upcoming from ProjectUpcomingSteps.
std::string FormatEnrolmentDetails(const Enrolment& enrolment, const SequenceDefinition* definition,
                                   const std::string& problem,
                                   const std::vector<ProjectedStep>& upcoming);

// PERSON TAB REASON TAB SINCE(UTC) TAB "N soft bounces", ending in a newline.
std::string FormatSuppressionLine(const Suppression& suppression);

const char* EnrolmentStateName(EnrolmentState state);

}  // namespace ar
