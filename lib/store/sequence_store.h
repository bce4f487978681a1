// SequenceStore: the sequence half of the Store (same LMDB environment, same
// rules: one writer at a time, durable on return, never across fork()).
// Databases are documented in FORMAT.md. Obtained with Store::sequences().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "core/status.h"
#include "sequence/enrolment.h"
#include "sequence/sequence_decision.h"
#include "sequence/sequence_definition.h"

namespace ar {

struct QueueItem;

// A trigger enrolment ApplySequenceDecision refused because one of its
// rate-limit windows (EnrolAction::windows) was full.
struct RateLimitedEnrol {
  size_t enrol_index = 0;  // into SequenceDecision::enrols
  EnrolWindow window;      // the first full window
  uint32_t counted = 0;    // enrolments that window has counted
};

class SequenceStore {
 public:
  virtual ~SequenceStore() = default;

  // --- definitions: every version anyone was enrolled on is kept ---
  // Idempotent: storing an existing (name, version) again is ok.
  virtual Status PutSequenceVersion(const std::string& name, const std::string& version,
                                    const SequenceSource& source) = 0;
  virtual Result<std::optional<SequenceSource>> GetSequenceVersion(const std::string& name,
                                                                   const std::string& version) = 0;

  // --- reads for the decision (each one read transaction) ---
  virtual Result<std::optional<Enrolment>> GetEnrolment(const std::string& person,
                                                        const std::string& sequence) = 0;
  virtual Result<std::vector<Enrolment>> ListEnrolments(const std::string& person) = 0;
  virtual Result<std::vector<Enrolment>> ListMembers(const std::string& sequence, size_t limit) = 0;
  virtual Result<std::optional<SentMessageRef>> FindSentMessage(const std::string& message_id) = 0;
  virtual Result<bool> TriggerSeen(const std::string& message_id, const std::string& sequence) = 0;
  virtual Result<std::optional<std::string>> PersonForToken(const std::string& token) = 0;

  // --- suppression list (unsubscribe, bounces, manual) ---
  virtual Result<std::optional<Suppression>> GetSuppression(const std::string& person) = 0;
  virtual Result<std::vector<Suppression>> ListSuppressions(size_t limit) = 0;
  // Suppresses and ends every active enrolment of the person (reason kept),
  // removing their queued steps.
  virtual Status Suppress(const std::string& person, const std::string& reason, TimePoint now) = 0;
  virtual Status Unsuppress(const std::string& person) = 0;  // NotFound when absent

  // Applies one message's decision in ONE write transaction, durable on
  // return, in this order:
  //   suppressions (as Suppress), soft bounces (count; suppress with reason
  //   "soft-bounces" at soft_bounce_limit), exits (active enrolment -> left
  //   with the reason; its queued step removed), engagements (active
  //   enrolment: steps_since_engagement = 0, last_engagement = now),
  //   confirmations (an active enrolment awaiting confirmation: confirmed_at
  //   = now, its queued item replaced by step 0 at first_due, or completed
  //   without one), enrols:
  //   skipped when the person is suppressed, or when trigger_message_id is
  //   non-empty and already seen for that sequence, or when an active
  //   enrolment exists and restart is false; otherwise the enrolment is
  //   (re)created at `now` with next_step 0 and next_due = first_due, a
  //   kSequenceStep queue item is queued at first_due (none when nullopt:
  //   state completed), the trigger Message-ID is recorded as seen, and the
  //   person's token is registered. A double opt-in enrol queues step
  //   kConfirmationStep at now instead of step 0, keeps confirm_expires in the
  //   consent record and registers ConfirmToken(token_key, person, sequence).
  //   Every new enrolment keeps its consent record (reason, legal basis).
  //   person's token is registered.
  // An enrol that would be made and carries windows (EnrolAction::windows)
  // is first counted against them (FORMAT.md, "enrol_windows"): when any
  // window already holds its limit, the enrol is skipped, nothing is
  // counted, and it is appended to *rate_limited (when given); otherwise
  // every window counts one more. A window whose length has passed since
  // its first count starts again at now.
  // Tokens are PersonToken(token_key, person) (sequence/tokens.h).
  virtual Status ApplySequenceDecision(const SequenceDecision& decision,
                                       const std::string& token_key, uint32_t soft_bounce_limit,
                                       TimePoint now,
                                       std::vector<RateLimitedEnrol>* rate_limited = nullptr) = 0;

  // Rewrites the active enrolment of (enrolment.person, enrolment.sequence)
  // as given (version, variables, state, next_step, next_due, history...),
  // for an operator's explicit migration to another definition version
  // (`autoresponder-ctl sequence migrate`). Its queued step item is replaced
  // to match: removed, and, when the given enrolment is active, a new
  // kSequenceStep item for next_step queued at next_due. enrolled_at, the
  // person and the sequence stay the store's.
  // NotFound when there is no such enrolment; InvalidArgument for an active
  // enrolment without next_due. Temporary, writing nothing, when the stored
  // enrolment is no longer the one the caller read (not active, another
  // enrolled_at, more history) or its queued step is claimed or waiting for
  // a retry (its due time is not next_due): the dispatcher may be sending it.
  virtual Status ReplaceEnrolment(const Enrolment& enrolment) = 0;

  // The dispatcher sent step item `queue_id` and the MTA accepted it: remove
  // the item, append to history, index message_id -> (person, sequence,
  // step), steps_since_engagement + 1, and either queue the next step at
  // next_due (next_step + 1) or mark the enrolment completed (nullopt).
  // The send is recorded for Store::RecentSends (the person, at sent_at).
  virtual Status RecordStepSent(uint64_t queue_id, const std::string& message_id, TimePoint sent_at,
                                std::optional<TimePoint> next_due) = 0;
  // The step item `queue_id` is skipped, not sent (it was overdue by more
  // than catch_up_limit after downtime): the item moves to the failed list
  // with reason (so the CLI shows it), the enrolment's history records the
  // step as skipped, and the next step is queued at next_due (next_step + 1)
  // or the enrolment completes (nullopt) -- the person goes on with the
  // sequence instead of stopping. Only the enrolment's own queued step
  // moves it on; steps_since_engagement is unchanged (nothing was sent).
  // NotFound / InvalidArgument as RecordStepSent. Not pure so test doubles
  // need not provide it.
  virtual Status SkipStep(uint64_t queue_id, const std::string& reason, TimePoint now,
                          std::optional<TimePoint> next_due) {
    (void)queue_id;
    (void)reason;
    (void)now;
    (void)next_due;
    return Status::IoError("SkipStep not available");
  }
  // The dispatcher sent the double opt-in confirmation mail, item
  // `queue_id` (step kConfirmationStep), and the MTA accepted it: the item
  // is removed, message_id indexed (a reply to it confirms), the consent
  // record's requested_at set, and the same step queued again at the
  // consent's expires_at: when it comes due unconfirmed, the enrolment ends.
  // The send counts for Store::RecentSends. InvalidArgument for an item
  // that is not a confirmation. Not pure so test doubles need not provide it.
  virtual Status RecordConfirmationSent(uint64_t queue_id, const std::string& message_id,
                                        TimePoint sent_at) {
    (void)queue_id;
    (void)message_id;
    (void)sent_at;
    return Status::IoError("RecordConfirmationSent not available");
  }
  // The step will not be sent (enrolment no longer active, person
  // suppressed, stale item): remove the item; the enrolment is unchanged.
  virtual Status DropStep(uint64_t queue_id) = 0;

  // Queued items (both kinds) with from <= due < to, in due order.
  virtual Result<std::vector<QueueItem>> ListDueBetween(TimePoint from, TimePoint to,
                                                        size_t limit) = 0;
};

}  // namespace ar
