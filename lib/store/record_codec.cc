#include "store/record_codec.h"

#include <cstdint>

#include "store/byte_codec.h"
#include "store/status_macros.h"

namespace ar {

namespace {

constexpr uint8_t kRuleV1 = 1;
constexpr uint8_t kResponseV1 = 1;
constexpr uint8_t kQueueItemV1 = 1;
constexpr uint8_t kQueueItemV2 = 2;
constexpr uint8_t kFailedV1 = 1;
constexpr uint8_t kFailedV2 = 2;
constexpr uint8_t kPersonSendsV1 = 1;

// Rule flag bits (FORMAT.md, "rules").
constexpr uint8_t kEnabled = 1 << 0;
constexpr uint8_t kReplyToExternal = 1 << 1;
constexpr uint8_t kHasStart = 1 << 2;
constexpr uint8_t kHasEnd = 1 << 3;
constexpr uint8_t kKnownRuleFlags = kEnabled | kReplyToExternal | kHasStart | kHasEnd;

// Reads the record's version byte: one of the two accepted versions.
Status GetVersion(ByteReader& in, uint8_t v1, uint8_t v2, const char* what, uint8_t* version) {
  AR_RETURN_IF_ERROR(in.GetByte(version));
  if (*version != v1 && *version != v2) {
    return Status::Corruption(std::string(what) + " record has unknown version " +
                              std::to_string(*version));
  }
  return Status::Ok();
}

// Version 1 items predate sequences: every one is an out-of-office reply.
// Version 2 adds kind, sequence and step after the id (FORMAT.md).
Status DecodeQueueItemFields(ByteReader& in, bool v2, QueueItem* item) {
  AR_RETURN_IF_ERROR(in.GetVarint(&item->id));
  item->kind = QueueItemKind::kReply;
  if (v2) {
    uint8_t kind = 0;
    AR_RETURN_IF_ERROR(in.GetByte(&kind));
    if (kind != static_cast<uint8_t>(QueueItemKind::kReply) &&
        kind != static_cast<uint8_t>(QueueItemKind::kSequenceStep)) {
      return Status::Corruption("queue item record has unknown kind " + std::to_string(kind));
    }
    item->kind = static_cast<QueueItemKind>(kind);
    AR_RETURN_IF_ERROR(in.GetString(&item->sequence));
    AR_RETURN_IF_ERROR(in.GetVarint32(&item->step));
  }
  AR_RETURN_IF_ERROR(in.GetString(&item->user));
  AR_RETURN_IF_ERROR(in.GetVarint(&item->generation));
  AR_RETURN_IF_ERROR(in.GetString(&item->dedupe_sender));
  AR_RETURN_IF_ERROR(in.GetString(&item->envelope_sender));
  AR_RETURN_IF_ERROR(in.GetString(&item->envelope_recipient));
  AR_RETURN_IF_ERROR(in.GetString(&item->message_id));
  AR_RETURN_IF_ERROR(in.GetString(&item->message));
  AR_RETURN_IF_ERROR(GetTime(in, &item->created));
  AR_RETURN_IF_ERROR(GetTime(in, &item->due));
  AR_RETURN_IF_ERROR(in.GetVarint32(&item->attempts));
  AR_RETURN_IF_ERROR(in.GetString(&item->last_error));
  AR_RETURN_IF_ERROR(in.GetString(&item->origin_queue_id));
  return Status::Ok();
}

// Always version 2.
void EncodeQueueItemFields(const QueueItem& item, ByteWriter& out) {
  out.PutVarint(item.id);
  out.PutByte(static_cast<uint8_t>(item.kind));
  out.PutString(item.sequence);
  out.PutVarint(item.step);
  out.PutString(item.user);
  out.PutVarint(item.generation);
  out.PutString(item.dedupe_sender);
  out.PutString(item.envelope_sender);
  out.PutString(item.envelope_recipient);
  out.PutString(item.message_id);
  out.PutString(item.message);
  out.PutFixed64(ToUnixSeconds(item.created));
  out.PutFixed64(ToUnixSeconds(item.due));
  out.PutVarint(item.attempts);
  out.PutString(item.last_error);
  out.PutString(item.origin_queue_id);
}

}  // namespace

std::string EncodeMetaU64(uint64_t v) {
  ByteWriter out;
  out.PutFixed64(static_cast<int64_t>(v));
  return out.Release();
}

Result<uint64_t> DecodeMetaU64(std::string_view bytes) {
  ByteReader in(bytes, "meta");
  int64_t v = 0;
  AR_RETURN_IF_ERROR(in.GetFixed64(&v));
  AR_RETURN_IF_ERROR(in.ExpectEnd());
  return static_cast<uint64_t>(v);
}

std::string EncodeRule(const OutOfOfficeRule& rule) {
  ByteWriter out;
  out.PutByte(kRuleV1);
  out.PutString(rule.address);
  out.PutVarint(rule.aliases.size());
  for (const std::string& alias : rule.aliases) out.PutString(alias);
  out.PutString(rule.display_name);
  out.PutString(rule.subject);
  out.PutString(rule.text_body);
  out.PutString(rule.html_body);
  out.PutString(rule.internal_text_body);
  uint8_t flags = 0;
  if (rule.enabled) flags |= kEnabled;
  if (rule.reply_to_external) flags |= kReplyToExternal;
  if (rule.start) flags |= kHasStart;
  if (rule.end) flags |= kHasEnd;
  out.PutByte(flags);
  out.PutFixed64(rule.period.count());
  if (rule.start) out.PutFixed64(ToUnixSeconds(*rule.start));
  if (rule.end) out.PutFixed64(ToUnixSeconds(*rule.end));
  out.PutString(rule.time_zone);
  out.PutVarint(rule.generation);
  return out.Release();
}

Result<OutOfOfficeRule> DecodeRule(std::string_view bytes) {
  ByteReader in(bytes, "rule");
  AR_RETURN_IF_ERROR(CheckVersion(in, kRuleV1, "rule"));
  OutOfOfficeRule rule;
  AR_RETURN_IF_ERROR(in.GetString(&rule.address));
  uint64_t alias_count = 0;
  AR_RETURN_IF_ERROR(in.GetVarint(&alias_count));
  // Each alias takes at least its length byte, so a count above the input
  // size is corrupt; checking first keeps a hostile count from allocating.
  if (alias_count > bytes.size()) return Status::Corruption("rule record has a bad alias count");
  rule.aliases.resize(static_cast<size_t>(alias_count));
  for (std::string& alias : rule.aliases) AR_RETURN_IF_ERROR(in.GetString(&alias));
  AR_RETURN_IF_ERROR(in.GetString(&rule.display_name));
  AR_RETURN_IF_ERROR(in.GetString(&rule.subject));
  AR_RETURN_IF_ERROR(in.GetString(&rule.text_body));
  AR_RETURN_IF_ERROR(in.GetString(&rule.html_body));
  AR_RETURN_IF_ERROR(in.GetString(&rule.internal_text_body));
  uint8_t flags = 0;
  AR_RETURN_IF_ERROR(in.GetByte(&flags));
  if ((flags & ~kKnownRuleFlags) != 0) return Status::Corruption("rule record has unknown flags");
  rule.enabled = (flags & kEnabled) != 0;
  rule.reply_to_external = (flags & kReplyToExternal) != 0;
  int64_t period = 0;
  AR_RETURN_IF_ERROR(in.GetFixed64(&period));
  rule.period = Seconds(period);
  if (flags & kHasStart) {
    TimePoint t;
    AR_RETURN_IF_ERROR(GetTime(in, &t));
    rule.start = t;
  }
  if (flags & kHasEnd) {
    TimePoint t;
    AR_RETURN_IF_ERROR(GetTime(in, &t));
    rule.end = t;
  }
  AR_RETURN_IF_ERROR(in.GetString(&rule.time_zone));
  AR_RETURN_IF_ERROR(in.GetVarint(&rule.generation));
  AR_RETURN_IF_ERROR(in.ExpectEnd());
  return rule;
}

std::string EncodeResponse(const ResponseRecord& record) {
  ByteWriter out;
  out.PutByte(kResponseV1);
  out.PutVarint(record.generation);
  out.PutByte(static_cast<uint8_t>(record.state));
  out.PutFixed64(ToUnixSeconds(record.at));
  return out.Release();
}

Result<ResponseRecord> DecodeResponse(std::string_view bytes) {
  ByteReader in(bytes, "response");
  AR_RETURN_IF_ERROR(CheckVersion(in, kResponseV1, "response"));
  ResponseRecord record;
  AR_RETURN_IF_ERROR(in.GetVarint(&record.generation));
  uint8_t state = 0;
  AR_RETURN_IF_ERROR(in.GetByte(&state));
  if (state != static_cast<uint8_t>(ResponseState::kPending) &&
      state != static_cast<uint8_t>(ResponseState::kSent)) {
    return Status::Corruption("response record has unknown state " + std::to_string(state));
  }
  record.state = static_cast<ResponseState>(state);
  AR_RETURN_IF_ERROR(GetTime(in, &record.at));
  AR_RETURN_IF_ERROR(in.ExpectEnd());
  return record;
}

std::string EncodeQueueItem(const QueueItem& item) {
  ByteWriter out;
  out.PutByte(kQueueItemV2);
  EncodeQueueItemFields(item, out);
  return out.Release();
}

Result<QueueItem> DecodeQueueItem(std::string_view bytes) {
  ByteReader in(bytes, "queue item");
  uint8_t version = 0;
  AR_RETURN_IF_ERROR(GetVersion(in, kQueueItemV1, kQueueItemV2, "queue item", &version));
  QueueItem item;
  AR_RETURN_IF_ERROR(DecodeQueueItemFields(in, version == kQueueItemV2, &item));
  AR_RETURN_IF_ERROR(in.ExpectEnd());
  return item;
}

std::string EncodeFailed(const FailedRecord& record) {
  ByteWriter out;
  out.PutByte(kFailedV2);
  out.PutFixed64(ToUnixSeconds(record.failed_at));
  EncodeQueueItemFields(record.item, out);
  return out.Release();
}

Result<FailedRecord> DecodeFailed(std::string_view bytes) {
  ByteReader in(bytes, "failed item");
  uint8_t version = 0;
  AR_RETURN_IF_ERROR(GetVersion(in, kFailedV1, kFailedV2, "failed item", &version));
  FailedRecord record;
  AR_RETURN_IF_ERROR(GetTime(in, &record.failed_at));
  AR_RETURN_IF_ERROR(DecodeQueueItemFields(in, version == kFailedV2, &record.item));
  AR_RETURN_IF_ERROR(in.ExpectEnd());
  return record;
}

std::string EncodeClaim(TimePoint previous_due) {
  ByteWriter out;
  PutTime(out, previous_due);
  return out.Release();
}

Result<TimePoint> DecodeClaim(std::string_view bytes) {
  ByteReader in(bytes, "claim");
  TimePoint previous_due;
  AR_RETURN_IF_ERROR(GetTime(in, &previous_due));
  AR_RETURN_IF_ERROR(in.ExpectEnd());
  return previous_due;
}

std::string EncodePersonSends(const std::vector<TimePoint>& sends) {
  const size_t skip = sends.size() > kMaxPersonSends ? sends.size() - kMaxPersonSends : 0;
  ByteWriter out;
  out.PutByte(kPersonSendsV1);
  out.PutVarint(sends.size() - skip);
  for (size_t i = skip; i < sends.size(); ++i) PutTime(out, sends[i]);
  return out.Release();
}

Result<std::vector<TimePoint>> DecodePersonSends(std::string_view bytes) {
  ByteReader in(bytes, "person sends");
  AR_RETURN_IF_ERROR(CheckVersion(in, kPersonSendsV1, "person sends"));
  uint64_t count = 0;
  AR_RETURN_IF_ERROR(in.GetVarint(&count));
  if (count > kMaxPersonSends) {
    return Status::Corruption("person sends record holds " + std::to_string(count) + " times");
  }
  std::vector<TimePoint> sends(static_cast<size_t>(count));
  for (TimePoint& t : sends) AR_RETURN_IF_ERROR(GetTime(in, &t));
  AR_RETURN_IF_ERROR(in.ExpectEnd());
  return sends;
}

}  // namespace ar
