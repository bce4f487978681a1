// LmdbStore: the sequence databases' reads, the stored definitions, the
// suppression list, and the helpers the sequence writes share (FORMAT.md,
// "Sequence databases"). The decision and dispatcher writes are in
// lmdb_store_sequence_apply.cc.
#include <limits>

#include "message/address.h"
#include "store/keys.h"
#include "store/lmdb_store.h"
#include "store/sequence_keys.h"
#include "store/status_macros.h"

namespace ar {

// --- helpers shared with lmdb_store_sequence_apply.cc ---

Result<std::optional<StoredEnrolment>> LmdbStore::ReadEnrolment(LmdbTxn& txn,
                                                                const std::string& key) {
  AR_ASSIGN_OR_RETURN(std::optional<std::string_view> bytes, txn.Get(dbs_.enrolments, key));
  if (!bytes) return std::optional<StoredEnrolment>();
  AR_ASSIGN_OR_RETURN(StoredEnrolment stored, DecodeEnrolment(*bytes));
  return std::optional<StoredEnrolment>(std::move(stored));
}

Status LmdbStore::WriteEnrolment(LmdbTxn& txn, const StoredEnrolment& stored) {
  std::string key = EncodeEnrolmentKey(stored.enrolment.person, stored.enrolment.sequence);
  AR_RETURN_IF_ERROR(CheckKey(key, "enrolment key"));
  return txn.Put(dbs_.enrolments, key, EncodeEnrolment(stored));
}

Result<std::optional<Suppression>> LmdbStore::ReadSuppression(LmdbTxn& txn,
                                                              const std::string& key) {
  AR_ASSIGN_OR_RETURN(std::optional<std::string_view> bytes, txn.Get(dbs_.suppressions, key));
  if (!bytes) return std::optional<Suppression>();
  AR_ASSIGN_OR_RETURN(Suppression suppression, DecodeSuppression(*bytes));
  return std::optional<Suppression>(std::move(suppression));
}

Result<uint32_t> LmdbStore::ReadSoftBounceCount(LmdbTxn& txn, const std::string& person_key) {
  AR_ASSIGN_OR_RETURN(std::optional<std::string_view> bytes,
                      txn.Get(dbs_.soft_bounces, person_key));
  if (!bytes) return uint32_t{0};
  return DecodeSoftBounceCount(*bytes);
}

Status LmdbStore::RemoveQueuedStep(LmdbTxn& txn, StoredEnrolment& stored) {
  const uint64_t id = stored.queued_step_id;
  if (id == 0) return Status::Ok();
  stored.queued_step_id = 0;
  Result<QueueItem> item = ReadQueueItem(txn, id);
  // Already gone (sent, dropped or failed): nothing to remove.
  if (!item.ok()) return item.status().IsNotFound() ? Status::Ok() : item.status();
  // Queue ids are never reused, but check the item is really this
  // enrolment's step before deleting anything.
  if (item->kind != QueueItemKind::kSequenceStep || item->sequence != stored.enrolment.sequence ||
      NormalizeAddress(item->user) != NormalizeAddress(stored.enrolment.person)) {
    return Status::Ok();
  }
  return RemoveQueueItem(txn, *item);
}

Status LmdbStore::QueueStep(LmdbTxn& txn, StoredEnrolment& stored, uint32_t step, TimePoint due,
                            TimePoint now) {
  AR_ASSIGN_OR_RETURN(uint64_t id, TakeNextQueueId(txn));
  QueueItem item;
  item.id = id;
  item.kind = QueueItemKind::kSequenceStep;
  item.sequence = stored.enrolment.sequence;
  item.step = step;
  item.user = stored.enrolment.person;
  item.envelope_recipient = stored.enrolment.person;
  item.created = now;
  item.due = due;
  AR_RETURN_IF_ERROR(txn.Put(dbs_.queue, EncodeU64Key(id), EncodeQueueItem(item)));
  AR_RETURN_IF_ERROR(txn.Put(dbs_.due, EncodeDueKey(due, id), ""));
  stored.queued_step_id = id;
  stored.enrolment.next_step = step;
  stored.enrolment.next_due = due;
  return Status::Ok();
}

Status LmdbStore::EndEnrolment(LmdbTxn& txn, StoredEnrolment& stored, const std::string& reason,
                               TimePoint now) {
  if (stored.enrolment.state != EnrolmentState::kActive) return Status::Ok();
  AR_RETURN_IF_ERROR(RemoveQueuedStep(txn, stored));
  stored.enrolment.state = EnrolmentState::kLeft;
  stored.enrolment.left_reason = reason;
  stored.enrolment.left_at = now;
  stored.enrolment.next_due.reset();
  return WriteEnrolment(txn, stored);
}

Status LmdbStore::SuppressIn(LmdbTxn& txn, const std::string& person, const std::string& reason,
                             uint32_t soft_bounces, TimePoint now) {
  const std::string key = EncodePersonKey(person);
  AR_RETURN_IF_ERROR(CheckKey(key, "person"));
  AR_ASSIGN_OR_RETURN(std::optional<Suppression> existing, ReadSuppression(txn, key));
  // The first reason and time stand: a later bounce does not rewrite why
  // someone unsubscribed.
  if (!existing) {
    Suppression suppression{key, reason, now, soft_bounces};
    AR_RETURN_IF_ERROR(txn.Put(dbs_.suppressions, key, EncodeSuppression(suppression)));
  }

  std::vector<std::string> keys;
  {
    const std::string prefix = EncodeEnrolmentPrefix(person);
    AR_ASSIGN_OR_RETURN(LmdbCursor cursor, LmdbCursor::Open(txn, dbs_.enrolments));
    AR_ASSIGN_OR_RETURN(std::optional<LmdbCursor::Entry> entry, cursor.Seek(prefix));
    while (entry && entry->key.substr(0, prefix.size()) == prefix) {
      keys.emplace_back(entry->key);
      AR_ASSIGN_OR_RETURN(entry, cursor.Next());
    }
  }
  for (const std::string& enrolment_key : keys) {
    AR_ASSIGN_OR_RETURN(std::optional<StoredEnrolment> stored, ReadEnrolment(txn, enrolment_key));
    if (stored) AR_RETURN_IF_ERROR(EndEnrolment(txn, *stored, reason, now));
  }
  return Status::Ok();
}

// --- definitions ---

Status LmdbStore::PutSequenceVersion(const std::string& name, const std::string& version,
                                     const SequenceSource& source) {
  if (name.empty() || name.find('\0') != std::string::npos || version.empty()) {
    return Status::InvalidArgument("sequence version needs a name without NUL and a version");
  }
  const std::string key = EncodeSequenceVersionKey(name, version);
  AR_RETURN_IF_ERROR(CheckKey(key, "sequence version key"));
  return Write("PutSequenceVersion", [&](LmdbTxn& txn) -> Status {
    AR_ASSIGN_OR_RETURN(std::optional<std::string_view> existing, txn.Get(dbs_.seq_versions, key));
    // The version is a hash of the source: an existing entry already holds it.
    if (existing) return Status::Ok();
    AR_RETURN_IF_ERROR(txn.Put(dbs_.seq_versions, key, EncodeSequenceSource(source)));
    return Status::Ok();
  });
}

Result<std::optional<SequenceSource>> LmdbStore::GetSequenceVersion(const std::string& name,
                                                                    const std::string& version) {
  const std::string key = EncodeSequenceVersionKey(name, version);
  if (key.size() > env_->max_key_size()) return std::optional<SequenceSource>();
  AR_ASSIGN_OR_RETURN(LmdbTxn txn, LmdbTxn::BeginRead(*env_));
  AR_ASSIGN_OR_RETURN(std::optional<std::string_view> bytes, txn.Get(dbs_.seq_versions, key));
  if (!bytes) return std::optional<SequenceSource>();
  AR_ASSIGN_OR_RETURN(SequenceSource source, DecodeSequenceSource(*bytes));
  return std::optional<SequenceSource>(std::move(source));
}

// --- reads ---

Result<std::optional<Enrolment>> LmdbStore::GetEnrolment(const std::string& person,
                                                         const std::string& sequence) {
  const std::string key = EncodeEnrolmentKey(person, sequence);
  if (key.size() > env_->max_key_size()) return std::optional<Enrolment>();
  AR_ASSIGN_OR_RETURN(LmdbTxn txn, LmdbTxn::BeginRead(*env_));
  AR_ASSIGN_OR_RETURN(std::optional<StoredEnrolment> stored, ReadEnrolment(txn, key));
  if (!stored) return std::optional<Enrolment>();
  return std::optional<Enrolment>(std::move(stored->enrolment));
}

Result<std::vector<Enrolment>> LmdbStore::ListEnrolments(const std::string& person) {
  std::vector<Enrolment> enrolments;
  const std::string prefix = EncodeEnrolmentPrefix(person);
  if (prefix.size() > env_->max_key_size()) return enrolments;
  AR_ASSIGN_OR_RETURN(LmdbTxn txn, LmdbTxn::BeginRead(*env_));
  AR_ASSIGN_OR_RETURN(LmdbCursor cursor, LmdbCursor::Open(txn, dbs_.enrolments));
  AR_ASSIGN_OR_RETURN(std::optional<LmdbCursor::Entry> entry, cursor.Seek(prefix));
  while (entry && entry->key.substr(0, prefix.size()) == prefix) {
    AR_ASSIGN_OR_RETURN(StoredEnrolment stored, DecodeEnrolment(entry->value));
    enrolments.push_back(std::move(stored.enrolment));
    AR_ASSIGN_OR_RETURN(entry, cursor.Next());
  }
  return enrolments;
}

Result<std::vector<Enrolment>> LmdbStore::ListMembers(const std::string& sequence, size_t limit) {
  // A full scan (FORMAT.md: the CLI's view, not on the mail path); the key's
  // sequence part is compared before the record is decoded.
  std::vector<Enrolment> members;
  if (limit == 0) return members;
  AR_ASSIGN_OR_RETURN(LmdbTxn txn, LmdbTxn::BeginRead(*env_));
  AR_ASSIGN_OR_RETURN(LmdbCursor cursor, LmdbCursor::Open(txn, dbs_.enrolments));
  AR_ASSIGN_OR_RETURN(std::optional<LmdbCursor::Entry> entry, cursor.First());
  while (entry && members.size() < limit) {
    size_t nul = entry->key.find('\0');
    if (nul == std::string_view::npos) return Status::Corruption("enrolment key has no NUL");
    if (entry->key.substr(nul + 1) == sequence) {
      AR_ASSIGN_OR_RETURN(StoredEnrolment stored, DecodeEnrolment(entry->value));
      members.push_back(std::move(stored.enrolment));
    }
    AR_ASSIGN_OR_RETURN(entry, cursor.Next());
  }
  return members;
}

Result<std::optional<SentMessageRef>> LmdbStore::FindSentMessage(const std::string& message_id) {
  if (message_id.empty() || message_id.size() > env_->max_key_size()) {
    return std::optional<SentMessageRef>();
  }
  AR_ASSIGN_OR_RETURN(LmdbTxn txn, LmdbTxn::BeginRead(*env_));
  AR_ASSIGN_OR_RETURN(std::optional<std::string_view> bytes, txn.Get(dbs_.sent_ids, message_id));
  if (!bytes) return std::optional<SentMessageRef>();
  AR_ASSIGN_OR_RETURN(SentMessageRef ref, DecodeSentMessageRef(*bytes));
  return std::optional<SentMessageRef>(std::move(ref));
}

Result<bool> LmdbStore::TriggerSeen(const std::string& message_id, const std::string& sequence) {
  if (message_id.empty()) return false;
  const std::string key = EncodeTriggerSeenKey(message_id, sequence, env_->max_key_size());
  if (key.size() > env_->max_key_size()) return false;
  AR_ASSIGN_OR_RETURN(LmdbTxn txn, LmdbTxn::BeginRead(*env_));
  AR_ASSIGN_OR_RETURN(std::optional<std::string_view> bytes, txn.Get(dbs_.triggers_seen, key));
  return bytes.has_value();
}

Result<std::optional<std::string>> LmdbStore::PersonForToken(const std::string& token) {
  if (token.empty() || token.size() > env_->max_key_size()) {
    return std::optional<std::string>();
  }
  AR_ASSIGN_OR_RETURN(LmdbTxn txn, LmdbTxn::BeginRead(*env_));
  AR_ASSIGN_OR_RETURN(std::optional<std::string_view> person, txn.Get(dbs_.tokens, token));
  if (!person) return std::optional<std::string>();
  return std::optional<std::string>(std::string(*person));
}

// --- suppression list ---

Result<std::optional<Suppression>> LmdbStore::GetSuppression(const std::string& person) {
  const std::string key = EncodePersonKey(person);
  if (key.empty() || key.size() > env_->max_key_size()) return std::optional<Suppression>();
  AR_ASSIGN_OR_RETURN(LmdbTxn txn, LmdbTxn::BeginRead(*env_));
  return ReadSuppression(txn, key);
}

Result<std::vector<Suppression>> LmdbStore::ListSuppressions(size_t limit) {
  std::vector<Suppression> list;
  AR_ASSIGN_OR_RETURN(LmdbTxn txn, LmdbTxn::BeginRead(*env_));
  AR_ASSIGN_OR_RETURN(LmdbCursor cursor, LmdbCursor::Open(txn, dbs_.suppressions));
  AR_ASSIGN_OR_RETURN(std::optional<LmdbCursor::Entry> entry, cursor.First());
  while (entry && list.size() < limit) {
    AR_ASSIGN_OR_RETURN(Suppression suppression, DecodeSuppression(entry->value));
    list.push_back(std::move(suppression));
    AR_ASSIGN_OR_RETURN(entry, cursor.Next());
  }
  return list;
}

Status LmdbStore::Suppress(const std::string& person, const std::string& reason, TimePoint now) {
  AR_RETURN_IF_ERROR(ValidatePerson(person));
  AR_RETURN_IF_ERROR(CheckKey(EncodeEnrolmentPrefix(person), "person"));
  return Write("Suppress", [&](LmdbTxn& txn) -> Status {
    AR_ASSIGN_OR_RETURN(uint32_t soft_bounces, ReadSoftBounceCount(txn, EncodePersonKey(person)));
    AR_RETURN_IF_ERROR(SuppressIn(txn, person, reason, soft_bounces, now));
    return Status::Ok();
  });
}

Status LmdbStore::Unsuppress(const std::string& person) {
  const std::string key = EncodePersonKey(person);
  if (key.empty() || key.size() > env_->max_key_size()) {
    return Status::NotFound("no suppression for " + person);
  }
  return Write("Unsuppress", [&](LmdbTxn& txn) -> Status {
    Status deleted = txn.Delete(dbs_.suppressions, key);
    if (deleted.IsNotFound()) return Status::NotFound("no suppression for " + key);
    AR_RETURN_IF_ERROR(deleted);
    // A fresh start: old soft bounces must not suppress again at the next one.
    Status counter = txn.Delete(dbs_.soft_bounces, key);
    if (!counter.ok() && !counter.IsNotFound()) return counter;
    return Status::Ok();
  });
}

}  // namespace ar
