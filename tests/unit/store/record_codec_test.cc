#include "store/record_codec.h"

#include <gtest/gtest.h>

#include "store/byte_codec.h"
#include "store_fixture.h"

namespace ar {
namespace {

using ::ar::testing::At;

OutOfOfficeRule FullRule() {
  OutOfOfficeRule rule;
  rule.address = "ole@example.com";
  rule.aliases = {"o.hansen@example.com", "ole@example.net"};
  rule.display_name = "Ole Hansen";
  rule.subject = "Away";
  rule.text_body = "Back on Monday.\n";
  rule.html_body = "<p>Back on Monday.</p>";
  rule.internal_text_body = "Ask Kari.";
  rule.reply_to_external = false;
  rule.period = Seconds(3 * 86400);
  rule.start = At(-86400);
  rule.end = At(86400);
  rule.time_zone = "Europe/Oslo";
  rule.enabled = false;
  rule.generation = 300;  // more than one varint byte
  return rule;
}

QueueItem FullItem() {
  QueueItem item;
  item.id = 1ull << 40;
  item.user = "ole@example.com";
  item.generation = 7;
  item.dedupe_sender = "kari@example.org";
  item.envelope_sender = "";
  item.envelope_recipient = "kari@example.org";
  item.message_id = "<r1@example.com>";
  item.message = std::string("Subject: x\r\n\r\nbody with \0 NUL\r\n", 31);
  item.created = At(0);
  item.due = At(60);
  item.attempts = 3;
  item.last_error = "451 try later";
  item.origin_queue_id = "4AbCdE";
  return item;
}

void ExpectSameRule(const OutOfOfficeRule& a, const OutOfOfficeRule& b) {
  EXPECT_EQ(a.address, b.address);
  EXPECT_EQ(a.aliases, b.aliases);
  EXPECT_EQ(a.display_name, b.display_name);
  EXPECT_EQ(a.subject, b.subject);
  EXPECT_EQ(a.text_body, b.text_body);
  EXPECT_EQ(a.html_body, b.html_body);
  EXPECT_EQ(a.internal_text_body, b.internal_text_body);
  EXPECT_EQ(a.reply_to_external, b.reply_to_external);
  EXPECT_EQ(a.period, b.period);
  EXPECT_EQ(a.start, b.start);
  EXPECT_EQ(a.end, b.end);
  EXPECT_EQ(a.time_zone, b.time_zone);
  EXPECT_EQ(a.enabled, b.enabled);
  EXPECT_EQ(a.generation, b.generation);
}

void ExpectSameItem(const QueueItem& a, const QueueItem& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.user, b.user);
  EXPECT_EQ(a.generation, b.generation);
  EXPECT_EQ(a.dedupe_sender, b.dedupe_sender);
  EXPECT_EQ(a.envelope_sender, b.envelope_sender);
  EXPECT_EQ(a.envelope_recipient, b.envelope_recipient);
  EXPECT_EQ(a.message_id, b.message_id);
  EXPECT_EQ(a.message, b.message);
  EXPECT_EQ(a.created, b.created);
  EXPECT_EQ(a.due, b.due);
  EXPECT_EQ(a.attempts, b.attempts);
  EXPECT_EQ(a.last_error, b.last_error);
  EXPECT_EQ(a.origin_queue_id, b.origin_queue_id);
}

// Every proper prefix of a valid record must be refused as Corruption.
template <typename Decode>
void ExpectEveryPrefixIsCorrupt(const std::string& bytes, Decode decode) {
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto result = decode(std::string_view(bytes).substr(0, n));
    ASSERT_FALSE(result.ok()) << "prefix of " << n << " bytes decoded";
    EXPECT_EQ(result.status().code(), Status::Code::kCorruption) << n;
  }
}

TEST(RecordCodec, RuleRoundTripsEveryField) {
  OutOfOfficeRule rule = FullRule();
  Result<OutOfOfficeRule> decoded = DecodeRule(EncodeRule(rule));
  ASSERT_OK(decoded);
  ExpectSameRule(rule, *decoded);
}

TEST(RecordCodec, RuleWithoutWindowRoundTrips) {
  OutOfOfficeRule rule;
  rule.address = "a@b";
  Result<OutOfOfficeRule> decoded = DecodeRule(EncodeRule(rule));
  ASSERT_OK(decoded);
  ExpectSameRule(rule, *decoded);
  EXPECT_FALSE(decoded->start.has_value());
  EXPECT_FALSE(decoded->end.has_value());
}

TEST(RecordCodec, ResponseRoundTripsBothStates) {
  for (ResponseState state : {ResponseState::kPending, ResponseState::kSent}) {
    ResponseRecord record{99, state, At(5)};
    Result<ResponseRecord> decoded = DecodeResponse(EncodeResponse(record));
    ASSERT_OK(decoded);
    EXPECT_EQ(decoded->generation, 99u);
    EXPECT_EQ(decoded->state, state);
    EXPECT_EQ(decoded->at, At(5));
  }
}

TEST(RecordCodec, QueueItemRoundTripsBinaryMessage) {
  QueueItem item = FullItem();
  Result<QueueItem> decoded = DecodeQueueItem(EncodeQueueItem(item));
  ASSERT_OK(decoded);
  ExpectSameItem(item, *decoded);
}

TEST(RecordCodec, FailedRecordRoundTrips) {
  FailedRecord record{FullItem(), At(999)};
  Result<FailedRecord> decoded = DecodeFailed(EncodeFailed(record));
  ASSERT_OK(decoded);
  ExpectSameItem(record.item, decoded->item);
  EXPECT_EQ(decoded->failed_at, At(999));
}

TEST(RecordCodec, TimesBeforeEpochRoundTrip) {
  QueueItem item = FullItem();
  item.created = FromUnixSeconds(-5);
  Result<QueueItem> decoded = DecodeQueueItem(EncodeQueueItem(item));
  ASSERT_OK(decoded);
  EXPECT_EQ(decoded->created, FromUnixSeconds(-5));
}

TEST(RecordCodec, TruncatedRecordsAreCorruption) {
  ExpectEveryPrefixIsCorrupt(EncodeRule(FullRule()), DecodeRule);
  ExpectEveryPrefixIsCorrupt(EncodeResponse(ResponseRecord{1, ResponseState::kSent, At(0)}),
                             DecodeResponse);
  ExpectEveryPrefixIsCorrupt(EncodeQueueItem(FullItem()), DecodeQueueItem);
  ExpectEveryPrefixIsCorrupt(EncodeFailed(FailedRecord{FullItem(), At(1)}), DecodeFailed);
}

TEST(RecordCodec, UnknownVersionIsCorruption) {
  std::string rule = EncodeRule(FullRule());
  std::string response = EncodeResponse(ResponseRecord{});
  std::string item = EncodeQueueItem(FullItem());
  std::string failed = EncodeFailed(FailedRecord{FullItem(), At(1)});
  // Queue and failed records have versions 1 and 2; the others only 1.
  for (char version : {'\0', '\3', '\xff'}) {
    rule[0] = response[0] = item[0] = failed[0] = version;
    EXPECT_EQ(DecodeRule(rule).status().code(), Status::Code::kCorruption);
    EXPECT_EQ(DecodeResponse(response).status().code(), Status::Code::kCorruption);
    EXPECT_EQ(DecodeQueueItem(item).status().code(), Status::Code::kCorruption);
    EXPECT_EQ(DecodeFailed(failed).status().code(), Status::Code::kCorruption);
  }
}

TEST(RecordCodec, TrailingBytesAreCorruption) {
  EXPECT_EQ(DecodeRule(EncodeRule(FullRule()) + "x").status().code(), Status::Code::kCorruption);
  EXPECT_EQ(DecodeQueueItem(EncodeQueueItem(FullItem()) + "x").status().code(),
            Status::Code::kCorruption);
  EXPECT_EQ(DecodeResponse(EncodeResponse(ResponseRecord{}) + "x").status().code(),
            Status::Code::kCorruption);
}

TEST(RecordCodec, UnknownResponseStateIsCorruption) {
  std::string bytes = EncodeResponse(ResponseRecord{1, ResponseState::kSent, At(0)});
  bytes[2] = 3;  // version, generation (1 byte), state
  EXPECT_EQ(DecodeResponse(bytes).status().code(), Status::Code::kCorruption);
}

TEST(RecordCodec, UnknownRuleFlagsAreCorruption) {
  OutOfOfficeRule rule;  // every string empty: flags sit at a known offset
  rule.address = "";
  std::string bytes = EncodeRule(rule);
  // version, address len, alias count, five empty strings, then flags.
  ASSERT_EQ(bytes[8], 0x03);  // enabled | reply_to_external
  bytes[8] = static_cast<char>(0x13);
  EXPECT_EQ(DecodeRule(bytes).status().code(), Status::Code::kCorruption);
}

TEST(RecordCodec, HostileLengthsAreCorruptionNotAllocation) {
  // A string length near 2^64 and an alias count of 2^62.
  std::string huge_string = std::string("\x01", 1) + std::string(9, '\xff') + "\x01";
  EXPECT_EQ(DecodeRule(huge_string).status().code(), Status::Code::kCorruption);
  ByteWriter w;
  w.PutByte(1);
  w.PutString("a@b");
  w.PutVarint(1ull << 62);
  EXPECT_EQ(DecodeRule(w.data()).status().code(), Status::Code::kCorruption);
}

TEST(RecordCodec, OverlongVarintIsCorruption) {
  std::string eleven_bytes(10, '\x80');
  eleven_bytes.push_back('\x01');
  uint64_t v = 0;
  ByteReader in(eleven_bytes, "test");
  EXPECT_EQ(in.GetVarint(&v).code(), Status::Code::kCorruption);

  std::string too_big(9, '\xff');
  too_big.push_back('\x02');  // the tenth byte may carry only bit 63
  ByteReader in2(too_big, "test");
  EXPECT_EQ(in2.GetVarint(&v).code(), Status::Code::kCorruption);
}

TEST(RecordCodec, VarintBoundariesRoundTrip) {
  for (uint64_t v : {0ull, 127ull, 128ull, 16383ull, 16384ull, ~0ull}) {
    ByteWriter w;
    w.PutVarint(v);
    ByteReader in(w.data(), "test");
    uint64_t back = 1;
    ASSERT_OK(in.GetVarint(&back));
    EXPECT_EQ(back, v);
    EXPECT_OK(in.ExpectEnd());
  }
}

TEST(RecordCodec, ArbitraryBytesNeverCrashTheDecoders) {
  // A fixed-seed byte soup, and every single-byte mutation of valid records.
  uint32_t seed = 12345;
  auto next = [&seed] {
    seed = seed * 1103515245u + 12345u;
    return static_cast<char>(seed >> 16);
  };
  for (int round = 0; round < 2000; ++round) {
    std::string bytes(static_cast<size_t>(round % 64), '\0');
    for (char& c : bytes) c = next();
    bytes.insert(bytes.begin(), '\x01');
    (void)DecodeRule(bytes);
    (void)DecodeResponse(bytes);
    (void)DecodeQueueItem(bytes);
    (void)DecodeFailed(bytes);
  }
  std::string item = EncodeQueueItem(FullItem());
  for (size_t i = 0; i < item.size(); ++i) {
    std::string mutated = item;
    mutated[i] = static_cast<char>(mutated[i] ^ 0xa5);
    (void)DecodeQueueItem(mutated);
  }
  SUCCEED();
}

}  // namespace
}  // namespace ar
