#include "store/keys.h"

#include <gtest/gtest.h>

#include "store_fixture.h"

namespace ar {
namespace {

using ::ar::testing::At;

TEST(StoreKeys, U64KeysSortNumerically) {
  EXPECT_LT(EncodeU64Key(1), EncodeU64Key(2));
  EXPECT_LT(EncodeU64Key(255), EncodeU64Key(256));
  EXPECT_LT(EncodeU64Key(1ull << 32), EncodeU64Key(~0ull));
  EXPECT_EQ(DecodeU64Key(EncodeU64Key(0x0102030405060708ull)), 0x0102030405060708ull);
  EXPECT_EQ(EncodeU64Key(0x0102030405060708ull), std::string("\1\2\3\4\5\6\7\x08"));
}

TEST(StoreKeys, DueKeysSortByTimeThenId) {
  EXPECT_LT(EncodeDueKey(At(0), 99), EncodeDueKey(At(1), 1));
  EXPECT_LT(EncodeDueKey(At(0), 1), EncodeDueKey(At(0), 2));
  EXPECT_LT(EncodeDueKey(At(255), 1), EncodeDueKey(At(256), 1));
  std::optional<DueKey> key = DecodeDueKey(EncodeDueKey(At(42), 7));
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->due, At(42));
  EXPECT_EQ(key->id, 7u);
}

TEST(StoreKeys, DueTimesBeforeEpochSortFirst) {
  EXPECT_EQ(EncodeDueKey(FromUnixSeconds(-100), 1), EncodeDueKey(FromUnixSeconds(0), 1));
  EXPECT_LT(EncodeDueKey(FromUnixSeconds(-100), 1), EncodeDueKey(FromUnixSeconds(1), 1));
}

TEST(StoreKeys, MalformedKeysDoNotDecode) {
  EXPECT_FALSE(DecodeU64Key("1234567").has_value());
  EXPECT_FALSE(DecodeU64Key("123456789").has_value());
  EXPECT_FALSE(DecodeDueKey("123456781234567").has_value());
  EXPECT_FALSE(DecodeDueKey(std::string(16, '\xff')).has_value());  // due beyond int64
}

TEST(StoreKeys, AddressesAreTrimmedAndLowerCased) {
  EXPECT_EQ(NormalizeAddress("  Ole@Example.COM \t"), "ole@example.com");
  EXPECT_EQ(EncodeResponseKey("Ole@Example.com", "Kari@Example.org"),
            std::string("ole@example.com\0kari@example.org", 32));
}

}  // namespace
}  // namespace ar
