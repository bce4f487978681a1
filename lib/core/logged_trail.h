// LoggedTrail: a DecisionTrail that writes each entry as one debug line,
// "QUEUEID: trail: alice@example.org: window: pass", for `log_level =
// debug`. The milter makes one per message only when the logger has debug
// enabled, so the trail costs nothing at other levels. The logger must
// outlive it; one decision at a time.
#pragma once

#include <string>

#include "core/decision_trail.h"
#include "core/logger.h"

namespace ar {

class LoggedTrail final : public DecisionTrail {
 public:
  LoggedTrail(Logger& logger, std::string prefix) : logger_(logger), prefix_(std::move(prefix)) {}
  void Record(TrailEntry entry) override {
    logger_.Debug(prefix_ + "trail: " + FormatTrailEntry(entry));
  }

 private:
  Logger& logger_;
  std::string prefix_;  // "QUEUEID: "
};

}  // namespace ar
