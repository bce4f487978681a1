#include <gtest/gtest.h>

#include <string>

#include "message/address.h"

namespace ar {
namespace {

struct DedupeCase {
  const char* name;
  std::string sender;
  std::string key;
};

class SenderDedupeKey : public ::testing::TestWithParam<DedupeCase> {};

TEST_P(SenderDedupeKey, StripsBatvAndCase) {
  EXPECT_EQ(NormalizeSenderForDedupe(GetParam().sender), GetParam().key);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SenderDedupeKey,
    ::testing::Values(
        DedupeCase{"Plain", "User@Example.ORG", "user@example.org"},
        DedupeCase{"BatvTagFirst", "prvs=1234abcd56=user@example.org", "user@example.org"},
        DedupeCase{"BatvTagLast", "prvs=user/1234abcd56@example.org", "user@example.org"},
        DedupeCase{"BatvUpperCase", "PRVS=0123ABCDEF=John.Doe@Example.org", "john.doe@example.org"},
        DedupeCase{"BatvUserWithEquals", "prvs=0123abcdef=a=b@x", "a=b@x"},
        DedupeCase{"BatvUserWithSlash", "prvs=dept/a/0123abcdef@x", "dept/a@x"},
        DedupeCase{"TwoTagsOfOneSenderMatch", "prvs=9999ffffff=user@example.org",
                   "user@example.org"},
        DedupeCase{"PrvsWithoutTagKept", "prvs=@x", "prvs=@x"},
        DedupeCase{"PrvsEmptyUserKept", "prvs=abc=@x", "prvs=abc=@x"},
        DedupeCase{"NonAlnumTagKept", "prvs=a.b=user@x", "prvs=a.b=user@x"},
        DedupeCase{"PrvsNotAtStartKept", "xprvs=1234=user@x", "xprvs=1234=user@x"},
        DedupeCase{"NoDomain", "prvs=1234=user", "user"}, DedupeCase{"NullSender", "", ""}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace ar
