// The sequence records' encodings, and queue item versions 1 and 2.
#include "store/sequence_record_codec.h"

#include <gtest/gtest.h>

#include "store/byte_codec.h"
#include "store/record_codec.h"
#include "store/sequence_keys.h"
#include "store_fixture.h"

namespace ar {
namespace {

using ::ar::testing::At;

StoredEnrolment FullEnrolment() {
  StoredEnrolment stored;
  Enrolment& e = stored.enrolment;
  e.person = "kari@example.org";
  e.display_name = "Kari Nordmann";
  e.sequence = "canon-eos-5d";
  e.version = "0123abcd";
  e.variables = {{"exam_date", "2026-05-01"}, {"product", "EOS 5D"}};
  e.enrolled_at = At(0);
  e.state = EnrolmentState::kLeft;
  e.left_reason = "purchase";
  e.left_at = At(-10);  // before the epoch offset too
  e.next_step = 2;
  e.next_due = At(900);
  e.history = {SentStep{0, At(100), "<a@shop>"}, SentStep{1, At(200), "<b@shop>"}};
  e.steps_since_engagement = 300;
  e.last_engagement = At(150);
  e.trigger_message_id = "<lead@shop>";
  stored.queued_step_id = 1ull << 40;
  return stored;
}

template <typename Decode>
void ExpectEveryPrefixIsCorrupt(const std::string& bytes, Decode decode) {
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto result = decode(std::string_view(bytes).substr(0, n));
    ASSERT_FALSE(result.ok()) << "prefix of " << n << " bytes decoded";
    EXPECT_EQ(result.status().code(), Status::Code::kCorruption) << n;
  }
}

TEST(SequenceRecordCodec, EnrolmentRoundTripsEveryField) {
  StoredEnrolment in = FullEnrolment();
  Result<StoredEnrolment> out = DecodeEnrolment(EncodeEnrolment(in));
  ASSERT_OK(out);
  const Enrolment& a = in.enrolment;
  const Enrolment& b = out->enrolment;
  EXPECT_EQ(a.person, b.person);
  EXPECT_EQ(a.display_name, b.display_name);
  EXPECT_EQ(a.sequence, b.sequence);
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.variables, b.variables);
  EXPECT_EQ(a.enrolled_at, b.enrolled_at);
  EXPECT_EQ(a.state, b.state);
  EXPECT_EQ(a.left_reason, b.left_reason);
  EXPECT_EQ(a.left_at, b.left_at);
  EXPECT_EQ(a.next_step, b.next_step);
  EXPECT_EQ(a.next_due, b.next_due);
  ASSERT_EQ(b.history.size(), 2u);
  EXPECT_EQ(b.history[1].step, 1u);
  EXPECT_EQ(b.history[1].sent_at, At(200));
  EXPECT_EQ(b.history[1].message_id, "<b@shop>");
  EXPECT_EQ(a.steps_since_engagement, b.steps_since_engagement);
  EXPECT_EQ(a.last_engagement, b.last_engagement);
  EXPECT_EQ(a.trigger_message_id, b.trigger_message_id);
  EXPECT_EQ(in.queued_step_id, out->queued_step_id);
}

TEST(SequenceRecordCodec, EnrolmentWithoutOptionalTimesRoundTrips) {
  StoredEnrolment in;
  in.enrolment.person = "a@x";
  Result<StoredEnrolment> out = DecodeEnrolment(EncodeEnrolment(in));
  ASSERT_OK(out);
  EXPECT_FALSE(out->enrolment.left_at.has_value());
  EXPECT_FALSE(out->enrolment.next_due.has_value());
  EXPECT_FALSE(out->enrolment.last_engagement.has_value());
  EXPECT_EQ(out->enrolment.state, EnrolmentState::kActive);
  EXPECT_EQ(out->queued_step_id, 0u);
}

TEST(SequenceRecordCodec, OtherRecordsRoundTrip) {
  SequenceSource source{"x.sequence", "[sequence]\n", {{"a.txt", "Subject: a\n\nA"}}};
  Result<SequenceSource> s = DecodeSequenceSource(EncodeSequenceSource(source));
  ASSERT_OK(s);
  EXPECT_EQ(s->file_name, source.file_name);
  EXPECT_EQ(s->text, source.text);
  EXPECT_EQ(s->templates, source.templates);

  Result<SentMessageRef> ref = DecodeSentMessageRef(EncodeSentMessageRef({"a@x", "seq", 4}));
  ASSERT_OK(ref);
  EXPECT_EQ(ref->person, "a@x");
  EXPECT_EQ(ref->sequence, "seq");
  EXPECT_EQ(ref->step, 4u);

  Result<Suppression> sup = DecodeSuppression(EncodeSuppression({"a@x", "soft-bounces", At(5), 3}));
  ASSERT_OK(sup);
  EXPECT_EQ(sup->person, "a@x");
  EXPECT_EQ(sup->reason, "soft-bounces");
  EXPECT_EQ(sup->at, At(5));
  EXPECT_EQ(sup->soft_bounces, 3u);

  Result<TimePoint> seen = DecodeTriggerSeen(EncodeTriggerSeen(At(7)));
  ASSERT_OK(seen);
  EXPECT_EQ(*seen, At(7));
  Result<uint32_t> count = DecodeSoftBounceCount(EncodeSoftBounceCount(70000));
  ASSERT_OK(count);
  EXPECT_EQ(*count, 70000u);
}

TEST(SequenceRecordCodec, TruncatedRecordsAreCorruption) {
  ExpectEveryPrefixIsCorrupt(EncodeEnrolment(FullEnrolment()), DecodeEnrolment);
  ExpectEveryPrefixIsCorrupt(EncodeSequenceSource({"x.sequence", "text", {{"a", "b"}}}),
                             DecodeSequenceSource);
  ExpectEveryPrefixIsCorrupt(EncodeSentMessageRef({"a@x", "seq", 4}), DecodeSentMessageRef);
  ExpectEveryPrefixIsCorrupt(EncodeSuppression({"a@x", "manual", At(5), 0}), DecodeSuppression);
  ExpectEveryPrefixIsCorrupt(EncodeTriggerSeen(At(1)), DecodeTriggerSeen);
  ExpectEveryPrefixIsCorrupt(EncodeSoftBounceCount(1), DecodeSoftBounceCount);
}

TEST(SequenceRecordCodec, UnknownVersionStateFlagsAndTrailingBytesAreCorruption) {
  std::string enrolment = EncodeEnrolment(FullEnrolment());
  std::string bad_version = enrolment;
  bad_version[0] = 4;
  EXPECT_EQ(DecodeEnrolment(bad_version).status().code(), Status::Code::kCorruption);
  EXPECT_EQ(DecodeEnrolment(enrolment + "x").status().code(), Status::Code::kCorruption);
  EXPECT_EQ(DecodeSuppression(EncodeSuppression({}) + "x").status().code(),
            Status::Code::kCorruption);

  // An empty enrolment: version, four empty strings, no variables, the
  // enrolled time, then state at offset 14 and, after an empty reason, flags.
  std::string empty = EncodeEnrolment(StoredEnrolment{});
  ASSERT_EQ(empty[14], 1);
  std::string bad_state = empty;
  bad_state[14] = 4;
  EXPECT_EQ(DecodeEnrolment(bad_state).status().code(), Status::Code::kCorruption);
  std::string bad_flags = empty;
  bad_flags[16] = static_cast<char>(0x08);
  EXPECT_EQ(DecodeEnrolment(bad_flags).status().code(), Status::Code::kCorruption);
}

TEST(SequenceRecordCodec, HostileCountsAreCorruptionNotAllocation) {
  ByteWriter w;
  w.PutByte(1);
  w.PutString("x.sequence");
  w.PutString("text");
  w.PutVarint(1ull << 62);
  EXPECT_EQ(DecodeSequenceSource(w.data()).status().code(), Status::Code::kCorruption);
  // A repeated variable name cannot come from a map.
  ByteWriter dup;
  dup.PutByte(1);
  dup.PutString("x.sequence");
  dup.PutString("text");
  dup.PutVarint(2);
  for (int i = 0; i < 2; ++i) {
    dup.PutString("a");
    dup.PutString("b");
  }
  EXPECT_EQ(DecodeSequenceSource(dup.data()).status().code(), Status::Code::kCorruption);
}

TEST(SequenceRecordCodec, MutatedRecordsNeverCrash) {
  std::string enrolment = EncodeEnrolment(FullEnrolment());
  for (size_t i = 0; i < enrolment.size(); ++i) {
    for (uint8_t x : {0x01, 0x80, 0xff}) {
      std::string mutated = enrolment;
      mutated[i] = static_cast<char>(mutated[i] ^ x);
      (void)DecodeEnrolment(mutated);
    }
  }
  SUCCEED();
}

TEST(QueueItemVersions, Version1RecordsDecodeAsReplies) {
  // Written by format version 1: no kind, sequence or step.
  ByteWriter v1;
  v1.PutByte(1);
  v1.PutVarint(9);
  v1.PutString("ole@example.com");
  v1.PutVarint(3);
  v1.PutString("kari@x");
  v1.PutString("");
  v1.PutString("kari@x");
  v1.PutString("<r@x>");
  v1.PutString("Subject: away\r\n\r\n");
  v1.PutFixed64(ToUnixSeconds(At(0)));
  v1.PutFixed64(ToUnixSeconds(At(60)));
  v1.PutVarint(2);
  v1.PutString("451");
  v1.PutString("4AbCdE");
  Result<QueueItem> item = DecodeQueueItem(v1.data());
  ASSERT_OK(item);
  EXPECT_EQ(item->kind, QueueItemKind::kReply);
  EXPECT_EQ(item->id, 9u);
  EXPECT_EQ(item->generation, 3u);
  EXPECT_EQ(item->due, At(60));
  EXPECT_EQ(item->attempts, 2u);
  EXPECT_EQ(item->origin_queue_id, "4AbCdE");
  EXPECT_TRUE(item->sequence.empty());

  // The failed record of version 1 embeds the same fields.
  ByteWriter failed;
  failed.PutByte(1);
  failed.PutFixed64(ToUnixSeconds(At(99)));
  std::string fields = v1.data().substr(1);
  Result<FailedRecord> record = DecodeFailed(failed.data() + fields);
  ASSERT_OK(record);
  EXPECT_EQ(record->failed_at, At(99));
  EXPECT_EQ(record->item.kind, QueueItemKind::kReply);
  EXPECT_EQ(record->item.id, 9u);
}

TEST(QueueItemVersions, StepItemsRoundTripAsVersion2) {
  QueueItem step;
  step.id = 12;
  step.kind = QueueItemKind::kSequenceStep;
  step.sequence = "canon-eos-5d";
  step.step = 1;
  step.user = step.envelope_recipient = "kari@example.org";
  step.due = At(500);
  std::string bytes = EncodeQueueItem(step);
  EXPECT_EQ(bytes[0], 2);
  Result<QueueItem> out = DecodeQueueItem(bytes);
  ASSERT_OK(out);
  EXPECT_EQ(out->kind, QueueItemKind::kSequenceStep);
  EXPECT_EQ(out->sequence, "canon-eos-5d");
  EXPECT_EQ(out->step, 1u);
  EXPECT_EQ(out->envelope_recipient, "kari@example.org");
  Result<FailedRecord> failed = DecodeFailed(EncodeFailed(FailedRecord{step, At(9)}));
  ASSERT_OK(failed);
  EXPECT_EQ(failed->item.kind, QueueItemKind::kSequenceStep);
  EXPECT_EQ(failed->item.step, 1u);

  // Kind byte right after the version and the one-byte id.
  bytes[2] = 3;
  EXPECT_EQ(DecodeQueueItem(bytes).status().code(), Status::Code::kCorruption);
}

TEST(SequenceKeys, PersonsAreNormalisedAndLongTriggerIdsFit) {
  EXPECT_EQ(EncodeEnrolmentKey(" Kari@Example.ORG ", "seq"),
            std::string("kari@example.org\0seq", 20));
  std::string key = EncodeTriggerSeenKey(std::string(1000, 'm'), "seq", 511);
  EXPECT_EQ(key.size(), 511u);
  EXPECT_EQ(key.substr(key.size() - 4), std::string("\0seq", 4));
  EXPECT_EQ(EncodeTriggerSeenKey("<m@x>", "seq", 511), std::string("<m@x>\0seq", 9));
}

}  // namespace
}  // namespace ar
