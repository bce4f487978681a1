// LmdbStore: the claim cycle (FORMAT.md, "claims": ClaimDue remembers, the
// Mark*/step calls end, ReleaseClaims puts back), Defer, and the per-person
// send log behind RecentSends (FORMAT.md, "person_sends").
#include <algorithm>

#include "message/sub_address.h"
#include "store/keys.h"
#include "store/lmdb_store.h"
#include "store/status_macros.h"

namespace ar {

Status LmdbStore::RememberClaim(LmdbTxn& txn, uint64_t id, TimePoint previous_due) {
  const std::string key = EncodeU64Key(id);
  // A lease that ran out and was claimed again keeps the first due time: the
  // claim never ended, and releasing it must go back to before all of it.
  AR_ASSIGN_OR_RETURN(std::optional<std::string_view> existing, txn.Get(dbs_.claims, key));
  if (existing) return Status::Ok();
  return txn.Put(dbs_.claims, key, EncodeClaim(previous_due));
}

Status LmdbStore::EndClaim(LmdbTxn& txn, uint64_t id) {
  Status s = txn.Delete(dbs_.claims, EncodeU64Key(id));
  return s.IsNotFound() ? Status::Ok() : s;
}

Status LmdbStore::Defer(uint64_t id, TimePoint until, const std::string& reason) {
  (void)reason;  // the caller logs it; the item keeps its last delivery error
  return Write("Defer", [&](LmdbTxn& txn) -> Status {
    AR_ASSIGN_OR_RETURN(QueueItem item, ReadQueueItem(txn, id));
    const std::string old_due_key = EncodeDueKey(item.due, id);
    item.due = until;
    AR_RETURN_IF_ERROR(RewriteQueueItem(txn, old_due_key, item));
    return EndClaim(txn, id);
  });
}

Result<size_t> LmdbStore::ReleaseClaims() {
  size_t released = 0;
  Status written = Write("ReleaseClaims", [&](LmdbTxn& txn) -> Status {
    released = 0;  // a re-run starts over
    std::vector<std::pair<uint64_t, TimePoint>> claims;
    {
      AR_ASSIGN_OR_RETURN(LmdbCursor cursor, LmdbCursor::Open(txn, dbs_.claims));
      AR_ASSIGN_OR_RETURN(std::optional<LmdbCursor::Entry> entry, cursor.First());
      while (entry) {
        std::optional<uint64_t> id = DecodeU64Key(entry->key);
        if (!id) return Status::Corruption("claims has a malformed key");
        AR_ASSIGN_OR_RETURN(TimePoint previous_due, DecodeClaim(entry->value));
        claims.emplace_back(*id, previous_due);
        AR_ASSIGN_OR_RETURN(entry, cursor.Next());
      }
    }
    for (const auto& [id, previous_due] : claims) {
      AR_RETURN_IF_ERROR(EndClaim(txn, id));
      Result<QueueItem> item = ReadQueueItem(txn, id);
      // Gone already (every removal ends its claim, so only damage leaves
      // one behind): the stale claim is simply dropped.
      if (!item.ok() && item.status().IsNotFound()) continue;
      if (!item.ok()) return item.status();
      const std::string old_due_key = EncodeDueKey(item->due, id);
      item->due = previous_due;
      AR_RETURN_IF_ERROR(RewriteQueueItem(txn, old_due_key, *item));
      ++released;
    }
    return Status::Ok();
  });
  if (!written.ok()) return written;
  return released;
}

Status LmdbStore::RecordSend(LmdbTxn& txn, const std::string& person, TimePoint at) {
  const std::string key = FoldSubAddress(person, recipient_delimiter_);
  // The send itself must not fail for want of a key: such a person simply
  // has no history (and so no frequency cap).
  if (key.empty() || key.size() > env_->max_key_size()) return Status::Ok();
  std::vector<TimePoint> sends;
  AR_ASSIGN_OR_RETURN(std::optional<std::string_view> bytes, txn.Get(dbs_.person_sends, key));
  if (bytes) {
    AR_ASSIGN_OR_RETURN(sends, DecodePersonSends(*bytes));
  }
  // Kept in time order even if the clock stepped back; the encoder keeps
  // the newest kMaxPersonSends.
  sends.insert(std::upper_bound(sends.begin(), sends.end(), at), at);
  return txn.Put(dbs_.person_sends, key, EncodePersonSends(sends));
}

Result<std::vector<TimePoint>> LmdbStore::RecentSends(const std::string& person, TimePoint since) {
  std::vector<TimePoint> recent;
  const std::string key = FoldSubAddress(person, recipient_delimiter_);
  if (!dbs_.person_sends_present || key.empty() || key.size() > env_->max_key_size()) {
    return recent;
  }
  AR_ASSIGN_OR_RETURN(LmdbTxn txn, LmdbTxn::BeginRead(*env_));
  AR_ASSIGN_OR_RETURN(std::optional<std::string_view> bytes, txn.Get(dbs_.person_sends, key));
  if (!bytes) return recent;
  AR_ASSIGN_OR_RETURN(std::vector<TimePoint> sends, DecodePersonSends(*bytes));
  for (TimePoint t : sends) {
    if (t >= since) recent.push_back(t);
  }
  return recent;
}

}  // namespace ar
