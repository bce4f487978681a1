// EventEngine: the milter protocol on one epoll thread. Sockets are
// non-blocking; each readable connection is read as far as the kernel has
// bytes, every complete packet handled, and the replies written with one
// write. Ends of message run on EomWorkers and come back through an eventfd.
//
// Limits: at most max_connections connections (more are closed at once,
// with a log line); per connection at most one packet plus one read of
// input and kMaxPendingOutput of unsent replies buffered; a connection
// silent for idle_timeout (libmilter's default, 7210 s) is closed.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include "core/logger.h"
#include "core/status.h"
#include "milter/engine/message_handler.h"

namespace ar::milter_engine {

struct EngineOptions {
  size_t max_connections = 1024;
  size_t eom_threads = 16;
  std::chrono::milliseconds idle_timeout = std::chrono::seconds(7210);
};

class EventEngine {
 public:
  using HandlerFactory = std::function<std::unique_ptr<MessageHandler>()>;

  // Takes ownership of listen_fd (a listening, non-blocking socket).
  EventEngine(int listen_fd, HandlerFactory factory, Logger& logger, EngineOptions options);
  ~EventEngine();
  EventEngine(const EventEngine&) = delete;
  EventEngine& operator=(const EventEngine&) = delete;

  // Serves until Stop(); then stops accepting, lets every end of message in
  // flight finish and its reply go out, closes the rest and returns.
  [[nodiscard]] Status Run();
  // From any thread; async-signal-safe.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ar::milter_engine
