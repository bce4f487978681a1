// WriteFaults: the one StoreFaults double of the tests (StoreOptions::faults).
// It notes every write the store is about to make and fails with the status
// it was given:
//   - every write while `failing` is set (only those called `only`, when a
//     test names one), as a full or unwritable disk would;
//   - the fail_at-th write counted since Arm(), once (0: never), as the
//     fault-injection loop wants.
// Arm() forgets the writes seen so far (a scenario's setup) and counts from
// then on.
//
// Shared between the store and the test; thread-safe (a mutex), since the
// dispatcher may write from several threads.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "store/store.h"

namespace ar::testing {

class WriteFaults final : public StoreFaults {
 public:
  explicit WriteFaults(Status failure, size_t fail_at = 0)
      : failure_(std::move(failure)), fail_at_(fail_at) {}

  void Arm() {
    std::lock_guard<std::mutex> lock(mu_);
    armed_ = true;
    operations_.clear();
  }
  // Called (under this object's lock) when the fail_at-th write fails, e.g.
  // to note how many mails had gone out by then. Set before Arm().
  void OnFailure(std::function<void()> on_failure) { on_failure_ = std::move(on_failure); }
  // With `failing`, fail only writes called operation. Set before writes.
  void FailOnly(std::string operation) { only_ = std::move(operation); }

  std::atomic<bool> failing{false};

  Status BeforeWrite(std::string_view operation) override {
    std::lock_guard<std::mutex> lock(mu_);
    operations_.emplace_back(operation);
    if (failing.load() && (only_.empty() || operation == only_)) return failure_;
    if (armed_ && fail_at_ != 0 && operations_.size() == fail_at_) {
      failed_operation_ = std::string(operation);
      if (on_failure_) on_failure_();
      return failure_;
    }
    return Status::Ok();
  }

  // The writes since Arm() (or since the start), failed ones included.
  std::vector<std::string> operations() const {
    std::lock_guard<std::mutex> lock(mu_);
    return operations_;
  }
  size_t writes() const {
    std::lock_guard<std::mutex> lock(mu_);
    return operations_.size();
  }
  size_t Count(std::string_view operation) const {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<size_t>(std::count(operations_.begin(), operations_.end(), operation));
  }
  // "" until the fail_at-th write happened.
  std::string failed_operation() const {
    std::lock_guard<std::mutex> lock(mu_);
    return failed_operation_;
  }
  bool hit() const { return !failed_operation().empty(); }

 private:
  mutable std::mutex mu_;
  const Status failure_;
  const size_t fail_at_;
  std::string only_;
  bool armed_ = false;
  std::vector<std::string> operations_;
  std::string failed_operation_;
  std::function<void()> on_failure_;
};

}  // namespace ar::testing
