// The milter's latched store error (store_error_file; the milter writes it,
// see milter/store_error_latch.h, when the store could not record a
// message's follow-ups):
//   store-error         prints it; exit 1 while latched, 0 when not (for
//                       monitoring scripts), 1 also when it cannot be read
//   store-error clear   removes it (the operator fixed the store)
// and the banner `stats` prints first while it is latched. Not thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/result.h"
#include "ctl/command_context.h"

namespace ar {

// The latch file's text; nullopt when nothing is latched (no file, or
// store_error_file is empty). IoError when it exists but cannot be read.
Result<std::optional<std::string>> ReadLatchedStoreError(const Config& config);

// "STORE ERROR LATCHED: first=... queue_id=... error=..." and the count and
// last lines indented, control characters as spaces, ending in a newline.
std::string FormatStoreErrorBanner(const std::string& latched);

int RunStoreErrorCommand(const CommandContext& ctx, const std::vector<std::string>& args);

}  // namespace ar
