// WriteBatcher: group commit for one LmdbEnv. Threads that write at the same
// time share one LMDB write transaction and therefore one sync, instead of
// one sync each.
//
// A writer hands in a request (an operation name and a body that makes its
// changes in a given transaction) and waits. The first waiting writer
// becomes the leader: it takes every queued request (at most max_batch),
// begins ONE write transaction, runs each request in its own nested
// transaction -- so a request that fails (bad key, Full, an injected fault)
// is undone alone -- commits the parent once, and wakes each writer with its
// own Status. There is no extra thread; a writer that arrives while a batch
// is committing waits for the next one. A call returns only after the batch
// that holds its request is durable.
//
// Map growth: when a request or the commit does not fit the map, the whole
// batch is aborted, the map doubled (never beyond max_map_size) and the
// batch run again. At the limit, the request that does not fit fails with
// Full and the others commit. Bodies may therefore run more than once: a
// body must write its outputs only through variables a re-run overwrites
// (clear them at its start).
//
// The reserve: the last `reserve` bytes of max_map_size are kept for the
// writes that drain the queue (claim, sent, retry, failed, defer, ...), so a
// store that filled up can always be emptied. A request run with
// Use::kOutsideReserve (a new reply, a new enrolment: the milter's writes)
// fails with Full, writing nothing, when the data in use (bytes_in_use, as
// seen inside its transaction) already reaches max_map_size - reserve. Such
// a refusal does not make the map grow, as it is no lack of map.
//
// Faults (tests): StoreFaults::BeforeWrite(operation) is consulted once per
// request, inside its nested transaction before its body runs; a non-ok
// Status fails that request with that status, writing nothing of it.
//
// Ownership: borrows the env (which must outlive it) and shares the faults.
// Thread-safety: Run() may be called from any number of threads. A caller
// must not hold a transaction of the env (lmdb_env.h, "Map gate").
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "store/lmdb_env.h"
#include "store/store.h"

namespace ar {

// How many write requests ran and how many write transactions committed
// them; operations / commits is the mean batch size.
struct WriteStats {
  uint64_t operations = 0;
  uint64_t commits = 0;
  uint64_t waiting = 0;  // requests queued right now, the running batch included
};

class WriteBatcher {
 public:
  using Body = std::function<Status(LmdbTxn&)>;
  // The bytes of data in use as seen by a transaction (live pages times
  // the page size, not counting free pages LMDB will reuse).
  using Measure = std::function<Result<uint64_t>(LmdbTxn&)>;
  // Whether a request may fill the reserve (see above).
  enum class Use { kReserve, kOutsideReserve };

  static constexpr size_t kDefaultMaxBatch = 512;

  WriteBatcher(LmdbEnv& env, uint64_t max_map_size, std::shared_ptr<StoreFaults> faults,
               size_t max_batch = kDefaultMaxBatch);
  // Keeps reserve bytes (less than max_map_size) for Use::kReserve
  // requests; bytes_in_use measures. Call before the first Run().
  void SetReserve(uint64_t reserve, Measure bytes_in_use);
  WriteBatcher(const WriteBatcher&) = delete;
  WriteBatcher& operator=(const WriteBatcher&) = delete;

  // Runs body in a write transaction shared with concurrent callers; returns
  // once that transaction is durable (ok) or the request failed (its
  // changes undone). operation names the request for faults and errors and
  // must stay valid until Run returns.
  Status Run(std::string_view operation, const Body& body, Use use = Use::kReserve);

  WriteStats stats() const;

 private:
  struct Request {
    std::string_view operation;
    const Body* body = nullptr;
    Status status;
    std::optional<Status> fault;  // the hook's answer, asked once per request
    Use use = Use::kReserve;
    bool refused = false;  // Full for want of room outside the reserve
    bool done = false;
    std::condition_variable woken;
  };

  // Runs the batch to its end: every request gets its final status.
  void Execute(const std::vector<Request*>& batch);
  // One attempt in one write transaction. Ok: committed, each request's
  // status set. Full: the map must grow (a request or the commit did not
  // fit; with at_cap a request that does not fit fails alone instead).
  // Anything else: the transaction failed as a whole.
  Status Attempt(const std::vector<Request*>& batch, bool at_cap);
  Status RunOne(LmdbTxn& parent, Request& request);

  LmdbEnv& env_;
  const uint64_t max_map_size_;
  const std::shared_ptr<StoreFaults> faults_;
  const size_t max_batch_;
  uint64_t reserve_ = 0;
  Measure bytes_in_use_;

  mutable std::mutex mu_;
  std::deque<Request*> queue_;  // guarded by mu_; the front one leads

  std::atomic<uint64_t> operations_{0};
  std::atomic<uint64_t> commits_{0};
};

}  // namespace ar
