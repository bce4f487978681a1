// CommandContext: what every `autoresponder-ctl` command runs with, chosen
// once by the dispatcher (command_dispatch.h): the configuration, the clock,
// the store (opened on first use, so a usage error never creates a store
// directory) and the three standard streams. Not thread-safe; one command
// runs at a time.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>

#include "config/config.h"
#include "core/clock.h"
#include "core/result.h"
#include "core/status.h"
#include "store/store.h"

namespace ar {

// Exit status of the program (documented in autoresponder-ctl(8)).
enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,  // the store or the filesystem failed, or no such rule
  kExitUsage = 2,    // bad command line; one line and a hint are printed
  kExitDamaged = 3,  // the store is damaged (Status::Code::kCorruption)
};

struct CommandContext {
  const Config& config;
  const Clock& clock;
  std::function<Result<Store*>()> store;
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
};

// The line after a usage error.
inline constexpr const char* kUsageHint = "Try 'autoresponder-ctl --help' for more information.";

// Prints "autoresponder-ctl: MESSAGE" and kUsageHint on err; kExitUsage.
int UsageError(const CommandContext& ctx, const std::string& message);
// Prints "autoresponder-ctl: MESSAGE" on err; kExitFailure.
int Failure(const CommandContext& ctx, const std::string& message);
// UsageError for InvalidArgument, Failure for every other status but
// Corruption, which prints like Failure and returns kExitDamaged.
int FromStatus(const CommandContext& ctx, const Status& status);
// The store could not be opened: Failure, or kExitDamaged when it is
// damaged (a truncated data.mdb, store/data_file_check.h).
int StoreFailure(const CommandContext& ctx, const Status& status);

// The full usage text, ending in a newline.
const std::string& UsageText();

}  // namespace ar
