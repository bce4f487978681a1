// Store: the durable state of autoresponder-milter in one LMDB environment
// (the only folder that includes lmdb.h; layout in FORMAT.md):
//   - out-of-office rules, and an index from every address to its rule;
//   - the response log: which user answered which sender, when, in which
//     rule generation (state pending while a reply is queued, sent after the
//     MTA accepted it);
//   - the follow-up queue: composed replies with their due time, indexed by
//     big-endian due time, plus the permanently failed ones.
//
// Several processes (milter, dispatcher, CLI) open the same environment at
// once; LMDB serialises writers. One Store object is shared by all threads of
// a process. A Store must never be used in a child after fork(): transports
// use posix_spawn, and no program forks while holding one.
//
// Every write commits (and syncs) before returning: when Enqueue() returns
// ok, the reply survives a crash. Concurrent writers of one process share
// one commit (group commit), so this costs one sync per batch, not per call.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "core/status.h"
#include "policy/out_of_office_rule.h"
#include "store/retention.h"
#include "store/sequence_store.h"

namespace ar {

// Fault injection for tests (tests/fault): consulted once per write
// operation (one Store or SequenceStore method that writes), inside the
// operation's transaction, before its changes would become durable. A non-ok
// Status fails that operation with that status and changes nothing, exactly
// as if LMDB had returned the error. Production code never sets one.
class StoreFaults {
 public:
  virtual ~StoreFaults() = default;
  // operation: the method's name, e.g. "Enqueue", "MarkSent".
  virtual Status BeforeWrite(std::string_view operation) = 0;
};

// Which engine holds the state: LMDB on this host (the default), or one
// PostgreSQL database shared by several MX hosts (store = postgresql).
enum class StoreBackend { kLmdb, kPostgresql };

struct StoreOptions {
  std::string path;                // a directory; created if missing (LMDB)
  StoreBackend backend = StoreBackend::kLmdb;
  std::string postgresql_dsn = {};  // libpq conninfo or URI; used when backend is kPostgresql
  // Each statement's limit on the server (postgresql_statement_timeout); kept
  // below milter_content_timeout so that a slow server never makes Postfix give up.
  uint32_t postgresql_statement_timeout_ms = 5000;
  uint64_t map_size = 1ull << 30;  // the size of the map, in bytes (store_map_size)
  // 0: the map is map_size from the open on, set once, so the mail path
  // never waits for a growth (which stops every transaction of the
  // process). The map is address space, not disk: data.mdb grows only with
  // the pages written. Tests set a smaller start to see the map grow (as
  // it still does when another process's larger map is adopted).
  uint64_t initial_map_size = 0;
  bool read_only = false;
  std::shared_ptr<StoreFaults> faults = nullptr;  // tests only; null in production
  // person_sends keys fold sub-addresses at these characters
  // (message/sub_address.h): victim+1@ and victim+2@ are one person.
  std::string recipient_delimiter = "+";
  // The reserve (FORMAT.md, "Reserve"): room kept for the writes that send
  // and clear the queue. New replies (Enqueue) and enrolments
  // (ApplySequenceDecision) fail with Full once the data in use reaches
  // map_size - Reserve(). reserve_bytes when not 0, else reserve_percent
  // of map_size; never more than half of map_size.
  uint64_t reserve_bytes = 0;
  uint32_t reserve_percent = 10;
  uint64_t Reserve() const {
    const uint64_t wanted = reserve_bytes != 0 ? reserve_bytes : map_size / 100 * reserve_percent;
    return wanted < map_size / 2 ? wanted : map_size / 2;
  }
};

// A reply the milter wants to send. Enqueue() records it only if the user has
// not answered dedupe_sender within period in this generation.
struct NewReply {
  std::string user;
  uint64_t generation = 0;
  std::string dedupe_sender;
  Seconds period{0};
  std::string envelope_sender;     // MAIL FROM of the reply; "" for <>
  std::string envelope_recipient;  // exactly one recipient
  std::string message_id;          // "<...>" of the composed reply
  std::string message;             // the complete RFC 5322 message, CRLF line ends
  TimePoint due;
  std::string origin_queue_id;  // the MTA queue id of the triggering mail, for logs
};

// What a queue item is: an out-of-office reply composed by the milter, or a
// sequence step composed by the dispatcher at send time (so the suppression
// list and the enrolment are checked again just before sending).
enum class QueueItemKind { kReply = 1, kSequenceStep = 2 };

struct QueueItem {
  uint64_t id = 0;
  QueueItemKind kind = QueueItemKind::kReply;
  // kSequenceStep only: the step to send (user = person = envelope_recipient;
  // message and message_id are empty until sent).
  std::string sequence;
  uint32_t step = 0;
  std::string user;
  uint64_t generation = 0;
  std::string dedupe_sender;
  std::string envelope_sender;
  std::string envelope_recipient;
  std::string message_id;
  std::string message;
  TimePoint created;
  TimePoint due;
  uint32_t attempts = 0;
  std::string last_error;
  std::string origin_queue_id;
  // Where the item is, not part of its record: filled by ListQueue,
  // ListFailed and FindQueueItem. A held item is never claimed.
  bool held = false;
  bool failed = false;
};

enum class ResponseState { kPending = 1, kSent = 2 };

struct ResponseRecord {
  uint64_t generation = 0;
  ResponseState state = ResponseState::kPending;
  TimePoint at;  // when queued (pending) or when the MTA accepted it (sent)
};

// What the store holds right now, for metrics and `autoresponder-ctl stats`.
struct StoreStats {
  uint64_t rules = 0;
  uint64_t queued = 0;                    // replies waiting in the queue (claimed ones too)
  std::optional<TimePoint> earliest_due;  // the first due time in the queue; nullopt when empty
  uint64_t failed = 0;                    // replies on the failed list
  uint64_t used_bytes = 0;                // pages in use times page size: the data on disk
  // Pages the databases hold now, times page size: unlike used_bytes (the
  // file's high-water mark), this shrinks when records are removed.
  uint64_t live_bytes = 0;
  uint64_t map_size = 0;                  // the most the store may grow to
};

// The milter's out-of-office lookup for one message
// (Store::FindRulesWithResponses): each rule once, and beside it what the
// response log holds for (rule.address, the dedupe sender).
struct RulesWithResponses {
  std::vector<OutOfOfficeRule> rules;
  std::vector<std::optional<ResponseRecord>> responses;  // one per rule, same order
};

struct EnqueueOutcome {
  bool queued = false;  // false: already answered (pending, or sent within period)
  uint64_t id = 0;      // the queue id when queued
};

class Store {
 public:
  static Result<std::unique_ptr<Store>> Open(const StoreOptions& options);
  virtual ~Store() = default;

  // --- rules (the CLI writes, the milter reads) ---
  // Inserts or replaces the rule under rule.address and re-indexes its
  // aliases. Fails with InvalidArgument if an alias belongs to another rule.
  virtual Status PutRule(const OutOfOfficeRule& rule) = 0;
  virtual Result<std::optional<OutOfOfficeRule>> GetRule(const std::string& address) = 0;
  virtual Result<std::vector<OutOfOfficeRule>> ListRules() = 0;
  // Removes the rule and its alias index entries; NotFound if absent.
  virtual Status DeleteRule(const std::string& address) = 0;
  // Resolves each recipient (normalised) through the address index; returns
  // each matching rule once, in first-seen order. One read transaction.
  virtual Result<std::vector<OutOfOfficeRule>> FindRulesForRecipients(
      const std::vector<std::string>& recipients) = 0;
  // FindRulesForRecipients plus GetResponse(rule.address, dedupe_sender)
  // for each rule, in one read transaction (one per message on the mail
  // path). A response record that cannot be read is reported as absent, as
  // the caller treats a failed GetResponse: Enqueue re-checks inside its
  // write transaction. This default makes separate calls, for test doubles.
  virtual Result<RulesWithResponses> FindRulesWithResponses(
      const std::vector<std::string>& recipients, const std::string& dedupe_sender) {
    auto rules = FindRulesForRecipients(recipients);
    if (!rules.ok()) return rules.status();
    RulesWithResponses out;
    out.rules = std::move(*rules);
    for (const OutOfOfficeRule& rule : out.rules) {
      auto record = GetResponse(rule.address, dedupe_sender);
      out.responses.push_back(record.ok() ? *record : std::nullopt);
    }
    return out;
  }

  // --- response log ---
  virtual Result<std::optional<ResponseRecord>> GetResponse(const std::string& user,
                                                            const std::string& dedupe_sender) = 0;

  // --- queue: the milter ---
  // In one write transaction, for each reply: skip it if the response log
  // says the user has a pending reply to dedupe_sender in this generation,
  // or sent one within period before now; otherwise append it to the queue,
  // index it by due time and record a pending response. Durable on return.
  virtual Result<std::vector<EnqueueOutcome>> Enqueue(const std::vector<NewReply>& replies,
                                                      TimePoint now) = 0;

  // --- queue: the dispatcher ---
  // Due items (due <= now), earliest first, at most limit. Claiming moves an
  // item's due time to now + lease so a second dispatcher does not take it.
  virtual Result<std::vector<QueueItem>> ClaimDue(TimePoint now, size_t limit, Seconds lease) = 0;
  // The MTA accepted the item: remove it; the response becomes sent at now.
  virtual Status MarkSent(uint64_t id, TimePoint now) = 0;
  // Try again at retry_at; attempts+1, last_error kept.
  virtual Status MarkRetry(uint64_t id, TimePoint retry_at, const std::string& error) = 0;
  // Never deliverable: move to the failed list; drop the pending response so
  // the next message from that sender may be answered. A sequence step's
  // enrolment ends with reason "delivery-failed" (when it was its queued step).
  virtual Status MarkFailed(uint64_t id, TimePoint now, const std::string& error) = 0;
  // Not sent now, and not a failure: the item waits until `until` (the
  // per-person frequency cap). attempts and last_error are unchanged; a
  // claim on it ends. NotFound when no item has this id.
  virtual Status Defer(uint64_t id, TimePoint until, const std::string& reason) {
    (void)id;
    (void)until;
    (void)reason;
    return Status::IoError("Defer not available");
  }
  // The earliest due time in the queue, or nullopt when empty.
  virtual Result<std::optional<TimePoint>> NextDue() = 0;
  // A dispatcher starting up, alone (it holds the dispatcher lock): every
  // item still claimed by an earlier run goes back to the due time it had
  // before it was claimed, so a restart resumes at once instead of waiting
  // for leases to end. Returns how many items were released.
  virtual Result<size_t> ReleaseClaims() { return Status::IoError("ReleaseClaims not available"); }
  // When person was sent follow-ups (out-of-office replies and sequence
  // steps) at or after since, oldest first; person and every recorded
  // recipient are folded (StoreOptions::recipient_delimiter), so the sends
  // to all sub-addresses of one mailbox count together. MarkSent() and
  // SequenceStore::RecordStepSent() record each send; the store keeps the
  // last 16 per person, until the retention sweep drops the person's entry
  // (store/retention.h). Feeds the dispatcher's per-person frequency cap.
  virtual Result<std::vector<TimePoint>> RecentSends(const std::string& person, TimePoint since) {
    (void)person;
    (void)since;
    return std::vector<TimePoint>{};
  }

  // --- retention (store/retention.h, FORMAT.md "Retention") ---
  // One bounded step of the sweep of `kind`: looks at the records after
  // the key resume_after ("" for the start) in one read transaction, at
  // most limits.max_examined of them, and removes those that policy lets go
  // at now -- at most limits.max_removed, in one write transaction that
  // checks each again, so a record written in between stays. A record that
  // cannot be decoded is left alone. Not pure so that test doubles need not
  // provide it: theirs fails with IoError.
  virtual Result<SweepStep> SweepExpired(SweptKind kind, const std::string& resume_after,
                                         TimePoint now, const RetentionPolicy& policy,
                                         const SweepLimits& limits) {
    (void)kind;
    (void)resume_after;
    (void)now;
    (void)policy;
    (void)limits;
    return Status::IoError("SweepExpired not available");
  }

  // --- inspection (CLI) ---
  virtual Result<std::vector<QueueItem>> ListQueue(size_t limit) = 0;
  virtual Result<std::vector<QueueItem>> ListFailed(size_t limit) = 0;
  // The item with this id in the queue (held or not), else on the failed
  // list, else nullopt. One read transaction.
  virtual Result<std::optional<QueueItem>> FindQueueItem(uint64_t id) {
    (void)id;
    return Status::IoError("FindQueueItem not available");
  }

  // --- queue control (CLI, FORMAT.md "held") ---
  // Removes the item from the queue (held or not) or from the failed list;
  // NotFound when neither has it. A queued reply's pending response is
  // dropped as by MarkFailed (the sender may be answered again); a queued
  // sequence step ends its enrolment with reason "deleted".
  virtual Status DeleteQueueItem(uint64_t id, TimePoint now) {
    (void)id;
    (void)now;
    return Status::IoError("DeleteQueueItem not available");
  }
  // Empties the failed list; returns how many items it held.
  virtual Result<size_t> DeleteAllFailed() { return Status::IoError("DeleteAllFailed not available"); }
  // Makes a waiting item due at now. NotFound when the queue lacks it;
  // InvalidArgument when it is held (release it first) or claimed (a
  // dispatcher is sending it right now).
  virtual Status RetryNow(uint64_t id, TimePoint now) {
    (void)id;
    (void)now;
    return Status::IoError("RetryNow not available");
  }
  // RetryNow for every waiting item due after now that is neither held nor
  // claimed; returns how many moved.
  virtual Result<size_t> RetryAllNow(TimePoint now) {
    (void)now;
    return Status::IoError("RetryAllNow not available");
  }
  // Hold: the item stays in the queue but is never claimed until released;
  // a claim on it ends (a send already in flight may still complete it).
  // Release: it is due again at the time it had. NotFound when the queue
  // lacks it; holding a held item or releasing one not held changes nothing.
  virtual Status Hold(uint64_t id) {
    (void)id;
    return Status::IoError("Hold not available");
  }
  virtual Status Release(uint64_t id) {
    (void)id;
    return Status::IoError("Release not available");
  }

  // Counts and sizes from one read transaction; never writes. Not pure so
  // that test doubles need not provide it: they report an error.
  virtual Result<StoreStats> Stats() { return Status::IoError("store statistics not available"); }

  // --- sequences (store/sequence_store.h): the same environment ---
  // Valid as long as this Store. Not pure so that test doubles need not
  // provide it: theirs fails every call with IoError.
  virtual SequenceStore& sequences();
};

}  // namespace ar
