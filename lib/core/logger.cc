#include "core/logger.h"

#include <cstdio>

namespace ar {

bool ParseLogLevel(std::string_view name, LogLevel* level) {
  if (name == "error") *level = LogLevel::kError;
  else if (name == "warning") *level = LogLevel::kWarning;
  else if (name == "info") *level = LogLevel::kInfo;
  else if (name == "debug") *level = LogLevel::kDebug;
  else return false;
  return true;
}

namespace {
const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kError: return "error";
    case LogLevel::kWarning: return "warning";
    case LogLevel::kInfo: return "info";
    case LogLevel::kDebug: return "debug";
  }
  return "info";
}
}  // namespace

SyslogLogger::SyslogLogger(const std::string& ident, LogLevel level, const std::string& socket_path)
    : Logger(level), socket_(socket_path, ident) {}

void SyslogLogger::Write(LogLevel level, std::string_view line) { socket_.Send(level, line); }

void StderrLogger::Write(LogLevel level, std::string_view line) {
  std::lock_guard<std::mutex> lock(mu_);
  std::fprintf(stderr, "%s: %s: %.*s\n", program_.c_str(), LevelName(level),
               static_cast<int>(line.size()), line.data());
  std::fflush(stderr);
}

void CapturingLogger::Write(LogLevel level, std::string_view line) {
  std::lock_guard<std::mutex> lock(mu_);
  lines_.push_back(std::string(LevelName(level)) + ": " + std::string(line));
}

bool CapturingLogger::Contains(std::string_view needle) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& l : lines_)
    if (l.find(needle) != std::string::npos) return true;
  return false;
}

std::unique_ptr<Logger> MakeLogger(const std::string& target, const std::string& program,
                                   LogLevel level, const std::string& syslog_socket) {
  if (target == "syslog") return std::make_unique<SyslogLogger>(program, level, syslog_socket);
  return std::make_unique<StderrLogger>(program, level);
}

}  // namespace ar
