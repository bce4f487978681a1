// OutOfOfficeResponder: what happens at end of message, without the milter.
// For one message it resolves the envelope recipients to rules and reads
// their response log records in one read transaction
// (Store::FindRulesWithResponses), takes the pure decision
// (policy/decision.h) with those records as history, composes each reply
// (compose/) and records all of them in one durable Store transaction; no
// write at all when there is nothing to reply. Logs one line per decision.
//
// It never sends and never blocks mail: the caller lets the message through
// whatever Handle() returns; an error only tells it to log and, where
// configured, tempfail.
//
// Thread-safety: Handle() may be called from many milter threads at once;
// the Store serialises the writes and re-checks the dedupe inside its
// transaction, so two messages racing from one sender still give one reply.
//
// Counting: with Counters, every logged decision is also counted (skips by
// reason, replies queued), and every failure (compose, store) as an
// internal error. Counting is a relaxed atomic add, never a store write.
#pragma once

#include <cstddef>
#include <string>

#include "compose/reply_composer.h"
#include "config/config.h"
#include "core/clock.h"
#include "core/decision_trail.h"
#include "core/logger.h"
#include "core/result.h"
#include "message/message.h"
#include "metrics/counters.h"
#include "policy/decision.h"
#include "policy/policy_settings.h"
#include "store/store.h"

namespace ar {

struct ResponderSettings {
  PolicySettings policy;
  ComposeSettings compose;
  std::string reply_envelope_sender;  // "" for <>
};

// The settings of config that the out-of-office decision and composer use;
// the milter and `autoresponder-ctl explain` build them the same way.
ResponderSettings ResponderSettingsFrom(const Config& config);

struct ResponderReport {
  size_t rules = 0;    // users the recipients resolved to
  size_t queued = 0;   // replies recorded
  size_t skipped = 0;  // users who did not reply (any reason, incl. dedupe in the store)
  size_t failed = 0;   // replies that could not be composed
};

// What the decision would do for one message, before anything is recorded:
// the replies composed, the rules that stay silent and the replies that
// could not be composed. Plan() fills it with reads only.
struct OutOfOfficePlan {
  size_t rules = 0;  // users the recipients resolved to
  std::vector<Skip> skips;
  std::vector<ReplyPlan> plans;               // what each reply says, decoded
  std::vector<NewReply> replies;              // composed, not yet recorded; plans[i] is replies[i]
  std::vector<std::string> compose_failures;  // one log line each
};

class OutOfOfficeResponder {
 public:
  // counters may be nullptr (nothing counted); it must outlive the responder.
  OutOfOfficeResponder(Store& store, Logger& logger, Counters* counters = nullptr)
      : store_(store), logger_(logger), counters_(counters) {}

  // Decides, logs and records. trail may be null (see core/decision_trail.h).
  Result<ResponderReport> Handle(const Message& message, const ResponderSettings& settings,
                                 TimePoint now, DecisionTrail* trail = nullptr);

  // The same decision and composition without a single store write, log
  // line or count: what `autoresponder-ctl explain` shows. A reply the
  // store would still refuse as a concurrent duplicate is not detected.
  Result<OutOfOfficePlan> Plan(const Message& message, const ResponderSettings& settings,
                               TimePoint now, DecisionTrail* trail = nullptr) const;

 private:
  Result<ResponderReport> Decide(const Message& message, const ResponderSettings& settings,
                                 TimePoint now, DecisionTrail* trail);

  Store& store_;
  Logger& logger_;
  Counters* counters_;
};

// The envelope recipients, brackets removed and normalised, each once.
std::vector<std::string> NormalizedRecipients(const Envelope& envelope);

}  // namespace ar
