#include "metrics/textfile_exporter.h"

#include "metrics/textfile.h"

namespace ar {

TextfileExporter::TextfileExporter(std::string path, std::function<std::string()> render,
                                   Logger& logger, std::chrono::milliseconds interval)
    : path_(std::move(path)),
      render_(std::move(render)),
      logger_(logger),
      interval_(std::max(interval, std::chrono::milliseconds(1))) {}

TextfileExporter::~TextfileExporter() { Stop(); }

void TextfileExporter::Start() {
  if (!enabled() || thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = false;
  }
  thread_ = std::thread([this] { Loop(); });
}

void TextfileExporter::Stop() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
  WriteNow();
}

Status TextfileExporter::WriteNow() {
  if (!enabled()) return Status::Ok();
  std::lock_guard<std::mutex> lock(write_mu_);
  Status status = WriteTextfileAtomically(path_, render_());
  // Metrics must never flood the mail log: say it when it breaks and when
  // it heals, not every few seconds in between.
  if (!status.ok() && !failing_) {
    logger_.Warning("cannot write metrics file: " + status.ToString());
  } else if (status.ok() && failing_) {
    logger_.Info("writing metrics file " + path_ + " again");
  }
  failing_ = !status.ok();
  return status;
}

void TextfileExporter::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    lock.unlock();
    WriteNow();
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stop_; });
  }
}

}  // namespace ar
