// TextfileExporter: a background thread that writes a program's metrics to
// its textfile (textfile.h) every few seconds, and once more when stopped,
// so the last counts before an exit are not lost. Rendering is the caller's
// function (e.g. counters plus store gauges), called on the exporter's
// thread.
//
// A failing write is logged once (warning) and again when writing works
// again, not every interval. An empty path makes an exporter that does
// nothing (the option's default: metrics off).
//
// Ownership: owns its thread; the destructor calls Stop(). render and the
// logger must outlive the exporter. Thread-safety: Start() and Stop() from
// one thread (main()); WriteNow() from any.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "core/logger.h"
#include "core/status.h"

namespace ar {

class TextfileExporter {
 public:
  static constexpr std::chrono::milliseconds kDefaultInterval{5000};

  TextfileExporter(std::string path, std::function<std::string()> render, Logger& logger,
                   std::chrono::milliseconds interval = kDefaultInterval);
  ~TextfileExporter();
  TextfileExporter(const TextfileExporter&) = delete;
  TextfileExporter& operator=(const TextfileExporter&) = delete;

  bool enabled() const { return !path_.empty(); }

  // Writes once now, then every interval until Stop(). No-op when disabled
  // or already started.
  void Start();
  // Ends the thread and writes a last time. Idempotent.
  void Stop();
  // Renders and writes now; Ok when disabled.
  Status WriteNow();

 private:
  void Loop();

  const std::string path_;
  const std::function<std::string()> render_;
  Logger& logger_;
  const std::chrono::milliseconds interval_;

  std::mutex write_mu_;  // one write at a time; guards failing_
  bool failing_ = false;

  std::mutex mu_;  // guards stop_
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace ar
