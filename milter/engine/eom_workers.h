// EomWorkers: the threads that run ends of message. An end of message waits
// for the store's group commit, which batches across connections only when
// several of them wait at once, so the pool is larger than the core count.
// Each finished job's replies are queued and the event thread woken through
// an eventfd.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "milter/engine/protocol_connection.h"

namespace ar::milter_engine {

class EomWorkers {
 public:
  struct Done {
    uint64_t connection = 0;
    std::string replies;
  };

  // wake_fd: an eventfd the event thread polls; written once per job done.
  EomWorkers(size_t threads, int wake_fd);
  ~EomWorkers();  // finishes queued jobs, then joins
  EomWorkers(const EomWorkers&) = delete;
  EomWorkers& operator=(const EomWorkers&) = delete;

  // protocol must stay alive and untouched until its Done is taken.
  void Submit(uint64_t connection, ProtocolConnection* protocol);
  std::vector<Done> TakeDone();

 private:
  void Work();

  int wake_fd_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::pair<uint64_t, ProtocolConnection*>> jobs_;
  std::vector<Done> done_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace ar::milter_engine
