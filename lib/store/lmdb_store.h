// LmdbStore: the Store (store/store.h) over one LMDB environment. Layout and
// record versions are in FORMAT.md.
//
// Every method runs in exactly one LMDB transaction: reads in a read
// transaction, each mutation in one write transaction that commits (and
// syncs) before the method returns, so a method's effects are all-or-nothing
// and survive a crash once it returned ok.
//
// Ownership: owns the environment. Thread-safety: all methods may be called
// concurrently from any number of threads; LMDB serialises writers, also
// across processes. Must not be used in a child after fork().
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/lmdb_env.h"
#include "store/record_codec.h"
#include "store/store.h"

namespace ar {

class LmdbStore final : public Store {
 public:
  // The on-disk format this code reads and writes (meta "format_version").
  static constexpr uint32_t kFormatVersion = 1;

  static Result<std::unique_ptr<LmdbStore>> OpenLmdb(const StoreOptions& options);

  Status PutRule(const OutOfOfficeRule& rule) override;
  Result<std::optional<OutOfOfficeRule>> GetRule(const std::string& address) override;
  Result<std::vector<OutOfOfficeRule>> ListRules() override;
  Status DeleteRule(const std::string& address) override;
  Result<std::vector<OutOfOfficeRule>> FindRulesForRecipients(
      const std::vector<std::string>& recipients) override;

  Result<std::optional<ResponseRecord>> GetResponse(const std::string& user,
                                                    const std::string& dedupe_sender) override;

  Result<std::vector<EnqueueOutcome>> Enqueue(const std::vector<NewReply>& replies,
                                              TimePoint now) override;
  Result<std::vector<QueueItem>> ClaimDue(TimePoint now, size_t limit, Seconds lease) override;
  Status MarkSent(uint64_t id, TimePoint now) override;
  Status MarkRetry(uint64_t id, TimePoint retry_at, const std::string& error) override;
  Status MarkFailed(uint64_t id, TimePoint now, const std::string& error) override;
  Result<std::optional<TimePoint>> NextDue() override;

  Result<std::vector<QueueItem>> ListQueue(size_t limit) override;
  Result<std::vector<QueueItem>> ListFailed(size_t limit) override;
  Result<StoreStats> Stats() override;

 private:
  struct Databases {
    MDB_dbi meta = 0;
    MDB_dbi rules = 0;
    MDB_dbi addresses = 0;
    MDB_dbi responses = 0;
    MDB_dbi queue = 0;
    MDB_dbi due = 0;
    MDB_dbi failed = 0;
  };

  LmdbStore(std::unique_ptr<LmdbEnv> env, Databases dbs) : env_(std::move(env)), dbs_(dbs) {}
  static Result<Databases> OpenDatabases(LmdbEnv& env);

  // InvalidArgument when key is empty or longer than LMDB allows.
  Status CheckKey(std::string_view key, const char* what) const;
  // The rule stored under a normalised address, or nullopt.
  Result<std::optional<OutOfOfficeRule>> ReadRule(LmdbTxn& txn, const std::string& key);
  Result<std::optional<ResponseRecord>> ReadResponse(LmdbTxn& txn, const std::string& key);
  // NotFound when no item has this id.
  Result<QueueItem> ReadQueueItem(LmdbTxn& txn, uint64_t id);
  Result<uint64_t> TakeNextQueueId(LmdbTxn& txn);
  // Replaces the item and moves its due index entry from old_due_key to
  // the key of item.due.
  Status RewriteQueueItem(LmdbTxn& txn, const std::string& old_due_key, const QueueItem& item);
  // Removes the item and its due index entry.
  Status RemoveQueueItem(LmdbTxn& txn, const QueueItem& item);

  std::unique_ptr<LmdbEnv> env_;
  Databases dbs_;
};

}  // namespace ar
