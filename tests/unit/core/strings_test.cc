#include "core/strings.h"

#include <gtest/gtest.h>

namespace ar {
namespace {

TEST(Strings, WildcardMatchesLocalPartPatterns) {
  EXPECT_TRUE(WildcardMatchIgnoreCase("owner-*", "Owner-Linux-Kernel"));
  EXPECT_TRUE(WildcardMatchIgnoreCase("*-request", "debian-user-REQUEST"));
  EXPECT_TRUE(WildcardMatchIgnoreCase("mailer-daemon", "MAILER-DAEMON"));
  EXPECT_FALSE(WildcardMatchIgnoreCase("owner-*", "powner-x"));
  EXPECT_FALSE(WildcardMatchIgnoreCase("*-bounces", "bounces"));
  EXPECT_TRUE(WildcardMatchIgnoreCase("*a*b*", "xxaxxbxx"));
}

TEST(Strings, SplitTrimmedDropsEmptyPieces) {
  auto parts = SplitTrimmed(" a ,, b ,c", ',');
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0], "a");
  EXPECT_EQ(parts[2], "c");
}

TEST(Strings, CaseInsensitiveHelpers) {
  EXPECT_TRUE(EqualsIgnoreCase("List-Id", "list-id"));
  EXPECT_TRUE(StartsWithIgnoreCase("Prvs=abc", "prvs="));
  EXPECT_TRUE(EndsWithIgnoreCase("foo-BOUNCES", "-bounces"));
  EXPECT_TRUE(ContainsIgnoreCase("DR, OOF", "oof"));
  EXPECT_EQ(Trim("  x y \r\n"), "x y");
  EXPECT_EQ(HexEncode("\x01\xff"), "01ff");
}

}  // namespace
}  // namespace ar
