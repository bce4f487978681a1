#include "daemon/usage_error.h"

#include "core/syslog_socket.h"

namespace ar {

int ReportUsageError(const std::string& program, const std::string& syslog_socket,
                     const std::string& message) {
  std::string line = message + " (see " + program + "(8))";
  for (char& c : line) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) c = ' ';
  }
  ReportStartupError(program, syslog_socket, line);
  return kDaemonUsageExit;
}

bool IsCommandLineError(const std::string& error) { return error.rfind("--", 0) == 0; }

}  // namespace ar
