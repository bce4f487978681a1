// NthWriteFault: the StoreFaults of the fault-injection loop. Once armed, it
// counts write operations and fails the N-th one (and only that one) with
// the status it was given; every other write goes through. It remembers the
// name of every write it saw, so a run can tell how many writes the scenario
// made and which one failed.
//
// Shared between the store (StoreOptions::faults) and the test.
// Thread-safe (a mutex): the dispatcher may write from several threads.
#pragma once

#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "store/store.h"

namespace ar {

class NthWriteFault final : public StoreFaults {
 public:
  // fail_at 0: never fail, only count.
  NthWriteFault(size_t fail_at, Status failure) : fail_at_(fail_at), failure_(std::move(failure)) {}

  // Writes before Arm() (the scenario's setup) are neither counted nor failed.
  void Arm() {
    std::lock_guard<std::mutex> lock(mu_);
    armed_ = true;
  }
  // Called (under this object's lock) when the N-th write fails, e.g. to
  // note how many mails had gone out by then. Set before Arm().
  void OnFailure(std::function<void()> on_failure) { on_failure_ = std::move(on_failure); }

  Status BeforeWrite(std::string_view operation) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!armed_) return Status::Ok();
    operations_.emplace_back(operation);
    if (operations_.size() == fail_at_) {
      failed_operation_ = std::string(operation);
      if (on_failure_) on_failure_();
      return failure_;
    }
    return Status::Ok();
  }

  size_t writes() const {
    std::lock_guard<std::mutex> lock(mu_);
    return operations_.size();
  }
  // "" until the N-th write happened.
  std::string failed_operation() const {
    std::lock_guard<std::mutex> lock(mu_);
    return failed_operation_;
  }
  bool hit() const { return !failed_operation().empty(); }
  std::vector<std::string> operations() const {
    std::lock_guard<std::mutex> lock(mu_);
    return operations_;
  }

 private:
  mutable std::mutex mu_;
  const size_t fail_at_;
  const Status failure_;
  bool armed_ = false;
  std::vector<std::string> operations_;
  std::string failed_operation_;
  std::function<void()> on_failure_;
};

}  // namespace ar
