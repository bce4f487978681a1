// StoreInvariants: what must hold in a Store's LMDB environment whatever
// write failed before, read straight from the databases (FORMAT.md), not
// through the Store's own methods, so a bug in those cannot hide itself:
//   - every record decodes (queue, due, failed, responses, rules, the
//     sequence databases, meta);
//   - every queue item has exactly one `due` entry, at its due time, and
//     every `due` entry names an existing item;
//   - no id is both queued and failed; next_queue_id is above every id;
//   - every pending response has its queued reply (same user, sender,
//     generation);
//   - every active enrolment's queued step exists, is a step of that person,
//     sequence and next_step, and every queued step is the one its
//     enrolment names.
// An active enrolment whose step is on the failed list is not a violation
// (nothing was lost: the operator sees the step in the failed list) but is
// counted as stalled.
//
// The environment must not be open elsewhere in this process (LMDB's locks
// are per process): close the Store first. Not thread-safe; one call at a time.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/result.h"

namespace ar {

struct StoreInvariantReport {
  std::vector<std::string> violations;  // empty when every invariant held
  size_t queued = 0;
  size_t queued_steps = 0;
  size_t failed = 0;
  size_t pending_responses = 0;
  size_t active_enrolments = 0;
  size_t stalled_enrolments = 0;                   // active, their step on the failed list
  std::vector<std::string> sent_step_message_ids;  // from enrolment histories
  bool ok() const { return violations.empty(); }
  std::string Summary() const;  // the violations, one per line
};

// Opens the environment at path read-only and checks it. An error only when
// the environment cannot be opened or read at all.
Result<StoreInvariantReport> CheckStoreInvariants(const std::string& path);

}  // namespace ar
