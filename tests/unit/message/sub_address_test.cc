// FoldSubAddress: the key under which per-person limits count an address.
#include "message/sub_address.h"

#include <gtest/gtest.h>

namespace ar {
namespace {

TEST(FoldSubAddress, SubAddressesOfOneMailboxFoldToIt) {
  EXPECT_EQ(FoldSubAddress("victim+1@example.org", "+"), "victim@example.org");
  EXPECT_EQ(FoldSubAddress("victim+2@example.org", "+"), "victim@example.org");
  EXPECT_EQ(FoldSubAddress("victim@example.org", "+"), "victim@example.org");
}

TEST(FoldSubAddress, CutsAtTheFirstDelimiterAndLowerCases) {
  EXPECT_EQ(FoldSubAddress("Victim+a+b@Example.ORG", "+"), "victim@example.org");
}

TEST(FoldSubAddress, EachCharacterOfTheSettingIsADelimiter) {
  EXPECT_EQ(FoldSubAddress("victim-list@example.org", "+-"), "victim@example.org");
  EXPECT_EQ(FoldSubAddress("victim+x-y@example.org", "-+"), "victim@example.org");
  EXPECT_EQ(FoldSubAddress("victim-list@example.org", "+"), "victim-list@example.org");
}

TEST(FoldSubAddress, EmptyDelimitersFoldNothing) {
  EXPECT_EQ(FoldSubAddress("Victim+1@example.org", ""), "victim+1@example.org");
}

TEST(FoldSubAddress, ALocalPartStartingWithADelimiterIsKeptWhole) {
  EXPECT_EQ(FoldSubAddress("+1@example.org", "+"), "+1@example.org");
}

TEST(FoldSubAddress, DelimitersInTheDomainAreNotCut) {
  EXPECT_EQ(FoldSubAddress("victim@a+b.example", "+"), "victim@a+b.example");
  EXPECT_EQ(FoldSubAddress("victim+1", "+"), "victim");
}

}  // namespace
}  // namespace ar
