// LmdbStore: SweepExpired, the step-wise removal of records whose
// retention has passed (FORMAT.md, "Retention").
//
// A step reads in a read transaction, which never blocks a writer, and
// writes only what it found expired, in one write transaction of at most
// limits.max_removed removals: the writer is held for a short time, however
// large the database. Each removal is checked again inside the write
// transaction, so a record rewritten since the read (a sender answered
// again, a person enrolled again) stays.
#include <algorithm>
#include <limits>

#include "message/address.h"
#include "store/keys.h"
#include "store/lmdb_store.h"
#include "store/sequence_keys.h"
#include "store/status_macros.h"

namespace ar {

namespace {

// Kept while now <= at + retention.
bool Past(TimePoint at, Seconds retention, TimePoint now) {
  return AddSaturating(at, retention) < now;
}

// When an ended enrolment ended: left_at for one that left; a completed one
// completed with its last step (sent or skipped), or at enrolment when the
// sequence had no step to queue.
TimePoint EndOf(const Enrolment& enrolment) {
  if (enrolment.left_at) return *enrolment.left_at;
  TimePoint end = enrolment.enrolled_at;
  for (const SentStep& step : enrolment.history) end = std::max(end, step.sent_at);
  return end;
}

// The person part of an enrolment key, NUL included: the prefix of all their
// enrolments.
std::string_view PersonPrefixOf(std::string_view enrolment_key) {
  size_t nul = enrolment_key.find('\0');
  return nul == std::string_view::npos ? enrolment_key : enrolment_key.substr(0, nul + 1);
}

// A record that does not decode is never swept: removing what cannot be
// read would hide the damage. Other errors (LMDB) stop the step.
template <typename T>
Result<bool> Undecodable(const Result<T>& decoded) {
  if (decoded.status().code() == Status::Code::kCorruption) return false;
  return decoded.status();
}

}  // namespace

std::optional<MDB_dbi> LmdbStore::SweptDatabase(SweptKind kind) const {
  switch (kind) {
    case SweptKind::kResponses:
      return dbs_.responses;
    case SweptKind::kPersonSends:
      return dbs_.person_sends_present ? std::optional<MDB_dbi>(dbs_.person_sends) : std::nullopt;
    case SweptKind::kTriggersSeen:
      return dbs_.triggers_seen;
    case SweptKind::kFailed:
      return dbs_.failed;
    case SweptKind::kEnrolments:
      return dbs_.enrolments;
    case SweptKind::kSentIds:
      return dbs_.sent_ids;
    case SweptKind::kTokens:
      return dbs_.tokens;
    case SweptKind::kEnrolWindows:
      return dbs_.enrol_windows_present ? std::optional<MDB_dbi>(dbs_.enrol_windows) : std::nullopt;
  }
  return std::nullopt;
}

Result<bool> LmdbStore::LaterEnrolmentRemains(LmdbTxn& txn, std::string_view key, TimePoint end) {
  const std::string prefix(PersonPrefixOf(key));
  AR_ASSIGN_OR_RETURN(LmdbCursor cursor, LmdbCursor::Open(txn, dbs_.enrolments));
  AR_ASSIGN_OR_RETURN(std::optional<LmdbCursor::Entry> entry, cursor.Seek(prefix));
  while (entry && entry->key.substr(0, prefix.size()) == prefix) {
    if (entry->key != key) {
      Result<StoredEnrolment> other = DecodeEnrolment(entry->value);
      // One that cannot be read is never swept, so it stays for good.
      if (!other.ok()) return true;
      if (other->enrolment.state == EnrolmentState::kActive || EndOf(other->enrolment) >= end)
        return true;
    }
    AR_ASSIGN_OR_RETURN(entry, cursor.Next());
  }
  return false;
}

Result<bool> LmdbStore::Expired(LmdbTxn& txn, SweptKind kind, std::string_view key,
                                std::string_view value, TimePoint now,
                                const RetentionPolicy& policy,
                                std::map<std::string, Seconds>& periods) {
  switch (kind) {
    case SweptKind::kResponses: {
      Result<ResponseRecord> record = DecodeResponse(value);
      if (!record.ok()) return Undecodable(record);
      // A pending record goes with its queue item (sent or failed).
      if (record->state != ResponseState::kSent) return false;
      // The user's rule as it is now: a changed rule has a new generation,
      // for which older records do not count anyway. No rule: no period.
      const std::string user(key.substr(0, key.find('\0')));
      auto cached = periods.find(user);
      if (cached == periods.end()) {
        Result<std::optional<OutOfOfficeRule>> rule = ReadRule(txn, user);
        if (!rule.ok()) return Undecodable(rule);
        cached = periods.emplace(user, *rule ? (*rule)->period : Seconds(0)).first;
      }
      return Past(AddSaturating(record->at, cached->second), policy.history, now);
    }
    case SweptKind::kPersonSends: {
      Result<std::vector<TimePoint>> sends = DecodePersonSends(value);
      if (!sends.ok()) return Undecodable(sends);
      return sends->empty() || Past(sends->back(), policy.person_sends, now);
    }
    case SweptKind::kTriggersSeen: {
      Result<TimePoint> at = DecodeTriggerSeen(value);
      if (!at.ok()) return Undecodable(at);
      return Past(*at, policy.trigger_ids, now);
    }
    case SweptKind::kFailed: {
      Result<FailedRecord> record = DecodeFailed(value);
      if (!record.ok()) return Undecodable(record);
      return Past(record->failed_at, policy.failed, now);
    }
    case SweptKind::kEnrolments: {
      Result<StoredEnrolment> stored = DecodeEnrolment(value);
      if (!stored.ok()) return Undecodable(stored);
      if (stored->enrolment.state == EnrolmentState::kActive) return false;
      const TimePoint end = EndOf(stored->enrolment);
      if (!Past(end, policy.enrolments, now)) return false;
      if (Past(end, policy.tokens, now)) return true;
      // Still needed for the token: the person's last enrolment to end
      // stays until token retention after its end (the token sweep removes
      // a token once its person has no enrolment).
      return LaterEnrolmentRemains(txn, key, end);
    }
    case SweptKind::kSentIds: {
      Result<SentMessageRef> ref = DecodeSentMessageRef(value);
      if (!ref.ok()) return Undecodable(ref);
      // Kept as long as the enrolment is: a reply naming it is engagement.
      AR_ASSIGN_OR_RETURN(std::optional<std::string_view> enrolment,
                          txn.Get(dbs_.enrolments, EncodeEnrolmentKey(NormalizeAddress(ref->person),
                                                                      ref->sequence)));
      return !enrolment.has_value();
    }
    case SweptKind::kTokens: {
      const std::string prefix = EncodeEnrolmentPrefix(NormalizeAddress(value));
      AR_ASSIGN_OR_RETURN(LmdbCursor cursor, LmdbCursor::Open(txn, dbs_.enrolments));
      AR_ASSIGN_OR_RETURN(std::optional<LmdbCursor::Entry> entry, cursor.Seek(prefix));
      return !(entry && entry->key.substr(0, prefix.size()) == prefix);
    }
    case SweptKind::kEnrolWindows: {
      Result<EnrolWindowRecord> window = DecodeEnrolWindow(value);
      if (!window.ok()) return Undecodable(window);
      // Over: the next count starts a new window anyway (lmdb_store_enrol_windows.cc).
      return AddSaturating(window->start, window->length) <= now;
    }
  }
  return false;
}

Status LmdbStore::RemoveSwept(LmdbTxn& txn, SweptKind kind, std::string_view key,
                              std::string_view value) {
  const MDB_dbi dbi = *SweptDatabase(kind);
  if (kind != SweptKind::kEnrolments) return txn.Delete(dbi, key);
  AR_ASSIGN_OR_RETURN(StoredEnrolment stored, DecodeEnrolment(value));
  // An ended enrolment has no queued step; should one be left, it goes too.
  AR_RETURN_IF_ERROR(RemoveQueuedStep(txn, stored));
  const std::string person = NormalizeAddress(stored.enrolment.person);
  for (const SentStep& step : stored.enrolment.history) {
    if (step.message_id.empty() || step.message_id.size() > env_->max_key_size()) continue;
    AR_ASSIGN_OR_RETURN(std::optional<std::string_view> bytes,
                        txn.Get(dbs_.sent_ids, step.message_id));
    if (!bytes) continue;
    Result<SentMessageRef> ref = DecodeSentMessageRef(*bytes);
    // Only this enrolment's own ids (a Message-ID is unique, but check).
    if (!ref.ok() || NormalizeAddress(ref->person) != person ||
        ref->sequence != stored.enrolment.sequence) {
      continue;
    }
    AR_RETURN_IF_ERROR(txn.Delete(dbs_.sent_ids, step.message_id));
  }
  return txn.Delete(dbi, key);
}

Result<SweepStep> LmdbStore::SweepExpired(SweptKind kind, const std::string& resume_after,
                                          TimePoint now, const RetentionPolicy& policy,
                                          const SweepLimits& limits) {
  SweepStep step;
  step.resume_after = resume_after;
  const std::optional<MDB_dbi> dbi = SweptDatabase(kind);
  if (!dbi) {
    step.finished = true;  // a read-only open of a store that lacks it
    return step;
  }
  const size_t max_examined = std::max<size_t>(limits.max_examined, 1);
  const size_t max_removed = std::max<size_t>(limits.max_removed, 1);
  std::map<std::string, Seconds> periods;
  std::vector<std::string> expired;
  {
    AR_ASSIGN_OR_RETURN(LmdbTxn txn, LmdbTxn::BeginRead(*env_));
    AR_ASSIGN_OR_RETURN(LmdbCursor cursor, LmdbCursor::Open(txn, *dbi));
    std::optional<LmdbCursor::Entry> entry;
    if (resume_after.empty()) {
      AR_ASSIGN_OR_RETURN(entry, cursor.First());
    } else {
      AR_ASSIGN_OR_RETURN(entry, cursor.Seek(resume_after));
      if (entry && entry->key == resume_after) {
        AR_ASSIGN_OR_RETURN(entry, cursor.Next());
      }
    }
    while (entry && step.examined < max_examined && expired.size() < max_removed) {
      ++step.examined;
      AR_ASSIGN_OR_RETURN(bool gone,
                          Expired(txn, kind, entry->key, entry->value, now, policy, periods));
      if (gone) expired.emplace_back(entry->key);
      step.resume_after.assign(entry->key);
      AR_ASSIGN_OR_RETURN(entry, cursor.Next());
    }
    step.finished = !entry.has_value();
  }  // the read transaction ends before the write begins (lmdb_env.h)
  if (expired.empty()) return step;

  size_t removed = 0;
  Status written = Write("SweepExpired", [&](LmdbTxn& txn) -> Status {
    removed = 0;  // a re-run starts over
    for (const std::string& key : expired) {
      AR_ASSIGN_OR_RETURN(std::optional<std::string_view> found, txn.Get(*dbi, key));
      if (!found) continue;
      const std::string value(*found);  // the view ends with the first write
      AR_ASSIGN_OR_RETURN(bool gone, Expired(txn, kind, key, value, now, policy, periods));
      if (!gone) continue;
      AR_RETURN_IF_ERROR(RemoveSwept(txn, kind, key, value));
      ++removed;
    }
    return Status::Ok();
  });
  if (!written.ok()) return written;
  step.removed = removed;
  return step;
}

}  // namespace ar
