// Record versions added for the production queue: enrolment version 2 (a
// flags byte per history entry; version 1 still decodes), the claim value
// and the person sends record.
#include <gtest/gtest.h>

#include "store/byte_codec.h"
#include "store/record_codec.h"
#include "store/sequence_record_codec.h"
#include "store_fixture.h"

namespace ar {
namespace {

using ::ar::testing::At;

// An enrolment as format version 1 wrote it: one sent step in its history.
std::string EnrolmentV1() {
  ByteWriter w;
  w.PutByte(1);
  w.PutString("kari@example.org");
  w.PutString("Kari");
  w.PutString("seq");
  w.PutString("v1");
  w.PutVarint(0);  // variables
  PutTime(w, At(0));
  w.PutByte(1);  // active
  w.PutString("");
  w.PutByte(0);    // flags
  w.PutVarint(1);  // next_step
  w.PutVarint(1);  // history
  w.PutVarint(0);
  PutTime(w, At(100));
  w.PutString("<s0@shop>");
  w.PutVarint(1);  // steps_since_engagement
  w.PutString("");
  w.PutVarint(7);  // queued_step_id
  return w.Release();
}

TEST(RecordVersions, EnrolmentVersionOneStillDecodesAsNotSkipped) {
  Result<StoredEnrolment> decoded = DecodeEnrolment(EnrolmentV1());
  ASSERT_OK(decoded);
  ASSERT_EQ(decoded->enrolment.history.size(), 1u);
  EXPECT_EQ(decoded->enrolment.history[0].message_id, "<s0@shop>");
  EXPECT_FALSE(decoded->enrolment.history[0].skipped);
  EXPECT_EQ(decoded->queued_step_id, 7u);
  // Written again, it is the current version 3 and reads back the same.
  std::string again = EncodeEnrolment(*decoded);
  EXPECT_EQ(again[0], 3);
  Result<StoredEnrolment> reread = DecodeEnrolment(again);
  ASSERT_OK(reread);
  EXPECT_EQ(reread->enrolment.history[0].message_id, "<s0@shop>");
  EXPECT_EQ(reread->queued_step_id, 7u);
}

// The same enrolment as format version 2 wrote it: version byte 2 and a
// flags byte after the history entry, no consent record.
std::string EnrolmentV2() {
  std::string bytes = EnrolmentV1();
  bytes[0] = 2;
  // The history entry ends with its message id; its flags byte (0) follows.
  const std::string id = "<s0@shop>";
  const size_t end_of_entry = bytes.find(id) + id.size();
  bytes.insert(end_of_entry, 1, '\0');
  return bytes;
}

TEST(RecordVersions, EnrolmentVersionTwoDecodesWithAnEmptyConsentRecord) {
  Result<StoredEnrolment> decoded = DecodeEnrolment(EnrolmentV2());
  ASSERT_OK(decoded);
  EXPECT_EQ(decoded->enrolment.person, "kari@example.org");
  EXPECT_EQ(decoded->queued_step_id, 7u);
  const Consent& consent = decoded->enrolment.consent;
  EXPECT_EQ(consent.trigger, "");
  EXPECT_FALSE(consent.double_opt_in);
  EXPECT_FALSE(decoded->enrolment.AwaitingConfirmation());
  std::string again = EncodeEnrolment(*decoded);
  EXPECT_EQ(again[0], 3);
  ASSERT_OK(DecodeEnrolment(again));
}

TEST(RecordVersions, ConsentRecordRoundTrips) {
  StoredEnrolment stored;
  stored.enrolment.person = "kari@example.org";
  stored.enrolment.sequence = "seq";
  stored.enrolment.trigger_message_id = "<form-1@shop>";
  stored.enrolment.next_step = kConfirmationStep;
  Consent& c = stored.enrolment.consent;
  c.trigger = "trigger";
  c.legal_basis = "Consent, GDPR Art. 6(1)(a); form on shop.example/newsletter";
  c.double_opt_in = true;
  c.requested_at = At(10);
  c.expires_at = At(7 * 86400);
  Result<StoredEnrolment> out = DecodeEnrolment(EncodeEnrolment(stored));
  ASSERT_OK(out);
  const Consent& o = out->enrolment.consent;
  EXPECT_EQ(o.trigger, "trigger");
  EXPECT_EQ(o.legal_basis, c.legal_basis);
  EXPECT_TRUE(o.double_opt_in);
  EXPECT_EQ(o.requested_at, At(10));
  EXPECT_FALSE(o.confirmed_at.has_value());
  EXPECT_EQ(o.expires_at, At(7 * 86400));
  EXPECT_EQ(out->enrolment.next_step, kConfirmationStep);
  EXPECT_TRUE(out->enrolment.AwaitingConfirmation());

  c.confirmed_at = At(20);
  out = DecodeEnrolment(EncodeEnrolment(stored));
  ASSERT_OK(out);
  EXPECT_EQ(out->enrolment.consent.confirmed_at, At(20));
  EXPECT_FALSE(out->enrolment.AwaitingConfirmation());
}

TEST(RecordVersions, UnknownConsentFlagIsCorruption) {
  StoredEnrolment stored;
  stored.enrolment.person = "p@x";
  std::string bytes = EncodeEnrolment(stored);
  ASSERT_EQ(bytes.back(), 0);  // the consent flags byte ends the record
  bytes.back() = 0x10;
  EXPECT_EQ(DecodeEnrolment(bytes).status().code(), Status::Code::kCorruption);
}

TEST(RecordVersions, SkippedHistoryEntryRoundTrips) {
  StoredEnrolment stored;
  stored.enrolment.person = "kari@example.org";
  stored.enrolment.sequence = "seq";
  stored.enrolment.history = {SentStep{0, At(100), "<a@x>"}, SentStep{1, At(200), "", true}};
  Result<StoredEnrolment> out = DecodeEnrolment(EncodeEnrolment(stored));
  ASSERT_OK(out);
  ASSERT_EQ(out->enrolment.history.size(), 2u);
  EXPECT_FALSE(out->enrolment.history[0].skipped);
  EXPECT_TRUE(out->enrolment.history[1].skipped);
  EXPECT_EQ(out->enrolment.history[1].sent_at, At(200));
}

TEST(RecordVersions, UnknownHistoryFlagIsCorruption) {
  StoredEnrolment stored;
  stored.enrolment.person = "p@x";
  stored.enrolment.history = {SentStep{0, At(1), "", true}};
  std::string bytes = EncodeEnrolment(stored);
  // The history entry's flags byte is followed only by
  // steps_since_engagement, the empty trigger id, queued_step_id and the
  // empty consent record (trigger, legal basis, flags), one byte each.
  const size_t flags_at = bytes.size() - 7;
  ASSERT_EQ(bytes[flags_at], 1);
  bytes[flags_at] = 2;
  EXPECT_EQ(DecodeEnrolment(bytes).status().code(), Status::Code::kCorruption);
}

TEST(RecordVersions, ClaimRoundTripsAndRefusesOtherLengths) {
  Result<TimePoint> t = DecodeClaim(EncodeClaim(At(-5)));
  ASSERT_OK(t);
  EXPECT_EQ(*t, At(-5));
  EXPECT_EQ(DecodeClaim("1234567").status().code(), Status::Code::kCorruption);
  EXPECT_EQ(DecodeClaim(EncodeClaim(At(0)) + "x").status().code(), Status::Code::kCorruption);
}

TEST(RecordVersions, PersonSendsKeepTheNewestSixteen) {
  std::vector<TimePoint> sends;
  for (int i = 0; i < 20; ++i) sends.push_back(At(i));
  Result<std::vector<TimePoint>> out = DecodePersonSends(EncodePersonSends(sends));
  ASSERT_OK(out);
  ASSERT_EQ(out->size(), kMaxPersonSends);
  EXPECT_EQ(out->front(), At(4));
  EXPECT_EQ(out->back(), At(19));
  Result<std::vector<TimePoint>> empty = DecodePersonSends(EncodePersonSends({}));
  ASSERT_OK(empty);
  EXPECT_TRUE(empty->empty());
}

TEST(RecordVersions, HostilePersonSendsAreCorruption) {
  ByteWriter too_many;
  too_many.PutByte(1);
  too_many.PutVarint(17);
  for (int i = 0; i < 17; ++i) PutTime(too_many, At(i));
  EXPECT_EQ(DecodePersonSends(too_many.data()).status().code(), Status::Code::kCorruption);
  std::string good = EncodePersonSends({At(1), At(2)});
  for (size_t n = 0; n < good.size(); ++n) {
    EXPECT_EQ(DecodePersonSends(good.substr(0, n)).status().code(), Status::Code::kCorruption);
  }
  std::string bad_version = good;
  bad_version[0] = 2;
  EXPECT_EQ(DecodePersonSends(bad_version).status().code(), Status::Code::kCorruption);
}

}  // namespace
}  // namespace ar
