#include "sequence/tokens.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "sequence/base32.h"

namespace ar {
namespace {

using ::testing::MatchesRegex;

constexpr char kKey[] = "secret-key";

TEST(Base32, EncodesRfc4648TestVectorsWithoutPadding) {
  // RFC 4648 section 10, '=' padding removed.
  EXPECT_EQ(Base32Encode(""), "");
  EXPECT_EQ(Base32Encode("f"), "MY");
  EXPECT_EQ(Base32Encode("fo"), "MZXQ");
  EXPECT_EQ(Base32Encode("foo"), "MZXW6");
  EXPECT_EQ(Base32Encode("foob"), "MZXW6YQ");
  EXPECT_EQ(Base32Encode("fooba"), "MZXW6YTB");
  EXPECT_EQ(Base32Encode("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(Base32Encode(std::string("\xff\x00", 2)), "74AA");
}

TEST(Base32, RecognisesOnlyItsAlphabetInEitherCase) {
  EXPECT_TRUE(IsBase32("ABCXYZ234567abcxyz"));
  EXPECT_FALSE(IsBase32("ABC1"));
  EXPECT_FALSE(IsBase32("ABC8"));
  EXPECT_FALSE(IsBase32("AB-C"));
  EXPECT_FALSE(IsBase32("AB="));
}

TEST(PersonToken, IsSixteenBase32CharactersOfTheLabelledHmac) {
  // Computed independently: base32(HMAC-SHA-256("secret-key",
  // "person\0alice@example.com")), first 16 characters.
  EXPECT_EQ(PersonToken(kKey, "alice@example.com"), "QNW75U626QVCZHEY");
}

TEST(PersonToken, IsDeterministicAndIgnoresAddressCase) {
  EXPECT_EQ(PersonToken(kKey, "alice@example.com"), PersonToken(kKey, "alice@example.com"));
  EXPECT_EQ(PersonToken(kKey, "Alice@Example.COM"), PersonToken(kKey, "alice@example.com"));
}

TEST(PersonToken, DiffersPerKeyAndPerPerson) {
  const std::string alice = PersonToken(kKey, "alice@example.com");
  EXPECT_NE(PersonToken("other-key", "alice@example.com"), alice);
  EXPECT_NE(PersonToken(kKey, "bob@example.com"), alice);
  EXPECT_THAT(PersonToken("", "alice@example.com"), MatchesRegex("[A-Z2-7]{16}"));
}

TEST(Coupon, ReplacesEachXWithSuccessiveHmacCharactersAndKeepsTheRest) {
  // Full base32 of HMAC-SHA-256("secret-key",
  // "coupon\0alice@example.com\0canon-eos-5d\0coupon"), computed independently.
  const std::string mac = "JHLRYDPHV6M5DEENCQVG7WZUVQAX6JUAPWMFE3A5KLH6UFRP6BJA";
  EXPECT_EQ(Coupon(kKey, "alice@example.com", "canon-eos-5d", "coupon", "CAM-XXXX-XXXX"),
            "CAM-" + mac.substr(0, 4) + "-" + mac.substr(4, 4));
  EXPECT_EQ(Coupon(kKey, "alice@example.com", "canon-eos-5d", "coupon", std::string(52, 'X')), mac);
}

TEST(Coupon, FormatWithMoreThan52XsIsCutAtTheEndOfTheHmac) {
  const std::string format = "A" + std::string(60, 'X') + "-END";
  const std::string code = Coupon(kKey, "alice@example.com", "s", "1", format);
  EXPECT_EQ(code.size(), 53u);
  EXPECT_EQ(code, "A" + Coupon(kKey, "alice@example.com", "s", "1", std::string(52, 'X')));
}

TEST(Coupon, IsDeterministicAndDiffersPerKeyPersonSequenceAndStep) {
  const std::string format = "CAM-XXXX-XXXX";
  const std::string code = Coupon(kKey, "alice@example.com", "canon-eos-5d", "coupon", format);
  EXPECT_THAT(code, MatchesRegex("CAM-[A-Z2-7]{4}-[A-Z2-7]{4}"));
  EXPECT_EQ(Coupon(kKey, "alice@example.com", "canon-eos-5d", "coupon", format), code);
  EXPECT_EQ(Coupon(kKey, "ALICE@example.com", "canon-eos-5d", "coupon", format), code);
  EXPECT_NE(Coupon("k2", "alice@example.com", "canon-eos-5d", "coupon", format), code);
  EXPECT_NE(Coupon(kKey, "bob@example.com", "canon-eos-5d", "coupon", format), code);
  EXPECT_NE(Coupon(kKey, "alice@example.com", "product-x", "coupon", format), code);
  EXPECT_NE(Coupon(kKey, "alice@example.com", "canon-eos-5d", "info", format), code);
}

TEST(Coupon, FieldBoundariesCannotBeShiftedToCollide) {
  const std::string format(16, 'X');
  EXPECT_NE(Coupon(kKey, "a@x", "ab", "c", format), Coupon(kKey, "a@x", "a", "bc", format));
}

TEST(VerifyCoupon, AcceptsTheIssuedCodeAlsoInLowerCase) {
  const std::string format = "CAM-XXXX-XXXX";
  const std::string code = Coupon(kKey, "alice@example.com", "canon-eos-5d", "coupon", format);
  EXPECT_TRUE(VerifyCoupon(kKey, code, "alice@example.com", "canon-eos-5d", "coupon", format));
  std::string lower = code;
  for (size_t i = 4; i < lower.size(); ++i) {
    if (lower[i] >= 'A' && lower[i] <= 'Z') lower[i] = static_cast<char>(lower[i] - 'A' + 'a');
  }
  EXPECT_TRUE(VerifyCoupon(kKey, lower, "alice@example.com", "canon-eos-5d", "coupon", format));
}

TEST(VerifyCoupon, RejectsEveryOneCharacterChange) {
  const std::string format = "CAM-XXXX-XXXX";
  const std::string code = Coupon(kKey, "alice@example.com", "canon-eos-5d", "coupon", format);
  for (size_t i = 0; i < code.size(); ++i) {
    std::string changed = code;
    changed[i] = changed[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(VerifyCoupon(kKey, changed, "alice@example.com", "canon-eos-5d", "coupon", format))
        << "position " << i << ": " << changed;
  }
}

TEST(VerifyCoupon, RejectsAnotherPersonsStepsOrKeysCode) {
  const std::string format = "XXXXXXXX";
  const std::string code = Coupon(kKey, "alice@example.com", "seq", "coupon", format);
  EXPECT_FALSE(VerifyCoupon(kKey, code, "bob@example.com", "seq", "coupon", format));
  EXPECT_FALSE(VerifyCoupon(kKey, code, "alice@example.com", "seq", "info", format));
  EXPECT_FALSE(VerifyCoupon("k2", code, "alice@example.com", "seq", "coupon", format));
  EXPECT_FALSE(VerifyCoupon(kKey, code + "A", "alice@example.com", "seq", "coupon", format));
  EXPECT_FALSE(VerifyCoupon(kKey, code.substr(1), "alice@example.com", "seq", "coupon", format));
  EXPECT_FALSE(VerifyCoupon(kKey, "", "alice@example.com", "seq", "coupon", format));
}

TEST(VerifyCoupon, FormatWithoutXVerifiesNothing) {
  EXPECT_FALSE(VerifyCoupon(kKey, "FIXED", "alice@example.com", "seq", "coupon", "FIXED"));
  EXPECT_FALSE(VerifyCoupon(kKey, "", "alice@example.com", "seq", "coupon", ""));
}

TEST(TaggedAddress, JoinsLocalTokenAndDomain) {
  EXPECT_EQ(TaggedAddress("bounces", "QNW75U626QVCZHEY", "shop.example"),
            "bounces+QNW75U626QVCZHEY@shop.example");
}

TEST(TokenFromTaggedAddress, RoundTripsAPersonToken) {
  const std::string token = PersonToken(kKey, "alice@example.com");
  const std::string address = TaggedAddress("bounces", token, "shop.example");
  EXPECT_EQ(TokenFromTaggedAddress(address, "bounces"), token);
  EXPECT_EQ(TokenFromTaggedAddress(TaggedAddress("unsubscribe", token, "x.example"), "unsubscribe"),
            token);
}

TEST(TokenFromTaggedAddress, IgnoresCaseOfLocalAndTokenAndAcceptsAngleBrackets) {
  EXPECT_EQ(TokenFromTaggedAddress("BOUNCES+qnw75u626qvczhey@Shop.Example", "bounces"),
            "QNW75U626QVCZHEY");
  EXPECT_EQ(TokenFromTaggedAddress(" <bounces+QNW75U626QVCZHEY@shop.example> ", "bounces"),
            "QNW75U626QVCZHEY");
}

TEST(TokenFromTaggedAddress, RejectsMalformedAddressesAndTokens) {
  const char* bad[] = {
      "",
      "bounces@shop.example",                       // no token
      "bounces+@shop.example",                      // empty token
      "bounces+QNW75U626QVCZHE@shop.example",       // 15 characters
      "bounces+QNW75U626QVCZHEYA@shop.example",     // 17 characters
      "bounces+QNW75U626QVCZHE1@shop.example",      // '1' is not base32
      "bounces+QNW75U626QVCZH-Y@shop.example",      // '-' is not base32
      "bounces+QNW75U626QVCZHEY",                   // no domain
      "bounces+QNW75U626QVCZHEY@",                  // empty domain
      "unsubscribe+QNW75U626QVCZHEY@shop.example",  // another local part
      "xbounces+QNW75U626QVCZHEY@shop.example",
      "bounces-QNW75U626QVCZHEY@shop.example",  // wrong separator
      "bounces+QNW75U626QVCZHEY+X@shop.example",
      "\"bounces+QNW75U626QVCZHEY\"@shop.example",
  };
  for (const char* address : bad) {
    EXPECT_EQ(TokenFromTaggedAddress(address, "bounces"), std::nullopt) << address;
  }
  EXPECT_EQ(TokenFromTaggedAddress("+QNW75U626QVCZHEY@shop.example", ""), std::nullopt);
}

}  // namespace
}  // namespace ar
