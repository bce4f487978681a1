#include "config/value_syntax.h"

#include <gtest/gtest.h>

#include "config/options_table.h"

namespace ar {
namespace {

TEST(ParseDuration, AcceptsEveryUnit) {
  EXPECT_EQ(ParseDuration("90").value(), Seconds(90));
  EXPECT_EQ(ParseDuration("90s").value(), Seconds(90));
  EXPECT_EQ(ParseDuration("15m").value(), Seconds(900));
  EXPECT_EQ(ParseDuration("12h").value(), Seconds(12 * 3600));
  EXPECT_EQ(ParseDuration("7d").value(), Seconds(7 * 86400));
  EXPECT_EQ(ParseDuration("2w").value(), Seconds(14 * 86400));
  EXPECT_EQ(ParseDuration(" 0 ").value(), Seconds(0));
}

TEST(ParseDuration, RejectsMalformedText) {
  for (const char* bad : {"", "s", "7x", "-5", "1.5h", "7 d", "d7", "12hh", "0x10", "+3"}) {
    Result<Seconds> r = ParseDuration(bad);
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument) << bad;
  }
}

TEST(ParseDuration, RejectsValuesThatWouldOverflow) {
  EXPECT_FALSE(ParseDuration("99999999999999999999999").ok());
  EXPECT_FALSE(ParseDuration("999999999999999w").ok());
  EXPECT_TRUE(ParseDuration("5200w").ok());  // about 100 years is still fine
}

TEST(FormatDuration, UsesTheLargestExactUnitAndParsesBack) {
  EXPECT_EQ(FormatDuration(Seconds(7 * 86400)), "7d");
  EXPECT_EQ(FormatDuration(Seconds(3600)), "1h");
  EXPECT_EQ(FormatDuration(Seconds(300)), "5m");
  EXPECT_EQ(FormatDuration(Seconds(90)), "90s");
  EXPECT_EQ(FormatDuration(Seconds(0)), "0s");
  for (int64_t s : {1, 59, 60, 61, 3599, 86400, 90061, 14 * 86400}) {
    EXPECT_EQ(ParseDuration(FormatDuration(Seconds(s))).value(), Seconds(s)) << s;
  }
}

TEST(ByteSize, ParsesBinarySuffixes) {
  EXPECT_EQ(ParseByteSize("4096").value(), 4096u);
  EXPECT_EQ(ParseByteSize("512K").value(), 512u << 10);
  EXPECT_EQ(ParseByteSize("64m").value(), 64u << 20);
  EXPECT_EQ(ParseByteSize("1G").value(), 1ull << 30);
  EXPECT_EQ(ParseByteSize("2T").value(), 2ull << 40);
  EXPECT_FALSE(ParseByteSize("1GB").ok());
  EXPECT_FALSE(ParseByteSize("G").ok());
  EXPECT_FALSE(ParseByteSize("99999999999999999999G").ok());
  EXPECT_FALSE(ParseByteSize("20000000000T").ok());
}

TEST(ByteSize, FormatsWithTheLargestExactSuffix) {
  EXPECT_EQ(FormatByteSize(1ull << 30), "1G");
  EXPECT_EQ(FormatByteSize(3ull << 20), "3M");
  EXPECT_EQ(FormatByteSize(3072), "3K");
  EXPECT_EQ(FormatByteSize(1536), "1536");
  EXPECT_EQ(FormatByteSize(1000), "1000");
}

TEST(YesNo, AcceptsYesNoTrueFalseInAnyCase) {
  EXPECT_TRUE(ParseYesNo("yes").value());
  EXPECT_TRUE(ParseYesNo("TRUE").value());
  EXPECT_FALSE(ParseYesNo("No").value());
  EXPECT_FALSE(ParseYesNo("false").value());
  EXPECT_FALSE(ParseYesNo("1").ok());
  EXPECT_FALSE(ParseYesNo("").ok());
}

TEST(ParseInteger, ChecksRange) {
  EXPECT_EQ(ParseInteger("25", 1, 100).value(), 25);
  EXPECT_FALSE(ParseInteger("0", 1, 100).ok());
  EXPECT_FALSE(ParseInteger("101", 1, 100).ok());
  EXPECT_FALSE(ParseInteger("-1", 0, 100).ok());
  EXPECT_FALSE(ParseInteger("1e3", 0, 10000).ok());
}

TEST(Syntax, HeaderFieldNames) {
  EXPECT_TRUE(IsHeaderFieldName("X-Spam-Flag"));
  EXPECT_FALSE(IsHeaderFieldName(""));
  EXPECT_FALSE(IsHeaderFieldName("X Spam"));
  EXPECT_FALSE(IsHeaderFieldName("X-Spam:"));
  EXPECT_FALSE(IsHeaderFieldName("X-A\r\nBcc"));
}

TEST(Syntax, DomainNames) {
  EXPECT_TRUE(IsDomainName("example.com"));
  EXPECT_TRUE(IsDomainName("mail-1.example.com"));
  EXPECT_TRUE(IsDomainName("localhost"));
  EXPECT_FALSE(IsDomainName(""));
  EXPECT_FALSE(IsDomainName("-a.example"));
  EXPECT_FALSE(IsDomainName("a-.example"));
  EXPECT_FALSE(IsDomainName("a..example"));
  EXPECT_FALSE(IsDomainName("a.example."));
  EXPECT_FALSE(IsDomainName("exa mple.com"));
  EXPECT_FALSE(IsDomainName(std::string(64, 'a') + ".com"));
}

TEST(Syntax, SafeMailAddresses) {
  EXPECT_TRUE(IsSafeMailAddress("bounces+ar@example.com"));
  EXPECT_FALSE(IsSafeMailAddress("example.com"));
  EXPECT_FALSE(IsSafeMailAddress("@example.com"));
  EXPECT_FALSE(IsSafeMailAddress("a b@example.com"));
  EXPECT_FALSE(IsSafeMailAddress("<a@example.com>"));
  EXPECT_FALSE(IsSafeMailAddress("a@example.com\r\nBcc: x@y.z"));
  EXPECT_FALSE(IsSafeMailAddress("a,b@example.com"));
  // It may end up as a sendmail argument: never one that reads as an option.
  EXPECT_FALSE(IsSafeMailAddress("-oQ/tmp@example.com"));
}

}  // namespace
}  // namespace ar
