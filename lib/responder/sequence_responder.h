// SequenceResponder: the sequence half of end of message, without the milter.
// Runs the pure decision (sequence/sequence_decision.h) with the store as
// its state, applies the result in one durable store transaction, and tells
// the caller which envelope recipients are control addresses (unsubscribe,
// VERP bounces) to take out of delivery. Logs one line per action.
//
// Thread-safety: as OutOfOfficeResponder; the store serialises writers.
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "core/decision_trail.h"
#include "core/logger.h"
#include "core/result.h"
#include "message/message.h"
#include "metrics/counters.h"
#include "sequence/sequence_decision.h"
#include "store/store.h"

namespace ar {

// Everything a message needs to decide on sequences, built once per config
// load (compiling RE2 patterns is not for the hot path).
struct SequenceRuntime {
  std::vector<CompiledSequence> sequences;
  SequenceSettings settings;
  std::string secret_key;
  uint32_t soft_bounce_limit = 3;
  // A loaded sequence has a body condition: the milter then reads bodies
  // (up to body_limit bytes) and sets Message::body_text before deciding.
  bool reads_body = false;
  size_t body_limit = 256 * 1024;
  bool enabled() const { return !sequences.empty(); }
};

// Loads options.directory (when set and present), registers every definition version in
// the store (so enrolments can always find the version they entered) and
// compiles the triggers. An empty directory setting gives an empty runtime.
Result<SequenceRuntime> LoadSequenceRuntime(const SequenceOptions& options, Store& store);
// The same runtime without registering anything: for a read-only look
// (`autoresponder-ctl explain`), where the store must not change.
Result<SequenceRuntime> CompileSequenceRuntime(const SequenceOptions& options);
// Our own mail never enrols anyone: the decision knows it by the loop
// marker the composer writes. Both callers set it from the config.
inline void SetLoopMarker(const Config& config, SequenceRuntime& runtime) {
  runtime.settings.loop_marker_header = config.compose.loop_marker_header;
}

// The store as the pure decision reads it. Read errors count as "nothing
// known": the write transaction (ApplySequenceDecision) re-checks what
// matters (duplicates, suppression). The view refers to store.
SequenceStateView StoreStateView(SequenceStore& store);

// The pseudo header the caller adds, from the message body, before deciding
// on a DSN (the milter reads bodies only of mail to bounce addresses).
inline constexpr const char* kDsnStatusHeader = "X-Autoresponder-Dsn-Status";

// True when some envelope recipient is one of our VERP bounce addresses (at
// a domain of ours, IsOurControlAddress), i.e. the body must be read for its
// RFC 3464 Status. Someone else's bounces+ address is ordinary mail.
bool HasBounceRecipient(const Envelope& envelope, const SequenceRuntime& runtime);

struct SequenceOutcome {
  std::vector<std::string> consume_recipients;  // as they appear in the envelope
  size_t actions = 0;
};

class SequenceResponder {
 public:
  // counters may be nullptr (nothing is counted); it must outlive the responder.
  SequenceResponder(Store& store, Logger& logger, Counters* counters = nullptr)
      : store_(store), logger_(logger), counters_(counters) {}

  // trail may be null (see core/decision_trail.h).
  Result<SequenceOutcome> Handle(const Message& message, const SequenceRuntime& runtime,
                                 TimePoint now, DecisionTrail* trail = nullptr);

 private:
  void Count(const SequenceDecision& decision, const SequenceRuntime& runtime,
             const std::vector<std::pair<std::string, std::string>>& suppressed_enrolments,
             const std::vector<RateLimitedEnrol>& rate_limited);

  Store& store_;
  Logger& logger_;
  Counters* counters_;
};

}  // namespace ar
