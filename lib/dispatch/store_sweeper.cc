#include "dispatch/store_sweeper.h"

#include <algorithm>

namespace ar {

uint64_t SweepTotals::total_removed() const {
  uint64_t sum = 0;
  for (uint64_t n : removed) sum += n;
  return sum;
}

StoreSweeper::StoreSweeper(Store& store, const Clock& clock, Logger& logger,
                           RetentionSettings settings, Counters* counters)
    : store_(store), clock_(clock), logger_(logger), settings_(settings), counters_(counters) {}

bool StoreSweeper::Step() {
  const SweptKind kind = kSweptKinds[kind_];
  SweepLimits limits;
  limits.max_removed = std::max<size_t>(settings_.sweep_batch, 1);
  // Reading is cheap and blocks no writer; ten records read per record
  // removed keeps a pass over a large, mostly live database to few steps.
  limits.max_examined = limits.max_removed * 10;
  Result<SweepStep> step =
      store_.SweepExpired(kind, resume_after_, clock_.Now(), settings_.policy, limits);
  if (!step.ok()) {
    failure_ = step.status();
    logger_.Error(std::string("retention sweep of ") + SweptKindName(kind) +
                  " failed: " + step.status().ToString());
    if (counters_ != nullptr) counters_->CountInternalError();
    under_way_ = false;
    return false;
  }
  ++current_.steps;
  current_.examined += step->examined;
  current_.removed[kind_] += step->removed;
  if (counters_ != nullptr && step->removed > 0) counters_->CountSwept(kind, step->removed);
  if (step->finished) {
    ++kind_;
    resume_after_.clear();
    if (kind_ == std::size(kSweptKinds)) Finish();
  } else {
    resume_after_ = std::move(step->resume_after);
  }
  return true;
}

void StoreSweeper::Finish() {
  under_way_ = false;
  last_ = current_;
  if (last_.total_removed() == 0) return;
  std::string counts;
  for (size_t i = 0; i < std::size(kSweptKinds); ++i) {
    if (!counts.empty()) counts += " ";
    counts += std::string(SweptKindName(kSweptKinds[i])) + "=" + std::to_string(last_.removed[i]);
  }
  logger_.Info("retention sweep removed " + std::to_string(last_.total_removed()) + " records (" +
               counts + ") in " + std::to_string(last_.steps) + " steps");
}

bool StoreSweeper::Continue(size_t max_steps) {
  if (!under_way_) {
    if (settings_.sweep_interval.count() <= 0) return false;
    const TimePoint now = clock_.Now();
    // A clock set back starts a sweep too, rather than none for a long time.
    if (began_ && now >= *began_ && now - *began_ < settings_.sweep_interval) return false;
    began_ = now;
    under_way_ = true;
    kind_ = 0;
    resume_after_.clear();
    current_ = SweepTotals{};
    failure_ = Status::Ok();
  }
  for (size_t i = 0; i < max_steps && under_way_; ++i) {
    if (!Step()) return false;
  }
  return under_way_;
}

Result<SweepTotals> StoreSweeper::SweepAll() {
  began_ = clock_.Now();
  under_way_ = true;
  kind_ = 0;
  resume_after_.clear();
  current_ = SweepTotals{};
  failure_ = Status::Ok();
  while (under_way_) {
    if (!Step()) return failure_;
  }
  return last_;
}

}  // namespace ar
