// LmdbStore: the operator's queue control (`autoresponder-ctl queue show,
// delete, retry, hold, release`; FORMAT.md "held"). Each call is one write
// or read transaction like every other Store method.
#include "store/keys.h"
#include "store/lmdb_store.h"
#include "store/record_codec.h"
#include "store/status_macros.h"

namespace ar {

Result<bool> LmdbStore::IsHeld(LmdbTxn& txn, uint64_t id) {
  if (!dbs_.held_present) return false;
  AR_ASSIGN_OR_RETURN(std::optional<std::string_view> entry, txn.Get(dbs_.held, EncodeU64Key(id)));
  return entry.has_value();
}

Result<bool> LmdbStore::IsClaimed(LmdbTxn& txn, uint64_t id) {
  if (!dbs_.claims_present) return false;
  AR_ASSIGN_OR_RETURN(std::optional<std::string_view> entry,
                      txn.Get(dbs_.claims, EncodeU64Key(id)));
  return entry.has_value();
}

Result<std::optional<QueueItem>> LmdbStore::FindQueueItem(uint64_t id) {
  AR_ASSIGN_OR_RETURN(LmdbTxn txn, LmdbTxn::BeginRead(*env_));
  Result<QueueItem> queued = ReadQueueItem(txn, id);
  if (queued.ok()) {
    AR_ASSIGN_OR_RETURN(queued->held, IsHeld(txn, id));
    return std::optional<QueueItem>(std::move(queued).value());
  }
  if (!queued.status().IsNotFound()) return queued.status();
  AR_ASSIGN_OR_RETURN(std::optional<std::string_view> bytes, txn.Get(dbs_.failed, EncodeU64Key(id)));
  if (!bytes) return std::optional<QueueItem>();
  AR_ASSIGN_OR_RETURN(FailedRecord record, DecodeFailed(*bytes));
  record.item.failed = true;
  return std::optional<QueueItem>(std::move(record.item));
}

Status LmdbStore::DeleteQueueItem(uint64_t id, TimePoint now) {
  return Write("DeleteQueueItem", [&](LmdbTxn& txn) -> Status {
    Result<QueueItem> item = ReadQueueItem(txn, id);
    if (item.ok()) {
      AR_RETURN_IF_ERROR(RemoveQueueItem(txn, *item));
      // Left behind, a step's enrolment would wait forever for a step that
      // is gone, and a reply's pending record would silence the sender.
      if (item->kind == QueueItemKind::kSequenceStep) {
        return EndEnrolmentOfStep(txn, *item, "manual", now);
      }
      return DropPendingResponse(txn, *item);
    }
    if (!item.status().IsNotFound()) return item.status();
    Status removed = txn.Delete(dbs_.failed, EncodeU64Key(id));
    if (removed.IsNotFound()) {
      return Status::NotFound("no item " + std::to_string(id) + " in the queue or the failed list");
    }
    return removed;
  });
}

Result<size_t> LmdbStore::DeleteAllFailed() {
  size_t deleted = 0;
  Status written = Write("DeleteAllFailed", [&](LmdbTxn& txn) -> Status {
    deleted = 0;  // a re-run starts over
    std::vector<std::string> keys;
    {
      AR_ASSIGN_OR_RETURN(LmdbCursor cursor, LmdbCursor::Open(txn, dbs_.failed));
      AR_ASSIGN_OR_RETURN(std::optional<LmdbCursor::Entry> entry, cursor.First());
      while (entry) {
        keys.emplace_back(entry->key);
        AR_ASSIGN_OR_RETURN(entry, cursor.Next());
      }
    }
    for (const std::string& key : keys) AR_RETURN_IF_ERROR(txn.Delete(dbs_.failed, key));
    deleted = keys.size();
    return Status::Ok();
  });
  if (!written.ok()) return written;
  return deleted;
}

Status LmdbStore::RetryNow(uint64_t id, TimePoint now) {
  return Write("RetryNow", [&](LmdbTxn& txn) -> Status {
    AR_ASSIGN_OR_RETURN(QueueItem item, ReadQueueItem(txn, id));
    AR_ASSIGN_OR_RETURN(bool held, IsHeld(txn, id));
    if (held) return Status::InvalidArgument("item " + std::to_string(id) + " is held; release it");
    // A claimed item is being sent right now; making it due would let a
    // second claim send it twice.
    AR_ASSIGN_OR_RETURN(bool claimed, IsClaimed(txn, id));
    if (claimed) {
      return Status::InvalidArgument("item " + std::to_string(id) + " is being sent right now");
    }
    if (item.due <= now) return Status::Ok();
    const std::string old_due_key = EncodeDueKey(item.due, id);
    item.due = now;
    return RewriteQueueItem(txn, old_due_key, item);
  });
}

Result<size_t> LmdbStore::RetryAllNow(TimePoint now) {
  size_t moved = 0;
  Status written = Write("RetryAllNow", [&](LmdbTxn& txn) -> Status {
    moved = 0;  // a re-run starts over
    // Held items have no due entry, so walking `due` skips them.
    std::vector<std::string> later;
    {
      AR_ASSIGN_OR_RETURN(LmdbCursor cursor, LmdbCursor::Open(txn, dbs_.due));
      AR_ASSIGN_OR_RETURN(std::optional<LmdbCursor::Entry> entry, cursor.Seek(EncodeDueKey(now, 0)));
      while (entry) {
        std::optional<DueKey> key = DecodeDueKey(entry->key);
        if (!key) return Status::Corruption("due index has a malformed key");
        if (key->due > now) later.emplace_back(entry->key);
        AR_ASSIGN_OR_RETURN(entry, cursor.Next());
      }
    }
    for (const std::string& due_key : later) {
      const uint64_t id = DecodeDueKey(due_key)->id;
      AR_ASSIGN_OR_RETURN(bool claimed, IsClaimed(txn, id));
      if (claimed) continue;
      Result<QueueItem> item = ReadQueueItem(txn, id);
      if (!item.ok()) {
        if (item.status().IsNotFound()) {
          return Status::Corruption("due index names missing queue item " + std::to_string(id));
        }
        return item.status();
      }
      item->due = now;
      AR_RETURN_IF_ERROR(RewriteQueueItem(txn, due_key, *item));
      ++moved;
    }
    return Status::Ok();
  });
  if (!written.ok()) return written;
  return moved;
}

Status LmdbStore::Hold(uint64_t id) {
  return Write("Hold", [&](LmdbTxn& txn) -> Status {
    AR_ASSIGN_OR_RETURN(QueueItem item, ReadQueueItem(txn, id));
    AR_ASSIGN_OR_RETURN(bool held, IsHeld(txn, id));
    if (held) return Status::Ok();
    // A claimed item's due time is its lease; the hold keeps the due time
    // it had before the claim, so a release makes it due as before.
    const std::string old_due_key = EncodeDueKey(item.due, id);
    AR_ASSIGN_OR_RETURN(std::optional<std::string_view> claim,
                        txn.Get(dbs_.claims, EncodeU64Key(id)));
    if (claim) {
      AR_ASSIGN_OR_RETURN(item.due, DecodeClaim(*claim));
      AR_RETURN_IF_ERROR(EndClaim(txn, id));
    }
    AR_RETURN_IF_ERROR(txn.Put(dbs_.held, EncodeU64Key(id), ""));
    return RewriteQueueItem(txn, old_due_key, item);  // held: no due entry
  });
}

Status LmdbStore::Release(uint64_t id) {
  return Write("Release", [&](LmdbTxn& txn) -> Status {
    AR_ASSIGN_OR_RETURN(QueueItem item, ReadQueueItem(txn, id));
    AR_ASSIGN_OR_RETURN(bool held, IsHeld(txn, id));
    if (!held) return Status::Ok();
    AR_RETURN_IF_ERROR(txn.Delete(dbs_.held, EncodeU64Key(id)));
    return RewriteQueueItem(txn, EncodeDueKey(item.due, id), item);
  });
}

}  // namespace ar
