// `autoresponder-ctl explain --from SENDER --to RCPT [--to RCPT]...
//  [--at WHEN] [--queue-id ID] MESSAGE_FILE`: what the milter would decide
// for this message, and why. Runs the milter's own decision code
// (responder/: the out-of-office rules and the sequences) against the store
// opened read-only, so nothing at all is written, and prints the decision
// trail (every rule and sequence consulted, every check with its outcome),
// the final decision and, decoded, the reply or first sequence mail that
// would be sent. MESSAGE_FILE is a stored message (headers and body; "-"
// reads standard input).
//
// Exit status (autoresponder-ctl(8)): 0 the milter would act (a reply or a
// sequence action), 1 it would do nothing, 2 a usage or configuration
// error, 3 the store could not be read.
#pragma once

#include <string>
#include <vector>

#include "ctl/command_context.h"

namespace ar {

inline constexpr int kExplainWouldAct = 0;
inline constexpr int kExplainNoAction = 1;
inline constexpr int kExplainUsage = 2;
inline constexpr int kExplainStoreFailure = 3;

int RunExplainCommand(const CommandContext& ctx, const std::vector<std::string>& args);

}  // namespace ar
