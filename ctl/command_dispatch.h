// The whole of `autoresponder-ctl` as a function: global options (through
// the options table: --config, --store_path, --clock, ...), then the
// command. main() only passes argv and the standard streams, so tests can
// run the program in-process. Not thread-safe.
#pragma once

#include <iosfwd>

namespace ar {

inline constexpr const char* kDefaultConfigPath =
    "/etc/autoresponder-milter/autoresponder-milter.conf";
// Names the configuration file when --config is not given; a file it names
// must exist, as one --config names must.
inline constexpr const char* kConfigEnvironmentVariable = "AUTORESPONDER_CONFIG";

// Returns the exit status (ExitCode in command_context.h).
int RunCtl(int argc, const char* const* argv, std::istream& in, std::ostream& out,
           std::ostream& err);

}  // namespace ar
