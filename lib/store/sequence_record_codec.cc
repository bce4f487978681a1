#include "store/sequence_record_codec.h"

#include <algorithm>

#include "store/byte_codec.h"
#include "store/status_macros.h"

namespace ar {

namespace {

constexpr uint8_t kSequenceSourceV1 = 1;
constexpr uint8_t kEnrolmentV1 = 1;
constexpr uint8_t kEnrolmentV2 = 2;  // adds a flags byte to each history entry
constexpr uint8_t kEnrolmentV3 = 3;  // adds the consent record at the end
constexpr uint8_t kSentMessageV1 = 1;
constexpr uint8_t kSuppressionV1 = 1;
constexpr uint8_t kTriggerSeenV1 = 1;
constexpr uint8_t kEnrolWindowV1 = 1;
constexpr uint8_t kSoftBounceV1 = 1;

// Enrolment flag bits (FORMAT.md, "enrolments").
constexpr uint8_t kHasLeftAt = 1 << 0;
constexpr uint8_t kHasNextDue = 1 << 1;
constexpr uint8_t kHasLastEngagement = 1 << 2;
constexpr uint8_t kKnownEnrolmentFlags = kHasLeftAt | kHasNextDue | kHasLastEngagement;

// History entry flag bits (enrolment version 2).
constexpr uint8_t kStepSkipped = 1 << 0;
constexpr uint8_t kKnownStepFlags = kStepSkipped;

// Consent flag bits (enrolment version 3).
constexpr uint8_t kConsentDoubleOptIn = 1 << 0;
constexpr uint8_t kConsentHasRequestedAt = 1 << 1;
constexpr uint8_t kConsentHasConfirmedAt = 1 << 2;
constexpr uint8_t kConsentHasExpiresAt = 1 << 3;
constexpr uint8_t kKnownConsentFlags =
    kConsentDoubleOptIn | kConsentHasRequestedAt | kConsentHasConfirmedAt | kConsentHasExpiresAt;

// A count of entries that each take at least one byte cannot exceed the
// record size; checking first keeps a hostile count from allocating.
Status GetCount(ByteReader& in, size_t record_size, const char* what, uint64_t* count) {
  AR_RETURN_IF_ERROR(in.GetVarint(count));
  if (*count > record_size) return Status::Corruption(std::string(what) + " has a bad count");
  return Status::Ok();
}

void PutStringMap(ByteWriter& out, const std::map<std::string, std::string>& map) {
  out.PutVarint(map.size());
  for (const auto& [key, value] : map) {
    out.PutString(key);
    out.PutString(value);
  }
}

Status GetStringMap(ByteReader& in, size_t record_size, const char* what,
                    std::map<std::string, std::string>* map) {
  uint64_t count = 0;
  AR_RETURN_IF_ERROR(GetCount(in, record_size, what, &count));
  for (uint64_t i = 0; i < count; ++i) {
    std::string key;
    std::string value;
    AR_RETURN_IF_ERROR(in.GetString(&key));
    AR_RETURN_IF_ERROR(in.GetString(&value));
    // Keys are written in map order, so a repeat means the record is bad.
    if (!map->emplace(std::move(key), std::move(value)).second) {
      return Status::Corruption(std::string(what) + " repeats a key");
    }
  }
  return Status::Ok();
}

}  // namespace

std::string EncodeSequenceSource(const SequenceSource& source) {
  ByteWriter out;
  out.PutByte(kSequenceSourceV1);
  out.PutString(source.file_name);
  out.PutString(source.text);
  PutStringMap(out, source.templates);
  return out.Release();
}

Result<SequenceSource> DecodeSequenceSource(std::string_view bytes) {
  ByteReader in(bytes, "sequence version");
  AR_RETURN_IF_ERROR(CheckVersion(in, kSequenceSourceV1, "sequence version"));
  SequenceSource source;
  AR_RETURN_IF_ERROR(in.GetString(&source.file_name));
  AR_RETURN_IF_ERROR(in.GetString(&source.text));
  AR_RETURN_IF_ERROR(GetStringMap(in, bytes.size(), "sequence version", &source.templates));
  AR_RETURN_IF_ERROR(in.ExpectEnd());
  return source;
}

namespace {

void PutConsent(ByteWriter& out, const Consent& c) {
  out.PutString(c.trigger);
  out.PutString(c.legal_basis);
  uint8_t flags = 0;
  if (c.double_opt_in) flags |= kConsentDoubleOptIn;
  if (c.requested_at) flags |= kConsentHasRequestedAt;
  if (c.confirmed_at) flags |= kConsentHasConfirmedAt;
  if (c.expires_at) flags |= kConsentHasExpiresAt;
  out.PutByte(flags);
  if (c.requested_at) PutTime(out, *c.requested_at);
  if (c.confirmed_at) PutTime(out, *c.confirmed_at);
  if (c.expires_at) PutTime(out, *c.expires_at);
}

Status GetConsent(ByteReader& in, Consent* c) {
  AR_RETURN_IF_ERROR(in.GetString(&c->trigger));
  AR_RETURN_IF_ERROR(in.GetString(&c->legal_basis));
  uint8_t flags = 0;
  AR_RETURN_IF_ERROR(in.GetByte(&flags));
  if ((flags & ~kKnownConsentFlags) != 0) {
    return Status::Corruption("enrolment consent record has unknown flags");
  }
  c->double_opt_in = (flags & kConsentDoubleOptIn) != 0;
  for (auto [bit, field] : {std::pair{kConsentHasRequestedAt, &c->requested_at},
                            std::pair{kConsentHasConfirmedAt, &c->confirmed_at},
                            std::pair{kConsentHasExpiresAt, &c->expires_at}}) {
    if ((flags & bit) == 0) continue;
    TimePoint t;
    AR_RETURN_IF_ERROR(GetTime(in, &t));
    *field = t;
  }
  return Status::Ok();
}

}  // namespace

std::string EncodeEnrolment(const StoredEnrolment& stored) {
  const Enrolment& e = stored.enrolment;
  ByteWriter out;
  out.PutByte(kEnrolmentV3);
  out.PutString(e.person);
  out.PutString(e.display_name);
  out.PutString(e.sequence);
  out.PutString(e.version);
  PutStringMap(out, e.variables);
  PutTime(out, e.enrolled_at);
  out.PutByte(static_cast<uint8_t>(e.state));
  out.PutString(e.left_reason);
  uint8_t flags = 0;
  if (e.left_at) flags |= kHasLeftAt;
  if (e.next_due) flags |= kHasNextDue;
  if (e.last_engagement) flags |= kHasLastEngagement;
  out.PutByte(flags);
  if (e.left_at) PutTime(out, *e.left_at);
  out.PutVarint(e.next_step);
  if (e.next_due) PutTime(out, *e.next_due);
  out.PutVarint(e.history.size());
  for (const SentStep& sent : e.history) {
    out.PutVarint(sent.step);
    PutTime(out, sent.sent_at);
    out.PutString(sent.message_id);
    out.PutByte(sent.skipped ? kStepSkipped : 0);
  }
  out.PutVarint(e.steps_since_engagement);
  if (e.last_engagement) PutTime(out, *e.last_engagement);
  out.PutString(e.trigger_message_id);
  out.PutVarint(stored.queued_step_id);
  PutConsent(out, e.consent);
  return out.Release();
}

Result<StoredEnrolment> DecodeEnrolment(std::string_view bytes) {
  ByteReader in(bytes, "enrolment");
  uint8_t version = 0;
  AR_RETURN_IF_ERROR(in.GetByte(&version));
  if (version != kEnrolmentV1 && version != kEnrolmentV2 && version != kEnrolmentV3) {
    return Status::Corruption("enrolment record has unknown version " + std::to_string(version));
  }
  StoredEnrolment stored;
  Enrolment& e = stored.enrolment;
  AR_RETURN_IF_ERROR(in.GetString(&e.person));
  AR_RETURN_IF_ERROR(in.GetString(&e.display_name));
  AR_RETURN_IF_ERROR(in.GetString(&e.sequence));
  AR_RETURN_IF_ERROR(in.GetString(&e.version));
  AR_RETURN_IF_ERROR(GetStringMap(in, bytes.size(), "enrolment variables", &e.variables));
  AR_RETURN_IF_ERROR(GetTime(in, &e.enrolled_at));
  uint8_t state = 0;
  AR_RETURN_IF_ERROR(in.GetByte(&state));
  if (state < static_cast<uint8_t>(EnrolmentState::kActive) ||
      state > static_cast<uint8_t>(EnrolmentState::kLeft)) {
    return Status::Corruption("enrolment record has unknown state " + std::to_string(state));
  }
  e.state = static_cast<EnrolmentState>(state);
  AR_RETURN_IF_ERROR(in.GetString(&e.left_reason));
  uint8_t flags = 0;
  AR_RETURN_IF_ERROR(in.GetByte(&flags));
  if ((flags & ~kKnownEnrolmentFlags) != 0) {
    return Status::Corruption("enrolment record has unknown flags");
  }
  if (flags & kHasLeftAt) {
    TimePoint t;
    AR_RETURN_IF_ERROR(GetTime(in, &t));
    e.left_at = t;
  }
  AR_RETURN_IF_ERROR(in.GetVarint32(&e.next_step));
  if (flags & kHasNextDue) {
    TimePoint t;
    AR_RETURN_IF_ERROR(GetTime(in, &t));
    e.next_due = t;
  }
  uint64_t history = 0;
  AR_RETURN_IF_ERROR(GetCount(in, bytes.size(), "enrolment history", &history));
  e.history.resize(static_cast<size_t>(history));
  for (SentStep& sent : e.history) {
    AR_RETURN_IF_ERROR(in.GetVarint32(&sent.step));
    AR_RETURN_IF_ERROR(GetTime(in, &sent.sent_at));
    AR_RETURN_IF_ERROR(in.GetString(&sent.message_id));
    if (version >= kEnrolmentV2) {
      uint8_t step_flags = 0;
      AR_RETURN_IF_ERROR(in.GetByte(&step_flags));
      if ((step_flags & ~kKnownStepFlags) != 0) {
        return Status::Corruption("enrolment history entry has unknown flags");
      }
      sent.skipped = (step_flags & kStepSkipped) != 0;
    }
  }
  AR_RETURN_IF_ERROR(in.GetVarint32(&e.steps_since_engagement));
  if (flags & kHasLastEngagement) {
    TimePoint t;
    AR_RETURN_IF_ERROR(GetTime(in, &t));
    e.last_engagement = t;
  }
  AR_RETURN_IF_ERROR(in.GetString(&e.trigger_message_id));
  AR_RETURN_IF_ERROR(in.GetVarint(&stored.queued_step_id));
  // Older records have no consent record: an empty one (trigger "").
  if (version >= kEnrolmentV3) AR_RETURN_IF_ERROR(GetConsent(in, &e.consent));
  AR_RETURN_IF_ERROR(in.ExpectEnd());
  return stored;
}

std::string EncodeSentMessageRef(const SentMessageRef& ref) {
  ByteWriter out;
  out.PutByte(kSentMessageV1);
  out.PutString(ref.person);
  out.PutString(ref.sequence);
  out.PutVarint(ref.step);
  return out.Release();
}

Result<SentMessageRef> DecodeSentMessageRef(std::string_view bytes) {
  ByteReader in(bytes, "sent message");
  AR_RETURN_IF_ERROR(CheckVersion(in, kSentMessageV1, "sent message"));
  SentMessageRef ref;
  AR_RETURN_IF_ERROR(in.GetString(&ref.person));
  AR_RETURN_IF_ERROR(in.GetString(&ref.sequence));
  AR_RETURN_IF_ERROR(in.GetVarint32(&ref.step));
  AR_RETURN_IF_ERROR(in.ExpectEnd());
  return ref;
}

std::string EncodeSuppression(const Suppression& suppression) {
  ByteWriter out;
  out.PutByte(kSuppressionV1);
  out.PutString(suppression.person);
  out.PutString(suppression.reason);
  PutTime(out, suppression.at);
  out.PutVarint(suppression.soft_bounces);
  return out.Release();
}

Result<Suppression> DecodeSuppression(std::string_view bytes) {
  ByteReader in(bytes, "suppression");
  AR_RETURN_IF_ERROR(CheckVersion(in, kSuppressionV1, "suppression"));
  Suppression suppression;
  AR_RETURN_IF_ERROR(in.GetString(&suppression.person));
  AR_RETURN_IF_ERROR(in.GetString(&suppression.reason));
  AR_RETURN_IF_ERROR(GetTime(in, &suppression.at));
  AR_RETURN_IF_ERROR(in.GetVarint32(&suppression.soft_bounces));
  AR_RETURN_IF_ERROR(in.ExpectEnd());
  return suppression;
}

std::string EncodeTriggerSeen(TimePoint at) {
  ByteWriter out;
  out.PutByte(kTriggerSeenV1);
  PutTime(out, at);
  return out.Release();
}

Result<TimePoint> DecodeTriggerSeen(std::string_view bytes) {
  ByteReader in(bytes, "trigger seen");
  AR_RETURN_IF_ERROR(CheckVersion(in, kTriggerSeenV1, "trigger seen"));
  TimePoint at;
  AR_RETURN_IF_ERROR(GetTime(in, &at));
  AR_RETURN_IF_ERROR(in.ExpectEnd());
  return at;
}

std::string EncodeSoftBounceCount(uint32_t count) {
  ByteWriter out;
  out.PutByte(kSoftBounceV1);
  out.PutVarint(count);
  return out.Release();
}

Result<uint32_t> DecodeSoftBounceCount(std::string_view bytes) {
  ByteReader in(bytes, "soft bounce count");
  AR_RETURN_IF_ERROR(CheckVersion(in, kSoftBounceV1, "soft bounce count"));
  uint32_t count = 0;
  AR_RETURN_IF_ERROR(in.GetVarint32(&count));
  AR_RETURN_IF_ERROR(in.ExpectEnd());
  return count;
}

std::string EncodeEnrolWindow(const EnrolWindowRecord& record) {
  ByteWriter out;
  out.PutByte(kEnrolWindowV1);
  PutTime(out, record.start);
  out.PutVarint(static_cast<uint64_t>(std::max<int64_t>(record.length.count(), 0)));
  out.PutVarint(record.count);
  return out.Release();
}

Result<EnrolWindowRecord> DecodeEnrolWindow(std::string_view bytes) {
  ByteReader in(bytes, "enrol window");
  AR_RETURN_IF_ERROR(CheckVersion(in, kEnrolWindowV1, "enrol window"));
  EnrolWindowRecord record;
  AR_RETURN_IF_ERROR(GetTime(in, &record.start));
  uint64_t length = 0;
  AR_RETURN_IF_ERROR(in.GetVarint(&length));
  // Ten years: anything longer was never written by us.
  if (length > 3660ULL * 86400) return Status::Corruption("enrol window length out of range");
  record.length = Seconds(static_cast<int64_t>(length));
  AR_RETURN_IF_ERROR(in.GetVarint32(&record.count));
  AR_RETURN_IF_ERROR(in.ExpectEnd());
  return record;
}

}  // namespace ar
