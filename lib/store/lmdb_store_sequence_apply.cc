// LmdbStore: the sequence writes of the milter (ApplySequenceDecision) and of
// the dispatcher (RecordStepSent, SkipStep, DropStep), the operator's
// ReplaceEnrolment, and ListDueBetween (FORMAT.md, "Sequence databases").
// Each write is one request of the group commit, durable on return.
#include <limits>

#include "message/address.h"
#include "sequence/tokens.h"
#include "store/keys.h"
#include "store/lmdb_store.h"
#include "store/sequence_keys.h"
#include "store/status_macros.h"

namespace ar {

namespace {

uint32_t AddOne(uint32_t v) { return v < std::numeric_limits<uint32_t>::max() ? v + 1 : v; }

}  // namespace

Status LmdbStore::ApplySequenceDecision(const SequenceDecision& decision,
                                        const std::string& token_key, uint32_t soft_bounce_limit,
                                        TimePoint now,
                                        std::vector<RateLimitedEnrol>* rate_limited) {
  // Everything is checked before the transaction: a decision is applied
  // whole or not at all.
  const size_t max_key = env_->max_key_size();
  auto check_pair = [&](const std::string& person, const std::string& sequence) -> Status {
    AR_RETURN_IF_ERROR(ValidatePerson(person));
    AR_RETURN_IF_ERROR(ValidateSequenceName(sequence));
    if (EncodeEnrolmentKey(person, sequence).size() > max_key) {
      return Status::InvalidArgument("person and sequence are too long for a key");
    }
    return Status::Ok();
  };
  for (const auto& [person, reason] : decision.suppressions) {
    AR_RETURN_IF_ERROR(check_pair(person, "-"));
  }
  for (const std::string& person : decision.soft_bounces)
    AR_RETURN_IF_ERROR(check_pair(person, "-"));
  for (const ExitAction& exit : decision.exits) {
    AR_RETURN_IF_ERROR(check_pair(exit.person, exit.sequence));
  }
  for (const auto& [person, sequence] : decision.engagements) {
    AR_RETURN_IF_ERROR(check_pair(person, sequence));
  }
  for (const EnrolAction& enrol : decision.enrols) {
    AR_RETURN_IF_ERROR(check_pair(enrol.person, enrol.sequence));
  }
  for (const ConfirmAction& confirm : decision.confirmations) {
    AR_RETURN_IF_ERROR(check_pair(confirm.person, confirm.sequence));
  }

  const WriteBatcher::Body body = [&](LmdbTxn& txn) -> Status {
    if (rate_limited != nullptr) rate_limited->clear();  // a re-run starts over
    // 1. Suppressions (unsubscribe, hard bounces).
    for (const auto& [person, reason] : decision.suppressions) {
      AR_ASSIGN_OR_RETURN(uint32_t count, ReadSoftBounceCount(txn, EncodePersonKey(person)));
      AR_RETURN_IF_ERROR(SuppressIn(txn, person, reason, count, now));
    }

    // 2. Soft bounces (RFC 3464 Status 4.x.x): counted; at the limit the person
    // is suppressed. A limit of 0 only counts.
    for (const std::string& person : decision.soft_bounces) {
      const std::string key = EncodePersonKey(person);
      AR_ASSIGN_OR_RETURN(uint32_t count, ReadSoftBounceCount(txn, key));
      count = AddOne(count);
      AR_RETURN_IF_ERROR(txn.Put(dbs_.soft_bounces, key, EncodeSoftBounceCount(count)));
      AR_ASSIGN_OR_RETURN(std::optional<Suppression> suppressed, ReadSuppression(txn, key));
      if (suppressed) {
        suppressed->soft_bounces = count;
        AR_RETURN_IF_ERROR(txn.Put(dbs_.suppressions, key, EncodeSuppression(*suppressed)));
      } else if (soft_bounce_limit > 0 && count >= soft_bounce_limit) {
        AR_RETURN_IF_ERROR(SuppressIn(txn, person, "soft-bounces", count, now));
      }
    }

    // 3. Exits: before the enrols, so an exit with move_to is a move.
    for (const ExitAction& exit : decision.exits) {
      AR_ASSIGN_OR_RETURN(std::optional<StoredEnrolment> stored,
                          ReadEnrolment(txn, EncodeEnrolmentKey(exit.person, exit.sequence)));
      if (stored) AR_RETURN_IF_ERROR(EndEnrolment(txn, *stored, exit.reason, now));
    }

    // 4. Engagements reset the no-engagement count of active enrolments.
    for (const auto& [person, sequence] : decision.engagements) {
      AR_ASSIGN_OR_RETURN(std::optional<StoredEnrolment> stored,
                          ReadEnrolment(txn, EncodeEnrolmentKey(person, sequence)));
      if (!stored || stored->enrolment.state != EnrolmentState::kActive) continue;
      stored->enrolment.steps_since_engagement = 0;
      stored->enrolment.last_engagement = now;
      AR_RETURN_IF_ERROR(WriteEnrolment(txn, *stored));
    }

    // 5. Confirmations: an active enrolment awaiting its double opt-in
    // confirmation is confirmed; its confirmation or expiry item gives way to
    // step 0. Anything else (confirmed already, ended) is left alone.
    for (const ConfirmAction& confirm : decision.confirmations) {
      AR_ASSIGN_OR_RETURN(std::optional<StoredEnrolment> stored,
                          ReadEnrolment(txn, EncodeEnrolmentKey(NormalizeAddress(confirm.person),
                                                                confirm.sequence)));
      if (!stored || stored->enrolment.state != EnrolmentState::kActive ||
          !stored->enrolment.AwaitingConfirmation())
        continue;
      Enrolment& e = stored->enrolment;
      AR_RETURN_IF_ERROR(RemoveQueuedStep(txn, *stored));
      e.consent.confirmed_at = now;
      e.consent.expires_at.reset();
      if (confirm.first_due) {
        AR_RETURN_IF_ERROR(QueueStep(txn, *stored, 0, *confirm.first_due, now));
      } else {
        e.next_step = 0;
        e.next_due.reset();
        e.state = EnrolmentState::kCompleted;
      }
      AR_RETURN_IF_ERROR(WriteEnrolment(txn, *stored));
    }

    // 6. Enrols. Checked here, inside the write transaction, so a suppression
    // or enrolment made above (or by another process just before) counts.
    for (size_t index = 0; index < decision.enrols.size(); ++index) {
      const EnrolAction& enrol = decision.enrols[index];
      const std::string person = NormalizeAddress(enrol.person);
      AR_ASSIGN_OR_RETURN(std::optional<Suppression> suppressed,
                          ReadSuppression(txn, EncodePersonKey(person)));
      if (suppressed) continue;
      std::string seen_key;
      if (!enrol.trigger_message_id.empty()) {
        seen_key = EncodeTriggerSeenKey(enrol.trigger_message_id, enrol.sequence, max_key);
        AR_ASSIGN_OR_RETURN(std::optional<std::string_view> seen,
                            txn.Get(dbs_.triggers_seen, seen_key));
        if (seen) continue;
      }
      AR_ASSIGN_OR_RETURN(std::optional<StoredEnrolment> existing,
                          ReadEnrolment(txn, EncodeEnrolmentKey(person, enrol.sequence)));
      if (existing && existing->enrolment.state == EnrolmentState::kActive && !enrol.restart) {
        continue;
      }
      // Counted only now, for an enrolment that is really made: a repeated
      // trigger or a person already enrolled uses up nobody's window.
      if (!enrol.windows.empty()) {
        AR_ASSIGN_OR_RETURN(std::optional<RateLimitedEnrol> full,
                            CountEnrolWindows(txn, enrol.windows, now));
        if (full) {
          full->enrol_index = index;
          if (rate_limited != nullptr) rate_limited->push_back(std::move(*full));
          continue;
        }
      }
      if (existing) AR_RETURN_IF_ERROR(RemoveQueuedStep(txn, *existing));

      StoredEnrolment stored;
      Enrolment& e = stored.enrolment;
      e.person = person;
      e.display_name = enrol.display_name;
      e.sequence = enrol.sequence;
      e.version = enrol.version;
      e.variables = enrol.variables;
      e.enrolled_at = now;
      e.trigger_message_id = enrol.trigger_message_id;
      e.consent.trigger = enrol.reason;
      e.consent.legal_basis = enrol.legal_basis;
      if (enrol.double_opt_in) {
        // Nothing but the confirmation mail until the person confirms.
        e.consent.double_opt_in = true;
        e.consent.expires_at = enrol.confirm_expires;
        AR_RETURN_IF_ERROR(QueueStep(txn, stored, kConfirmationStep, now, now));
        AR_RETURN_IF_ERROR(txn.Put(dbs_.tokens,
                                   ConfirmToken(token_key, person, enrol.sequence), person));
      } else if (enrol.first_due) {
        AR_RETURN_IF_ERROR(QueueStep(txn, stored, 0, *enrol.first_due, now));
      } else {
        e.state = EnrolmentState::kCompleted;  // nothing to send
      }
      AR_RETURN_IF_ERROR(WriteEnrolment(txn, stored));
      if (!seen_key.empty()) {
        AR_RETURN_IF_ERROR(txn.Put(dbs_.triggers_seen, seen_key, EncodeTriggerSeen(now)));
      }
      // The token in the person's VERP and unsubscribe addresses must resolve
      // before the first step goes out.
      AR_RETURN_IF_ERROR(txn.Put(dbs_.tokens, PersonToken(token_key, person), person));
    }
    return Status::Ok();
  };
  // New enrolments stay outside the reserve; a decision that only ends or
  // suppresses (an unsubscribe, a bounce) makes room and may use it.
  return Write(
      "ApplySequenceDecision", body,
      decision.enrols.empty() ? WriteBatcher::Use::kReserve : WriteBatcher::Use::kOutsideReserve);
}

Status LmdbStore::ReplaceEnrolment(const Enrolment& enrolment) {
  AR_RETURN_IF_ERROR(ValidatePerson(enrolment.person));
  AR_RETURN_IF_ERROR(ValidateSequenceName(enrolment.sequence));
  if (enrolment.state == EnrolmentState::kActive && !enrolment.next_due) {
    return Status::InvalidArgument("an active enrolment needs a next due time");
  }
  const std::string person = NormalizeAddress(enrolment.person);
  const std::string key = EncodeEnrolmentKey(person, enrolment.sequence);
  AR_RETURN_IF_ERROR(CheckKey(key, "enrolment key"));
  return Write("ReplaceEnrolment", [&](LmdbTxn& txn) -> Status {
    AR_ASSIGN_OR_RETURN(std::optional<StoredEnrolment> stored, ReadEnrolment(txn, key));
    if (!stored) {
      return Status::NotFound("no enrolment of " + person + " in " + enrolment.sequence);
    }
    // The caller read the enrolment before; a step sent (or a restart) since
    // then would be lost or sent twice by writing the old copy back.
    const Enrolment& now_stored = stored->enrolment;
    if (now_stored.enrolled_at != enrolment.enrolled_at ||
        now_stored.history.size() != enrolment.history.size() ||
        now_stored.state != EnrolmentState::kActive) {
      return Status::Temporary("the enrolment of " + person + " in " + enrolment.sequence +
                               " changed meanwhile; read it again");
    }
    // The old item keeps its creation time on the new one: the step was
    // scheduled then, only its version and due time change.
    TimePoint created = stored->enrolment.enrolled_at;
    if (stored->queued_step_id != 0) {
      Result<QueueItem> old = ReadQueueItem(txn, stored->queued_step_id);
      if (old.ok()) {
        // A claimed item's due time is its lease, a deferred one's its retry:
        // the dispatcher may have the step in flight, and replacing the item
        // now could send it twice.
        if (!now_stored.next_due || old->due != *now_stored.next_due) {
          return Status::Temporary("step " + std::to_string(now_stored.next_step + 1) + " of " +
                                   person + " in " + enrolment.sequence +
                                   " is being sent or retried; try again later");
        }
        created = old->created;
      } else if (!old.status().IsNotFound()) {
        return old.status();
      }
    }
    AR_RETURN_IF_ERROR(RemoveQueuedStep(txn, *stored));
    const TimePoint enrolled_at = stored->enrolment.enrolled_at;
    stored->enrolment = enrolment;
    stored->enrolment.person = person;
    stored->enrolment.enrolled_at = enrolled_at;
    if (enrolment.state == EnrolmentState::kActive) {
      AR_RETURN_IF_ERROR(
          QueueStep(txn, *stored, enrolment.next_step, *enrolment.next_due, created));
    }
    AR_RETURN_IF_ERROR(WriteEnrolment(txn, *stored));
    return Status::Ok();
  });
}

Status LmdbStore::RecordStepSent(uint64_t queue_id, const std::string& message_id,
                                 TimePoint sent_at, std::optional<TimePoint> next_due) {
  AR_RETURN_IF_ERROR(CheckKey(message_id, "message id"));
  return Write("RecordStepSent", [&](LmdbTxn& txn) -> Status {
    AR_ASSIGN_OR_RETURN(QueueItem item, ReadQueueItem(txn, queue_id));
    if (item.kind != QueueItemKind::kSequenceStep) {
      return Status::InvalidArgument("queue item " + std::to_string(queue_id) +
                                     " is not a sequence step");
    }
    AR_RETURN_IF_ERROR(RemoveQueueItem(txn, item));
    const std::string person = NormalizeAddress(item.user);
    // Indexed whatever happened to the enrolment meanwhile: the mail went out,
    // and a reply to it must still be recognised.
    AR_RETURN_IF_ERROR(
        txn.Put(dbs_.sent_ids, message_id,
                EncodeSentMessageRef(SentMessageRef{person, item.sequence, item.step})));

    AR_ASSIGN_OR_RETURN(std::optional<StoredEnrolment> stored,
                        ReadEnrolment(txn, EncodeEnrolmentKey(person, item.sequence)));
    if (stored) {
      Enrolment& e = stored->enrolment;
      e.history.push_back(SentStep{item.step, sent_at, message_id});
      // Only the enrolment's own queued step advances it: after an exit or a
      // restart while the mail was in flight, the new state stands.
      if (e.state == EnrolmentState::kActive && stored->queued_step_id == queue_id) {
        stored->queued_step_id = 0;
        e.steps_since_engagement = AddOne(e.steps_since_engagement);
        const uint32_t next_step = AddOne(item.step);
        if (next_due) {
          AR_RETURN_IF_ERROR(QueueStep(txn, *stored, next_step, *next_due, sent_at));
        } else {
          e.next_step = next_step;
          e.next_due.reset();
          e.state = EnrolmentState::kCompleted;
        }
      }
      AR_RETURN_IF_ERROR(WriteEnrolment(txn, *stored));
    }
    // The frequency cap counts what reached the person, whatever happened
    // to the enrolment meanwhile.
    return RecordSend(txn, person, sent_at);
  });
}

Status LmdbStore::RecordConfirmationSent(uint64_t queue_id, const std::string& message_id,
                                         TimePoint sent_at) {
  AR_RETURN_IF_ERROR(CheckKey(message_id, "message id"));
  return Write("RecordConfirmationSent", [&](LmdbTxn& txn) -> Status {
    AR_ASSIGN_OR_RETURN(QueueItem item, ReadQueueItem(txn, queue_id));
    if (item.kind != QueueItemKind::kSequenceStep || item.step != kConfirmationStep) {
      return Status::InvalidArgument("queue item " + std::to_string(queue_id) +
                                     " is not a confirmation");
    }
    AR_RETURN_IF_ERROR(RemoveQueueItem(txn, item));
    const std::string person = NormalizeAddress(item.user);
    // A reply to the confirmation mail confirms (sequence_decision.h).
    AR_RETURN_IF_ERROR(
        txn.Put(dbs_.sent_ids, message_id,
                EncodeSentMessageRef(SentMessageRef{person, item.sequence, item.step})));
    AR_ASSIGN_OR_RETURN(std::optional<StoredEnrolment> stored,
                        ReadEnrolment(txn, EncodeEnrolmentKey(person, item.sequence)));
    if (stored && stored->enrolment.state == EnrolmentState::kActive &&
        stored->queued_step_id == queue_id && stored->enrolment.AwaitingConfirmation()) {
      Enrolment& e = stored->enrolment;
      e.consent.requested_at = sent_at;
      stored->queued_step_id = 0;
      // The same step again, at the expiry: the dispatcher then ends the
      // enrolment unless the confirmation came first (and replaced it).
      const TimePoint expiry = e.consent.expires_at.value_or(sent_at);
      AR_RETURN_IF_ERROR(QueueStep(txn, *stored, kConfirmationStep, expiry, sent_at));
      AR_RETURN_IF_ERROR(WriteEnrolment(txn, *stored));
    }
    return RecordSend(txn, person, sent_at);
  });
}

Status LmdbStore::SkipStep(uint64_t queue_id, const std::string& reason, TimePoint now,
                           std::optional<TimePoint> next_due) {
  return Write("SkipStep", [&](LmdbTxn& txn) -> Status {
    AR_ASSIGN_OR_RETURN(QueueItem item, ReadQueueItem(txn, queue_id));
    if (item.kind != QueueItemKind::kSequenceStep) {
      return Status::InvalidArgument("queue item " + std::to_string(queue_id) +
                                     " is not a sequence step");
    }
    AR_RETURN_IF_ERROR(RemoveQueueItem(txn, item));
    // On the failed list so the CLI shows what was skipped and why; nothing
    // was attempted, so attempts stay as they were.
    item.last_error = reason;
    AR_RETURN_IF_ERROR(
        txn.Put(dbs_.failed, EncodeU64Key(queue_id), EncodeFailed(FailedRecord{item, now})));

    const std::string person = NormalizeAddress(item.user);
    AR_ASSIGN_OR_RETURN(std::optional<StoredEnrolment> stored,
                        ReadEnrolment(txn, EncodeEnrolmentKey(person, item.sequence)));
    // Only the enrolment's own queued step moves it on (as RecordStepSent);
    // a stale item leaves the enrolment as it is.
    if (!stored || stored->enrolment.state != EnrolmentState::kActive ||
        stored->queued_step_id != queue_id) {
      return Status::Ok();
    }
    Enrolment& e = stored->enrolment;
    e.history.push_back(SentStep{item.step, now, "", true});
    stored->queued_step_id = 0;
    const uint32_t next_step = AddOne(item.step);
    if (next_due) {
      AR_RETURN_IF_ERROR(QueueStep(txn, *stored, next_step, *next_due, now));
    } else {
      e.next_step = next_step;
      e.next_due.reset();
      e.state = EnrolmentState::kCompleted;
    }
    return WriteEnrolment(txn, *stored);
  });
}

Status LmdbStore::DropStep(uint64_t queue_id) {
  return Write("DropStep", [&](LmdbTxn& txn) -> Status {
    AR_ASSIGN_OR_RETURN(QueueItem item, ReadQueueItem(txn, queue_id));
    if (item.kind != QueueItemKind::kSequenceStep) {
      return Status::InvalidArgument("queue item " + std::to_string(queue_id) +
                                     " is not a sequence step");
    }
    AR_RETURN_IF_ERROR(RemoveQueueItem(txn, item));
    AR_ASSIGN_OR_RETURN(std::optional<StoredEnrolment> stored,
                        ReadEnrolment(txn, EncodeEnrolmentKey(item.user, item.sequence)));
    if (stored && stored->queued_step_id == queue_id) {
      stored->queued_step_id = 0;
      AR_RETURN_IF_ERROR(WriteEnrolment(txn, *stored));
    }
    return Status::Ok();
  });
}

Result<std::vector<QueueItem>> LmdbStore::ListDueBetween(TimePoint from, TimePoint to,
                                                         size_t limit) {
  std::vector<QueueItem> items;
  if (limit == 0) return items;
  AR_ASSIGN_OR_RETURN(LmdbTxn txn, LmdbTxn::BeginRead(*env_));
  AR_ASSIGN_OR_RETURN(LmdbCursor cursor, LmdbCursor::Open(txn, dbs_.due));
  AR_ASSIGN_OR_RETURN(std::optional<LmdbCursor::Entry> entry, cursor.Seek(EncodeDueKey(from, 0)));
  while (entry && items.size() < limit) {
    std::optional<DueKey> key = DecodeDueKey(entry->key);
    if (!key) return Status::Corruption("due index has a malformed key");
    if (key->due >= to) break;
    Result<QueueItem> item = ReadQueueItem(txn, key->id);
    if (!item.ok()) {
      if (item.status().IsNotFound()) {
        return Status::Corruption("due index names missing queue item " + std::to_string(key->id));
      }
      return item.status();
    }
    items.push_back(std::move(item).value());
    AR_ASSIGN_OR_RETURN(entry, cursor.Next());
  }
  return items;
}

}  // namespace ar
