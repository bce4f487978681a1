#include "store/write_batcher.h"

#include <algorithm>
#include <exception>
#include <string>
#include <utility>

namespace ar {

WriteBatcher::WriteBatcher(LmdbEnv& env, uint64_t max_map_size, std::shared_ptr<StoreFaults> faults,
                           size_t max_batch)
    : env_(env),
      max_map_size_(max_map_size),
      faults_(std::move(faults)),
      max_batch_(std::max<size_t>(max_batch, 1)) {}

void WriteBatcher::SetReserve(uint64_t reserve, Measure bytes_in_use) {
  reserve_ = std::min(reserve, max_map_size_);
  bytes_in_use_ = std::move(bytes_in_use);
}

WriteStats WriteBatcher::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return WriteStats{operations_.load(), commits_.load(), queue_.size()};
}

Status WriteBatcher::Run(std::string_view operation, const Body& body, Use use) {
  // A thread holding a transaction would wait for itself if the batch has
  // to grow the map (lmdb_env.h): refuse instead of hanging.
  if (env_.HeldByThisThread()) {
    return Status::InvalidArgument(std::string(operation) +
                                   ": write started while holding a transaction");
  }
  Request request;
  request.operation = operation;
  request.body = &body;
  request.use = use;

  std::unique_lock<std::mutex> lock(mu_);
  queue_.push_back(&request);
  while (!request.done && queue_.front() != &request) request.woken.wait(lock);
  if (request.done) return request.status;

  // Leader: the batch stays at the front of the queue while it runs, so
  // writers that arrive meanwhile queue behind it for the next batch.
  std::vector<Request*> batch;
  for (Request* queued : queue_) {
    if (batch.size() == max_batch_) break;
    batch.push_back(queued);
  }
  lock.unlock();
  Execute(batch);
  lock.lock();

  for (Request* finished : batch) {
    queue_.pop_front();
    finished->done = true;
    if (finished != &request) finished->woken.notify_one();
  }
  if (!queue_.empty()) queue_.front()->woken.notify_one();
  return request.status;
}

void WriteBatcher::Execute(const std::vector<Request*>& batch) {
  operations_ += batch.size();
  for (;;) {
    const bool at_cap = env_.map_size() >= max_map_size_;
    Status attempt = Attempt(batch, at_cap);
    if (attempt.ok()) return;
    if (attempt.code() == Status::Code::kFull && !at_cap) {
      Status grown = env_.Grow(max_map_size_);
      if (grown.ok()) continue;
      // Full here: another process took the map to the limit meanwhile.
      if (grown.code() == Status::Code::kFull) continue;
      for (Request* r : batch) r->status = grown;
      return;
    }
    if (attempt.code() == Status::Code::kFull && batch.size() > 1) {
      // At the limit the commit itself did not fit: run each request alone
      // so that the ones that fit still commit.
      for (Request* r : batch) {
        Status alone = Attempt({r}, true);
        if (!alone.ok()) r->status = alone;
      }
      return;
    }
    for (Request* r : batch) r->status = attempt;
    return;
  }
}

Status WriteBatcher::Attempt(const std::vector<Request*>& batch, bool at_cap) {
  Result<LmdbTxn> parent = LmdbTxn::BeginWrite(env_);
  if (!parent.ok()) return parent.status();
  for (Request* r : batch) {
    Status s = RunOne(*parent, *r);
    // Below the limit a request that does not fit makes the map grow; at
    // the limit it fails alone. An injected Full is the request's own.
    const bool injected = r->fault && !r->fault->ok();
    if (s.code() == Status::Code::kFull && !at_cap && !injected && !r->refused) return s;
    r->status = std::move(s);
  }
  Status committed = parent->Commit();
  if (committed.ok()) ++commits_;
  return committed;
}

Status WriteBatcher::RunOne(LmdbTxn& parent, Request& r) {
  Result<LmdbTxn> nested = LmdbTxn::BeginNested(parent);
  if (!nested.ok()) return nested.status();
  r.refused = false;  // the batch may run again after the map grew
  if (!r.fault) r.fault = faults_ ? faults_->BeforeWrite(r.operation) : Status::Ok();
  if (!r.fault->ok()) return *r.fault;  // the nested transaction aborts unused
  if (r.use == Use::kOutsideReserve && reserve_ > 0 && bytes_in_use_) {
    Result<uint64_t> in_use = bytes_in_use_(*nested);
    if (!in_use.ok()) return in_use.status();
    const uint64_t limit = max_map_size_ - reserve_;
    if (*in_use >= limit) {
      r.refused = true;
      return Status::Full(std::string(r.operation) + ": store is full: " + std::to_string(*in_use) +
                          " bytes in use, the limit for new entries is " + std::to_string(limit) +
                          " (store_map_size less store_reserve, kept "
                          "for sending what is queued)");
    }
  }
  Status s;
  // The leader runs other threads' bodies: an exception must not escape
  // and leave them waiting forever.
  try {
    s = (*r.body)(*nested);
  } catch (const std::exception& e) {
    s = Status::IoError(std::string(r.operation) + ": " + e.what());
  } catch (...) {
    s = Status::IoError(std::string(r.operation) + ": unknown exception");
  }
  if (!s.ok()) return s;  // ~LmdbTxn aborts only this request's changes
  return nested->Commit();
}

}  // namespace ar
