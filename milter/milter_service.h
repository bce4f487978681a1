// MilterService: what every milter connection shares: the current config
// snapshot, the store, the clock, the logger, the counters and the store
// error latch. Built once in main().
//
// Thread-safety: Snapshot() and Replace() may race freely; a connection keeps
// the snapshot it took at MAIL FROM for the whole message, so a reload never
// changes the rules of a message in flight.
#pragma once

#include <atomic>
#include <memory>

#include "config/config.h"
#include "core/clock.h"
#include "core/logger.h"
#include "metrics/counters.h"
#include "milter/store_error_latch.h"
#include "responder/out_of_office_responder.h"
#include "responder/sequence_responder.h"
#include "store/store.h"

namespace ar {

// The parts of Config a message needs, derived once per config load rather
// than once per message.
struct MessageSettings {
  ResponderSettings responder;
  bool tempfail_on_error = false;
  // Compiled sequences; never null (an empty runtime when sequences are off).
  std::shared_ptr<const SequenceRuntime> sequences = std::make_shared<SequenceRuntime>();
};

// Without sequences; see LoadMessageSettings for the whole thing.
MessageSettings MessageSettingsFrom(const Config& config);
// MessageSettingsFrom plus the sequences of config.sequences.directory,
// registered in the store. Errors name the sequence file and line.
Result<MessageSettings> LoadMessageSettings(const Config& config, Store& store);

class MilterService {
 public:
  // counters may be nullptr (metrics off), store_error_latch too (no latch
  // file); each must outlive the service.
  MilterService(std::shared_ptr<const MessageSettings> settings, Store& store, const Clock& clock,
                Logger& logger, Counters* counters = nullptr,
                StoreErrorLatch* store_error_latch = nullptr)
      : settings_(std::move(settings)),
        store_(store),
        clock_(clock),
        logger_(logger),
        counters_(counters),
        store_error_latch_(store_error_latch),
        responder_(store, logger, counters),
        sequence_responder_(store, logger, counters) {}

  std::shared_ptr<const MessageSettings> Snapshot() const { return std::atomic_load(&settings_); }
  void Replace(std::shared_ptr<const MessageSettings> settings) {
    std::atomic_store(&settings_, std::move(settings));
  }

  Store& store() { return store_; }
  const Clock& clock() const { return clock_; }
  Logger& logger() { return logger_; }
  OutOfOfficeResponder& responder() { return responder_; }
  SequenceResponder& sequence_responder() { return sequence_responder_; }
  Counters* counters() { return counters_; }                           // may be nullptr
  StoreErrorLatch* store_error_latch() { return store_error_latch_; }  // may be nullptr

 private:
  std::shared_ptr<const MessageSettings> settings_;
  Store& store_;
  const Clock& clock_;
  Logger& logger_;
  Counters* counters_;
  StoreErrorLatch* store_error_latch_;
  OutOfOfficeResponder responder_;
  SequenceResponder sequence_responder_;
};

}  // namespace ar
