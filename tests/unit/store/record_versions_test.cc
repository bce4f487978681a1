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
  // Written again, it is version 2 and reads back the same.
  std::string again = EncodeEnrolment(*decoded);
  EXPECT_EQ(again[0], 2);
  Result<StoredEnrolment> reread = DecodeEnrolment(again);
  ASSERT_OK(reread);
  EXPECT_EQ(reread->enrolment.history[0].message_id, "<s0@shop>");
  EXPECT_EQ(reread->queued_step_id, 7u);
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
  // steps_since_engagement, the empty trigger id and queued_step_id, one
  // byte each.
  const size_t flags_at = bytes.size() - 4;
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
