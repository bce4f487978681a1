#include "compose/mailbox_format.h"

#include <gtest/gtest.h>

#include <string>

#include "message/rfc2047.h"

namespace ar {
namespace {

TEST(IsSafeHostname, AcceptsHostNamesOnly) {
  EXPECT_TRUE(IsSafeHostname("mx1.example.org"));
  EXPECT_TRUE(IsSafeHostname("localhost"));
  EXPECT_FALSE(IsSafeHostname(""));
  EXPECT_FALSE(IsSafeHostname("mx.example.org>"));
  EXPECT_FALSE(IsSafeHostname("mx example"));
  EXPECT_FALSE(IsSafeHostname("mx\r\n.example"));
  EXPECT_FALSE(IsSafeHostname(std::string(254, 'a')));
}

TEST(FormatDisplayName, LeavesAnAtomPhraseAsIs) {
  EXPECT_EQ(FormatDisplayName("Bob Smith", 6), "Bob Smith");
  EXPECT_EQ(FormatDisplayName("  Bob  ", 6), "Bob");
  EXPECT_EQ(FormatDisplayName("", 6), "");
  EXPECT_EQ(FormatDisplayName(" \r\n ", 6), "");
}

TEST(FormatDisplayName, QuotesSpecials) {
  EXPECT_EQ(FormatDisplayName("Smith, Bob", 6), "\"Smith, Bob\"");
  EXPECT_EQ(FormatDisplayName("Bob (home)", 6), "\"Bob (home)\"");
  EXPECT_EQ(FormatDisplayName("J. Doe", 6), "\"J. Doe\"");
  EXPECT_EQ(FormatDisplayName("Say \"hi\" \\o/", 6), "\"Say \\\"hi\\\" \\\\o/\"");
  EXPECT_EQ(FormatDisplayName("Bob <evil@x>", 6), "\"Bob <evil@x>\"");
  // Would otherwise be decoded by the reader as if we had encoded it.
  EXPECT_EQ(FormatDisplayName("=?UTF-8?B?SGk=?=", 6), "\"=?UTF-8?B?SGk=?=\"");
}

TEST(FormatDisplayName, EncodesNonAsciiAndRoundTrips) {
  const std::string name = "Åse Ødegård";
  const std::string phrase = FormatDisplayName(name, 6);
  EXPECT_EQ(phrase.rfind("=?UTF-8?B?", 0), 0u);
  EXPECT_EQ(DecodeHeaderText(phrase), name);
}

TEST(FormatDisplayName, NeutralizesLineBreaks) {
  EXPECT_EQ(FormatDisplayName("Bob\r\nBcc: evil@x", 6), "\"Bob  Bcc: evil@x\"");
}

TEST(FormatDisplayName, CapsTheLength) {
  const std::string phrase = FormatDisplayName(std::string(1000, 'a'), 6);
  EXPECT_EQ(phrase.size(), kMaxDisplayNameCharacters);
}

TEST(FormatMailbox, IsTheBareAddressWithoutAName) {
  EXPECT_EQ(FormatMailbox("", "bob@example.net", 2), "bob@example.net");
}

TEST(FormatMailbox, PutsTheNameBeforeTheAngleAddress) {
  EXPECT_EQ(FormatMailbox("Bob", "bob@example.net", 2), "Bob <bob@example.net>");
  EXPECT_EQ(FormatMailbox("Smith, Bob", "bob@example.net", 2), "\"Smith, Bob\" <bob@example.net>");
}

TEST(FormatMailbox, FoldsBeforeTheAddressWhenTheLineIsFull) {
  const std::string mailbox = FormatMailbox(std::string(70, 'B'), "bob@example.net", 4);
  EXPECT_EQ(mailbox, std::string(70, 'B') + "\r\n <bob@example.net>");
}

}  // namespace
}  // namespace ar
