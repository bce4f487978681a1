// `schedule --from WHEN --to WHEN [--tz ZONE]`: what will be sent between
// two times, one line each, in time order:
//   TIME TAB PERSON TAB SEQUENCE TAB STEP TAB queued|projected
// "queued" lines are the queue's items due in [from, to) (ListDueBetween;
// out-of-office replies too, with sequence "-" and step "reply"),
// "projected" ones the later steps of active members of the sequences in
// sequence_dir, on the time they get if every earlier step goes out on time
// (step_projection.h). Read-only. Not thread-safe.
#pragma once

#include <string>
#include <vector>

#include "ctl/command_context.h"

namespace ar {

int RunScheduleCommand(const CommandContext& ctx, const std::vector<std::string>& args);

}  // namespace ar
