// Logger: where diagnostic lines go. Chosen in main(): syslog (mail facility)
// for daemons, stderr under systemd or in a terminal, a capturing logger in
// tests. Thread-safe.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/syslog_socket.h"

namespace ar {

enum class LogLevel { kError = 0, kWarning = 1, kInfo = 2, kDebug = 3 };

// "error", "warning", "info", "debug" -> level; false when unknown.
bool ParseLogLevel(std::string_view name, LogLevel* level);

class Logger {
 public:
  explicit Logger(LogLevel level = LogLevel::kInfo) : level_(level) {}
  virtual ~Logger() = default;

  bool Enabled(LogLevel level) const { return level <= level_.load(std::memory_order_relaxed); }
  // A reload (SIGHUP) switches the level of a running daemon; lines being
  // written on other threads see the old or the new level, either is fine.
  void SetLevel(LogLevel level) { level_.store(level, std::memory_order_relaxed); }
  void Log(LogLevel level, std::string_view line) {
    if (Enabled(level)) Write(level, line);
  }
  void Error(std::string_view line) { Log(LogLevel::kError, line); }
  void Warning(std::string_view line) { Log(LogLevel::kWarning, line); }
  void Info(std::string_view line) { Log(LogLevel::kInfo, line); }
  void Debug(std::string_view line) { Log(LogLevel::kDebug, line); }

 protected:
  virtual void Write(LogLevel level, std::string_view line) = 0;

 private:
  std::atomic<LogLevel> level_;
};

// The local syslog socket (core/syslog_socket.h), facility mail, the
// program name as ident.
class SyslogLogger final : public Logger {
 public:
  SyslogLogger(const std::string& ident, LogLevel level, const std::string& socket_path);

 protected:
  void Write(LogLevel level, std::string_view line) override;

 private:
  SyslogSocket socket_;
};

// "<program>: <level>: <line>" on stderr; systemd's journal adds the rest.
class StderrLogger final : public Logger {
 public:
  StderrLogger(std::string program, LogLevel level) : Logger(level), program_(std::move(program)) {}

 protected:
  void Write(LogLevel level, std::string_view line) override;

 private:
  std::string program_;
  std::mutex mu_;
};

// Keeps every line; tests assert on them.
class CapturingLogger final : public Logger {
 public:
  explicit CapturingLogger(LogLevel level = LogLevel::kDebug) : Logger(level) {}
  std::vector<std::string> Lines() const {
    std::lock_guard<std::mutex> lock(mu_);
    return lines_;
  }
  bool Contains(std::string_view needle) const;

 protected:
  void Write(LogLevel level, std::string_view line) override;

 private:
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
};

// target: "syslog" (to syslog_socket) or "stderr".
std::unique_ptr<Logger> MakeLogger(const std::string& target, const std::string& program,
                                   LogLevel level, const std::string& syslog_socket = "/dev/log");

}  // namespace ar
