// LmdbStore: the response log and the follow-up queue (FORMAT.md,
// "responses", "queue", "due", "failed").
#include <limits>

#include "store/keys.h"
#include "store/sequence_keys.h"
#include "store/lmdb_store.h"
#include "store/status_macros.h"

namespace ar {

namespace {

// Whether the response log already answers this reply (store.h, Enqueue).
bool AlreadyAnswered(const ResponseRecord& record, const NewReply& reply, TimePoint now) {
  // A record from an older generation does not count: the user edited or
  // re-enabled the rule, so everyone is answered again.
  if (record.generation < reply.generation) return false;
  // A newer generation means the caller decided on a stale copy of the rule;
  // the newer decision stands, and the log never moves back a generation.
  if (record.generation > reply.generation) return true;
  if (record.state == ResponseState::kPending) return true;
  // Sent: answered while now < at + period. A clock that went backwards
  // (now < at) still counts as within the period.
  return now < AddSaturating(record.at, reply.period);
}

Status ValidateReply(const NewReply& reply, size_t max_key_size) {
  // The response key separates user and sender with NUL (FORMAT.md).
  if (reply.user.find('\0') != std::string::npos) {
    return Status::InvalidArgument("reply user contains NUL");
  }
  if (NormalizeAddress(reply.user).empty()) return Status::InvalidArgument("reply has no user");
  if (EncodeResponseKey(reply.user, reply.dedupe_sender).size() > max_key_size) {
    return Status::InvalidArgument("reply user and sender are too long for a key");
  }
  return Status::Ok();
}

}  // namespace

Result<uint64_t> LmdbStore::TakeNextQueueId(LmdbTxn& txn) {
  AR_ASSIGN_OR_RETURN(std::optional<std::string_view> stored,
                      txn.Get(dbs_.meta, kMetaNextQueueIdKey));
  uint64_t id = 1;
  if (stored) {
    AR_ASSIGN_OR_RETURN(id, DecodeMetaU64(*stored));
  }
  AR_RETURN_IF_ERROR(txn.Put(dbs_.meta, kMetaNextQueueIdKey, EncodeMetaU64(id + 1)));
  return id;
}

Result<QueueItem> LmdbStore::ReadQueueItem(LmdbTxn& txn, uint64_t id) {
  AR_ASSIGN_OR_RETURN(std::optional<std::string_view> bytes, txn.Get(dbs_.queue, EncodeU64Key(id)));
  if (!bytes) return Status::NotFound("no queue item " + std::to_string(id));
  AR_ASSIGN_OR_RETURN(QueueItem item, DecodeQueueItem(*bytes));
  if (item.id != id) {
    return Status::Corruption("queue item " + std::to_string(id) + " holds id " +
                              std::to_string(item.id));
  }
  return item;
}

Status LmdbStore::RewriteQueueItem(LmdbTxn& txn, const std::string& old_due_key,
                                   const QueueItem& item) {
  Status s = txn.Delete(dbs_.due, old_due_key);
  if (!s.ok() && !s.IsNotFound()) return s;
  // A held item keeps out of the due index until released, also when a
  // send that was in flight when it was held retries or defers it.
  AR_ASSIGN_OR_RETURN(bool held, IsHeld(txn, item.id));
  if (!held) AR_RETURN_IF_ERROR(txn.Put(dbs_.due, EncodeDueKey(item.due, item.id), ""));
  return txn.Put(dbs_.queue, EncodeU64Key(item.id), EncodeQueueItem(item));
}

Status LmdbStore::RemoveQueueItem(LmdbTxn& txn, const QueueItem& item) {
  Status s = txn.Delete(dbs_.due, EncodeDueKey(item.due, item.id));
  if (!s.ok() && !s.IsNotFound()) return s;
  AR_RETURN_IF_ERROR(EndClaim(txn, item.id));
  if (dbs_.held_present) {
    s = txn.Delete(dbs_.held, EncodeU64Key(item.id));
    if (!s.ok() && !s.IsNotFound()) return s;
  }
  return txn.Delete(dbs_.queue, EncodeU64Key(item.id));
}

Result<std::vector<EnqueueOutcome>> LmdbStore::Enqueue(const std::vector<NewReply>& replies,
                                                       TimePoint now) {
  std::vector<EnqueueOutcome> outcomes;
  if (replies.empty()) return outcomes;
  for (const NewReply& reply : replies) {
    AR_RETURN_IF_ERROR(ValidateReply(reply, env_->max_key_size()));
  }

  const WriteBatcher::Body body = [&](LmdbTxn& txn) -> Status {
    outcomes.clear();  // a re-run starts over
    for (const NewReply& reply : replies) {
      // Checked inside the write transaction: two milter threads (or
      // processes) that both decided to answer the same sender serialise here,
      // and the second sees the first's pending record.
      std::string response_key = EncodeResponseKey(reply.user, reply.dedupe_sender);
      AR_ASSIGN_OR_RETURN(std::optional<ResponseRecord> existing, ReadResponse(txn, response_key));
      if (existing && AlreadyAnswered(*existing, reply, now)) {
        outcomes.push_back(EnqueueOutcome{});
        continue;
      }
      AR_ASSIGN_OR_RETURN(uint64_t id, TakeNextQueueId(txn));
      QueueItem item;
      item.id = id;
      item.user = reply.user;
      item.generation = reply.generation;
      item.dedupe_sender = reply.dedupe_sender;
      item.envelope_sender = reply.envelope_sender;
      item.envelope_recipient = reply.envelope_recipient;
      item.message_id = reply.message_id;
      item.message = reply.message;
      item.created = now;
      item.due = reply.due;
      item.origin_queue_id = reply.origin_queue_id;
      AR_RETURN_IF_ERROR(txn.Put(dbs_.queue, EncodeU64Key(id), EncodeQueueItem(item)));
      AR_RETURN_IF_ERROR(txn.Put(dbs_.due, EncodeDueKey(item.due, id), ""));
      ResponseRecord pending{reply.generation, ResponseState::kPending, now};
      AR_RETURN_IF_ERROR(txn.Put(dbs_.responses, response_key, EncodeResponse(pending)));
      outcomes.push_back(EnqueueOutcome{true, id});
    }
    return Status::Ok();
  };
  // A new reply: outside the reserve (FORMAT.md, "Environment").
  Status written = Write("Enqueue", body, WriteBatcher::Use::kOutsideReserve);
  if (!written.ok()) return written;
  return outcomes;
}

Result<std::vector<QueueItem>> LmdbStore::ClaimDue(TimePoint now, size_t limit, Seconds lease) {
  std::vector<QueueItem> claimed;
  if (limit == 0) return claimed;
  Status written = Write("ClaimDue", [&](LmdbTxn& txn) -> Status {
    claimed.clear();  // a re-run starts over
    std::vector<std::string> due_keys;
    {
      // A write transaction's cursor must be closed before the commit.
      AR_ASSIGN_OR_RETURN(LmdbCursor cursor, LmdbCursor::Open(txn, dbs_.due));
      AR_ASSIGN_OR_RETURN(std::optional<LmdbCursor::Entry> entry, cursor.First());
      while (entry && due_keys.size() < limit) {
        std::optional<DueKey> key = DecodeDueKey(entry->key);
        if (!key) return Status::Corruption("due index has a malformed key");
        if (key->due > now) break;
        due_keys.emplace_back(entry->key);
        AR_ASSIGN_OR_RETURN(entry, cursor.Next());
      }
    }
    const TimePoint leased_until = AddSaturating(now, lease);
    for (const std::string& due_key : due_keys) {
      uint64_t id = DecodeDueKey(due_key)->id;
      Result<QueueItem> item = ReadQueueItem(txn, id);
      if (!item.ok()) {
        if (item.status().IsNotFound()) {
          return Status::Corruption("due index names missing queue item " + std::to_string(id));
        }
        return item.status();
      }
      AR_RETURN_IF_ERROR(RememberClaim(txn, id, item->due));
      item->due = leased_until;
      AR_RETURN_IF_ERROR(RewriteQueueItem(txn, due_key, *item));
      claimed.push_back(std::move(item).value());
    }
    return Status::Ok();
  });
  if (!written.ok()) return written;
  return claimed;
}

Status LmdbStore::MarkSent(uint64_t id, TimePoint now) {
  return Write("MarkSent", [&](LmdbTxn& txn) -> Status {
    AR_ASSIGN_OR_RETURN(QueueItem item, ReadQueueItem(txn, id));
    // A sent step must also advance its enrolment: RecordStepSent does both.
    if (item.kind != QueueItemKind::kReply) {
      return Status::InvalidArgument("queue item " + std::to_string(id) +
                                     " is a sequence step (use RecordStepSent)");
    }
    AR_RETURN_IF_ERROR(RemoveQueueItem(txn, item));
    std::string response_key = EncodeResponseKey(item.user, item.dedupe_sender);
    AR_ASSIGN_OR_RETURN(std::optional<ResponseRecord> existing, ReadResponse(txn, response_key));
    // A record of a newer generation belongs to a later reply; keep it.
    if (!existing || existing->generation <= item.generation) {
      ResponseRecord sent{item.generation, ResponseState::kSent, now};
      AR_RETURN_IF_ERROR(txn.Put(dbs_.responses, response_key, EncodeResponse(sent)));
    }
    return RecordSend(txn, item.envelope_recipient, now);
  });
}

Status LmdbStore::MarkRetry(uint64_t id, TimePoint retry_at, const std::string& error) {
  return Write("MarkRetry", [&](LmdbTxn& txn) -> Status {
    AR_ASSIGN_OR_RETURN(QueueItem item, ReadQueueItem(txn, id));
    std::string old_due_key = EncodeDueKey(item.due, id);
    item.due = retry_at;
    if (item.attempts < std::numeric_limits<uint32_t>::max()) ++item.attempts;
    item.last_error = error;
    AR_RETURN_IF_ERROR(RewriteQueueItem(txn, old_due_key, item));
    return EndClaim(txn, id);
  });
}

// A step that can never be delivered (5xx, or too old) ends its enrolment:
// left active, it would wait forever for a step that is not queued, and
// later steps to an address the MTA refuses would fail the same way. Only
// the enrolment's own queued step ends it; a stale item changes nothing.
Status LmdbStore::EndEnrolmentOfStep(LmdbTxn& txn, const QueueItem& item,
                                     const std::string& reason, TimePoint now) {
  AR_ASSIGN_OR_RETURN(std::optional<StoredEnrolment> stored,
                      ReadEnrolment(txn, EncodeEnrolmentKey(NormalizeAddress(item.user),
                                                            item.sequence)));
  if (!stored || stored->enrolment.state != EnrolmentState::kActive ||
      stored->queued_step_id != item.id) {
    return Status::Ok();
  }
  stored->queued_step_id = 0;  // already removed from the queue
  return EndEnrolment(txn, *stored, reason, now);
}

Status LmdbStore::MarkFailed(uint64_t id, TimePoint now, const std::string& error) {
  return Write("MarkFailed", [&](LmdbTxn& txn) -> Status {
    AR_ASSIGN_OR_RETURN(QueueItem item, ReadQueueItem(txn, id));
    AR_RETURN_IF_ERROR(RemoveQueueItem(txn, item));
    // The failing delivery was an attempt too.
    if (item.attempts < std::numeric_limits<uint32_t>::max()) ++item.attempts;
    item.last_error = error;
    AR_RETURN_IF_ERROR(
        txn.Put(dbs_.failed, EncodeU64Key(id), EncodeFailed(FailedRecord{item, now})));
    if (item.kind == QueueItemKind::kSequenceStep) {
      return EndEnrolmentOfStep(txn, item, "delivery-failed", now);
    }
    return DropPendingResponse(txn, item);
  });
}

Status LmdbStore::DropPendingResponse(LmdbTxn& txn, const QueueItem& item) {
  // Drop the pending record so the sender's next message may be answered;
  // a sent record or one of another generation is left alone. Sequence steps
  // have no response record (their user is the person, not a rule).
  if (item.kind != QueueItemKind::kReply) return Status::Ok();
  std::string response_key = EncodeResponseKey(item.user, item.dedupe_sender);
  AR_ASSIGN_OR_RETURN(std::optional<ResponseRecord> existing, ReadResponse(txn, response_key));
  if (existing && existing->state == ResponseState::kPending &&
      existing->generation == item.generation) {
    AR_RETURN_IF_ERROR(txn.Delete(dbs_.responses, response_key));
  }
  return Status::Ok();
}

Result<std::optional<TimePoint>> LmdbStore::NextDue() {
  AR_ASSIGN_OR_RETURN(LmdbTxn txn, LmdbTxn::BeginRead(*env_));
  AR_ASSIGN_OR_RETURN(LmdbCursor cursor, LmdbCursor::Open(txn, dbs_.due));
  AR_ASSIGN_OR_RETURN(std::optional<LmdbCursor::Entry> first, cursor.First());
  if (!first) return std::optional<TimePoint>();
  std::optional<DueKey> key = DecodeDueKey(first->key);
  if (!key) return Status::Corruption("due index has a malformed key");
  return std::optional<TimePoint>(key->due);
}

Result<std::vector<QueueItem>> LmdbStore::ListQueue(size_t limit) {
  AR_ASSIGN_OR_RETURN(LmdbTxn txn, LmdbTxn::BeginRead(*env_));
  AR_ASSIGN_OR_RETURN(LmdbCursor cursor, LmdbCursor::Open(txn, dbs_.queue));
  std::vector<QueueItem> items;
  AR_ASSIGN_OR_RETURN(std::optional<LmdbCursor::Entry> entry, cursor.First());
  while (entry && items.size() < limit) {
    AR_ASSIGN_OR_RETURN(QueueItem item, DecodeQueueItem(entry->value));
    AR_ASSIGN_OR_RETURN(item.held, IsHeld(txn, item.id));
    items.push_back(std::move(item));
    AR_ASSIGN_OR_RETURN(entry, cursor.Next());
  }
  return items;
}

Result<std::vector<QueueItem>> LmdbStore::ListFailed(size_t limit) {
  AR_ASSIGN_OR_RETURN(LmdbTxn txn, LmdbTxn::BeginRead(*env_));
  AR_ASSIGN_OR_RETURN(LmdbCursor cursor, LmdbCursor::Open(txn, dbs_.failed));
  std::vector<QueueItem> items;
  AR_ASSIGN_OR_RETURN(std::optional<LmdbCursor::Entry> entry, cursor.First());
  while (entry && items.size() < limit) {
    AR_ASSIGN_OR_RETURN(FailedRecord record, DecodeFailed(entry->value));
    record.item.failed = true;
    items.push_back(std::move(record.item));
    AR_ASSIGN_OR_RETURN(entry, cursor.Next());
  }
  return items;
}

}  // namespace ar
