// LmdbStore: the Store (store/store.h) and its SequenceStore
// (store/sequence_store.h) over one LMDB environment. Layout and record
// versions are in FORMAT.md.
//
// Every method runs in exactly one LMDB transaction: reads in a read
// transaction; each mutation in its own nested transaction inside a write
// transaction it shares with concurrent writers of this process (group
// commit, store/write_batcher.h) that commits (and syncs) before the method
// returns, so a method's effects are all-or-nothing and survive a crash once
// it returned ok. The map starts small and grows up to StoreOptions::map_size
// (FORMAT.md, "Environment").
//
// Ownership: owns the environment. Thread-safety: all methods may be called
// concurrently from any number of threads; LMDB serialises writers, also
// across processes. Must not be used in a child after fork().
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/lmdb_env.h"
#include "store/record_codec.h"
#include "store/sequence_record_codec.h"
#include "store/store.h"
#include "store/write_batcher.h"

namespace ar {

class LmdbStore final : public Store, public SequenceStore {
 public:
  // The on-disk format this code writes (meta "format_version"). Version 1
  // stores (before sequences) are upgraded by the first writable open.
  static constexpr uint32_t kFormatVersion = 2;

  static Result<std::unique_ptr<LmdbStore>> OpenLmdb(const StoreOptions& options);

  Status PutRule(const OutOfOfficeRule& rule) override;
  Result<std::optional<OutOfOfficeRule>> GetRule(const std::string& address) override;
  Result<std::vector<OutOfOfficeRule>> ListRules() override;
  Status DeleteRule(const std::string& address) override;
  Result<std::vector<OutOfOfficeRule>> FindRulesForRecipients(
      const std::vector<std::string>& recipients) override;
  Result<RulesWithResponses> FindRulesWithResponses(const std::vector<std::string>& recipients,
                                                    const std::string& dedupe_sender) override;

  Result<std::optional<ResponseRecord>> GetResponse(const std::string& user,
                                                    const std::string& dedupe_sender) override;

  Result<std::vector<EnqueueOutcome>> Enqueue(const std::vector<NewReply>& replies,
                                              TimePoint now) override;
  Result<std::vector<QueueItem>> ClaimDue(TimePoint now, size_t limit, Seconds lease) override;
  Status MarkSent(uint64_t id, TimePoint now) override;
  Status MarkRetry(uint64_t id, TimePoint retry_at, const std::string& error) override;
  Status MarkFailed(uint64_t id, TimePoint now, const std::string& error) override;
  Status Defer(uint64_t id, TimePoint until, const std::string& reason) override;
  Result<std::optional<TimePoint>> NextDue() override;
  Result<size_t> ReleaseClaims() override;
  Result<std::vector<TimePoint>> RecentSends(const std::string& person, TimePoint since) override;

  Result<std::vector<QueueItem>> ListQueue(size_t limit) override;
  Result<std::vector<QueueItem>> ListFailed(size_t limit) override;
  // lmdb_store_queue_control.cc
  Result<std::optional<QueueItem>> FindQueueItem(uint64_t id) override;
  Status DeleteQueueItem(uint64_t id, TimePoint now) override;
  Result<size_t> DeleteAllFailed() override;
  Status RetryNow(uint64_t id, TimePoint now) override;
  Result<size_t> RetryAllNow(TimePoint now) override;
  Status Hold(uint64_t id) override;
  Status Release(uint64_t id) override;
  Result<StoreStats> Stats() override;
  SequenceStore& sequences() override { return *this; }
  // lmdb_store_retention.cc
  Result<SweepStep> SweepExpired(SweptKind kind, const std::string& resume_after, TimePoint now,
                                 const RetentionPolicy& policy,
                                 const SweepLimits& limits) override;

  // Write requests and write transactions so far (tests, benchmarks).
  WriteStats write_stats() const { return batcher_->stats(); }

  // --- SequenceStore (lmdb_store_sequences.cc, lmdb_store_sequence_apply.cc) ---
  Status PutSequenceVersion(const std::string& name, const std::string& version,
                            const SequenceSource& source) override;
  Result<std::optional<SequenceSource>> GetSequenceVersion(const std::string& name,
                                                           const std::string& version) override;
  Result<std::optional<Enrolment>> GetEnrolment(const std::string& person,
                                                const std::string& sequence) override;
  Result<std::vector<Enrolment>> ListEnrolments(const std::string& person) override;
  Result<std::vector<Enrolment>> ListMembers(const std::string& sequence, size_t limit) override;
  Result<std::optional<SentMessageRef>> FindSentMessage(const std::string& message_id) override;
  Result<bool> TriggerSeen(const std::string& message_id, const std::string& sequence) override;
  Result<std::optional<std::string>> PersonForToken(const std::string& token) override;
  Result<std::optional<Suppression>> GetSuppression(const std::string& person) override;
  Result<std::vector<Suppression>> ListSuppressions(size_t limit) override;
  Status Suppress(const std::string& person, const std::string& reason, TimePoint now) override;
  Status Unsuppress(const std::string& person) override;
  Status ApplySequenceDecision(const SequenceDecision& decision, const std::string& token_key,
                               uint32_t soft_bounce_limit, TimePoint now,
                               std::vector<RateLimitedEnrol>* rate_limited = nullptr) override;
  Status ReplaceEnrolment(const Enrolment& enrolment) override;
  Status RecordStepSent(uint64_t queue_id, const std::string& message_id, TimePoint sent_at,
                        std::optional<TimePoint> next_due) override;
  Status RecordConfirmationSent(uint64_t queue_id, const std::string& message_id,
                                TimePoint sent_at) override;
  Status SkipStep(uint64_t queue_id, const std::string& reason, TimePoint now,
                  std::optional<TimePoint> next_due) override;
  Status DropStep(uint64_t queue_id) override;
  Result<std::vector<QueueItem>> ListDueBetween(TimePoint from, TimePoint to,
                                                size_t limit) override;

 private:
  struct Databases {
    MDB_dbi meta = 0;
    MDB_dbi rules = 0;
    MDB_dbi addresses = 0;
    MDB_dbi responses = 0;
    MDB_dbi queue = 0;
    MDB_dbi due = 0;
    MDB_dbi failed = 0;
    // Sequence databases (format version 2).
    MDB_dbi seq_versions = 0;
    MDB_dbi enrolments = 0;
    MDB_dbi sent_ids = 0;
    MDB_dbi triggers_seen = 0;
    MDB_dbi tokens = 0;
    MDB_dbi suppressions = 0;
    MDB_dbi soft_bounces = 0;
    // Claims and per-person sends (no format version change: created by
    // the first writable open; a read-only open of an older store has
    // neither, and reads them as empty).
    MDB_dbi claims = 0;
    MDB_dbi person_sends = 0;
    MDB_dbi enrol_windows = 0;  // likewise, since enrolment rate limits
    MDB_dbi held = 0;  // the same: created by the first writable open
    bool claims_present = false;
    bool person_sends_present = false;
    bool enrol_windows_present = false;
    bool held_present = false;
  };

  LmdbStore(std::unique_ptr<LmdbEnv> env, Databases dbs, uint64_t max_map_size,
            std::shared_ptr<StoreFaults> faults, std::string recipient_delimiter)
      : env_(std::move(env)),
        dbs_(dbs),
        recipient_delimiter_(std::move(recipient_delimiter)),
        batcher_(std::make_unique<WriteBatcher>(*env_, max_map_size, std::move(faults))) {}
  static Result<Databases> OpenDatabases(LmdbEnv& env);

  // Runs body as one write request (WriteBatcher::Run): durable when ok.
  // Writes that add new work (a reply, an enrolment) pass
  // Use::kOutsideReserve; every other write may use the reserve
  // (StoreOptions::Reserve()).
  Status Write(std::string_view operation, const WriteBatcher::Body& body,
               WriteBatcher::Use use = WriteBatcher::Use::kReserve) {
    return batcher_->Run(operation, body, use);
  }
  // The data in use as txn sees it: the pages of every database (and of
  // LMDB's own two trees and meta pages) times the page size. Unlike the
  // file's high-water mark it falls again when the queue is sent.
  Result<uint64_t> BytesInUse(LmdbTxn& txn) const;

  // InvalidArgument when key is empty or longer than LMDB allows.
  Status CheckKey(std::string_view key, const char* what) const;
  // The rule stored under a normalised address, or nullopt.
  Result<std::optional<OutOfOfficeRule>> ReadRule(LmdbTxn& txn, const std::string& key);
  // Each recipient's rule through the address index, each rule once, in
  // first-seen order (FindRulesForRecipients inside the caller's txn).
  Result<std::vector<OutOfOfficeRule>> ReadRulesForRecipients(
      LmdbTxn& txn, const std::vector<std::string>& recipients);
  Result<std::optional<ResponseRecord>> ReadResponse(LmdbTxn& txn, const std::string& key);
  // NotFound when no item has this id.
  Result<QueueItem> ReadQueueItem(LmdbTxn& txn, uint64_t id);
  Result<uint64_t> TakeNextQueueId(LmdbTxn& txn);
  // Replaces the item and moves its due index entry from old_due_key to
  // the key of item.due (a held item gets no new due entry).
  Status RewriteQueueItem(LmdbTxn& txn, const std::string& old_due_key, const QueueItem& item);
  // Whether the item is held (FORMAT.md, "held").
  Result<bool> IsHeld(LmdbTxn& txn, uint64_t id);
  // Whether a dispatcher holds a claim on the item.
  Result<bool> IsClaimed(LmdbTxn& txn, uint64_t id);
  // Removes the item, its due index entry, its claim and its hold.
  Status RemoveQueueItem(LmdbTxn& txn, const QueueItem& item);
  // Remembers, for a claim that is not yet remembered, the item's due time
  // before it was claimed (FORMAT.md, "claims").
  Status RememberClaim(LmdbTxn& txn, uint64_t id, TimePoint previous_due);
  // Ends the item's claim, if any.
  Status EndClaim(LmdbTxn& txn, uint64_t id);
  // Appends a send at `at` to the person's recent sends (person_sends); a
  // person that cannot be a key is not recorded.
  Status RecordSend(LmdbTxn& txn, const std::string& person, TimePoint at);

  // --- sequence helpers; each works inside the caller's transaction ---
  Result<std::optional<StoredEnrolment>> ReadEnrolment(LmdbTxn& txn, const std::string& key);
  Status WriteEnrolment(LmdbTxn& txn, const StoredEnrolment& stored);
  Result<std::optional<Suppression>> ReadSuppression(LmdbTxn& txn, const std::string& key);
  // Removes the enrolment's queued step item, if it is still there and still
  // that enrolment's step, and clears queued_step_id.
  Status RemoveQueuedStep(LmdbTxn& txn, StoredEnrolment& stored);
  // Queues step `step` of the enrolment at due and records its id.
  Status QueueStep(LmdbTxn& txn, StoredEnrolment& stored, uint32_t step, TimePoint due,
                   TimePoint now);
  // Ends an active enrolment: state left with reason, queued step removed.
  Status EndEnrolment(LmdbTxn& txn, StoredEnrolment& stored, const std::string& reason,
                      TimePoint now);
  // A reply leaves the queue unsent: its pending response record (same
  // generation) is dropped so the sender may be answered again.
  Status DropPendingResponse(LmdbTxn& txn, const QueueItem& item);
  // A sequence step leaves the queue unsent (MarkFailed: "delivery-failed";
  // DeleteQueueItem: "manual"): ends the enrolment whose queued step it was.
  Status EndEnrolmentOfStep(LmdbTxn& txn, const QueueItem& item, const std::string& reason,
                            TimePoint now);
  // Suppress() inside a transaction; soft_bounces is the count to record.
  Status SuppressIn(LmdbTxn& txn, const std::string& person, const std::string& reason,
                    uint32_t soft_bounces, TimePoint now);
  Result<uint32_t> ReadSoftBounceCount(LmdbTxn& txn, const std::string& person_key);
  // Counts one enrolment against every window, or none when one is full:
  // then the full one and its count are returned (lmdb_store_enrol_windows.cc).
  Result<std::optional<RateLimitedEnrol>> CountEnrolWindows(LmdbTxn& txn,
                                                            const std::vector<EnrolWindow>& windows,
                                                            TimePoint now);

  // --- retention helpers (lmdb_store_retention.cc) ---
  // The database a kind lives in; nullopt when a read-only open lacks it.
  std::optional<MDB_dbi> SweptDatabase(SweptKind kind) const;
  // Whether policy lets the record (key, value) of kind go at now. periods
  // caches each user's rule period (responses) for one step.
  Result<bool> Expired(LmdbTxn& txn, SweptKind kind, std::string_view key, std::string_view value,
                       TimePoint now, const RetentionPolicy& policy,
                       std::map<std::string, Seconds>& periods);
  // Whether another enrolment of the person still stands for their token
  // after `key` goes: an active one, or one that ended no earlier.
  Result<bool> LaterEnrolmentRemains(LmdbTxn& txn, std::string_view key, TimePoint end);
  // Removes the record; an ended enrolment takes its history's sent_ids.
  Status RemoveSwept(LmdbTxn& txn, SweptKind kind, std::string_view key, std::string_view value);

  std::unique_ptr<LmdbEnv> env_;
  Databases dbs_;
  std::string recipient_delimiter_;  // person_sends keys: FoldSubAddress
  std::unique_ptr<WriteBatcher> batcher_;  // borrows *env_; declared after it
};

}  // namespace ar
