#include "milter/engine/eom_workers.h"

#include <libmilter/mfdef.h>
#include <unistd.h>

#include "milter/engine/codec.h"

namespace ar::milter_engine {

EomWorkers::EomWorkers(size_t threads, int wake_fd) : wake_fd_(wake_fd) {
  if (threads == 0) threads = 1;
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
}

EomWorkers::~EomWorkers() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void EomWorkers::Submit(uint64_t connection, ProtocolConnection* protocol) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    jobs_.emplace_back(connection, protocol);
  }
  ready_.notify_one();
}

std::vector<EomWorkers::Done> EomWorkers::TakeDone() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<Done> done;
  done.swap(done_);
  return done;
}

void EomWorkers::Work() {
  for (;;) {
    std::pair<uint64_t, ProtocolConnection*> job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, nothing left
      job = jobs_.front();
      jobs_.pop_front();
    }
    Done done{job.first, {}};
    try {
      job.second->RunEndOfMessage(&done.replies);
    } catch (...) {
      // Out of memory while encoding: the message goes on.
      done.replies.clear();
      EncodeReply(SMFIR_CONTINUE, {}, &done.replies);
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_.push_back(std::move(done));
    }
    const uint64_t one = 1;
    ssize_t written = write(wake_fd_, &one, sizeof one);
    (void)written;  // an eventfd write fails only when the counter is full: already awake
  }
}

}  // namespace ar::milter_engine
