// A mistake on a daemon's command line (an unknown option, a bad value, an
// argument it does not take): one line naming it and where the options are
// documented, on stderr and to syslog like every start-up error, and the
// usage exit status both daemons' man pages document. Thread-safe.
#pragma once

#include <string>

namespace ar {

// The exit status of a usage or configuration error (EXIT STATUS in
// autoresponder-milter(8) and autoresponder-dispatcher(8)).
inline constexpr int kDaemonUsageExit = 2;

// "PROGRAM: MESSAGE (see PROGRAM(8))", control characters shown as spaces
// (the message may quote argv); written as ReportStartupError does.
// Returns kDaemonUsageExit.
int ReportUsageError(const std::string& program, const std::string& syslog_socket,
                     const std::string& message);

// True for an error of a command-line setting ("--name: ..."), false for
// one of the config file ("FILE:LINE: ..."), which the file's own place
// explains.
bool IsCommandLineError(const std::string& error);

}  // namespace ar
