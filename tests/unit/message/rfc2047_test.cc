#include "message/rfc2047.h"

#include <gtest/gtest.h>

#include <string>

#include "message/utf8.h"

namespace ar {
namespace {

struct DecodeCase {
  const char* name;
  std::string raw;
  std::string decoded;
};

class HeaderTextDecoding : public ::testing::TestWithParam<DecodeCase> {};

TEST_P(HeaderTextDecoding, DecodesToUtf8) {
  EXPECT_EQ(DecodeHeaderText(GetParam().raw), GetParam().decoded);
}

const char kRussian[] = "Привет, мир";
const char kNorwegian[] = "Blåbærsyltetøy på ÆØÅ";
const std::string kReplacement = "\xEF\xBF\xBD";

INSTANTIATE_TEST_SUITE_P(
    Russian, HeaderTextDecoding,
    ::testing::Values(DecodeCase{"Utf8B", "=?UTF-8?B?0J/RgNC40LLQtdGCLCDQvNC40YA=?=", kRussian},
                      DecodeCase{"Koi8rB", "=?koi8-r?B?8NLJ18XULCDNydI=?=", kRussian},
                      DecodeCase{"Koi8rQ", "=?KOI8-R?Q?=F0=D2=C9=D7=C5=D4,_=CD=C9=D2?=", kRussian},
                      DecodeCase{"Windows1251B", "=?windows-1251?B?z/Do4uXyLCDs6PA=?=", kRussian},
                      DecodeCase{"Iso88595B", "=?ISO-8859-5?B?v+DY0tXiLCDc2OA=?=", kRussian},
                      DecodeCase{
                          "SplitAcrossWords",
                          "=?utf-8?B?0J/RgNC40LLQtdGCLCA=?=\t =?utf-8?B?0LzQuNGA?=", kRussian},
                      DecodeCase{"RawUtf8", kRussian, kRussian},
                      DecodeCase{"PrefixAndEncoded", "Re: =?koi8-r?B?8NLJ18XULCDNydI=?=",
                                 std::string("Re: ") + kRussian}),
    [](const auto& info) { return info.param.name; });

INSTANTIATE_TEST_SUITE_P(
    Norwegian, HeaderTextDecoding,
    ::testing::Values(
        DecodeCase{"Utf8B", "=?utf-8?b?QmzDpWLDpnJzeWx0ZXTDuHkgcMOlIMOGw5jDhQ==?=", kNorwegian},
        DecodeCase{"Utf8Q", "=?utf-8?q?Bl=C3=A5b=C3=A6rsyltet=C3=B8y_p=C3=A5_=C3=86=C3=98=C3=85?=",
                   kNorwegian},
        DecodeCase{"Latin1B", "=?ISO-8859-1?B?QmzlYuZyc3lsdGV0+HkgcOUgxtjF?=", kNorwegian},
        DecodeCase{"Latin1Q", "=?iso-8859-1?Q?Bl=E5b=E6rsyltet=F8y_p=E5_=C6=D8=C5?=", kNorwegian},
        DecodeCase{"Latin1LowerHex", "=?iso-8859-1?q?Bl=e5b=e6r?=", "Blåbær"},
        DecodeCase{"Rfc2231Language", "=?ISO-8859-1*no?Q?Bl=E5b=E6r?=", "Blåbær"},
        DecodeCase{"RawUtf8", kNorwegian, kNorwegian}),
    [](const auto& info) { return info.param.name; });

INSTANTIATE_TEST_SUITE_P(
    Rules, HeaderTextDecoding,
    ::testing::Values(
        DecodeCase{"PlainAsciiUnchanged", "Out of office", "Out of office"},
        DecodeCase{"Empty", "", ""},
        // RFC 2047 section 8 examples.
        DecodeCase{"Rfc8OneWord", "(=?ISO-8859-1?Q?a?=)", "(a)"},
        DecodeCase{"Rfc8TextBetween", "(=?ISO-8859-1?Q?a?= b)", "(a b)"},
        DecodeCase{"Rfc8SpaceDropped", "(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)", "(ab)"},
        DecodeCase{"Rfc8FoldDropped", "(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)", "(ab)"},
        DecodeCase{"Rfc8UnderscoreIsSpace", "(=?ISO-8859-1?Q?a_b?=)", "(a b)"},
        DecodeCase{"Rfc8WordsStayApartWithEncodedSpace", "(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)",
                   "(a b)"},
        DecodeCase{"SpaceBeforeFollowingTextKept", "=?utf-8?q?a?= b", "a b"},
        DecodeCase{"AdjacentWordsWithoutSpace", "=?utf-8?q?a?==?utf-8?q?b?=", "ab"},
        DecodeCase{"UsAscii", "=?us-ascii?q?hello?=", "hello"},
        DecodeCase{"EmptyEncodedText",
                   "x=?utf-8?q?"
                   "?=y",
                   "xy"},
        DecodeCase{"B64WithoutPadding", "=?utf-8?B?w6U?=", "å"},
        // Broken or unknown words are left as written.
        DecodeCase{"UnknownCharsetVerbatim",
                   "=?x-no-such-charset?Q?abc?=", "=?x-no-such-charset?Q?abc?="},
        DecodeCase{"UnknownEncodingVerbatim", "=?utf-8?X?abc?=", "=?utf-8?X?abc?="},
        DecodeCase{"BadBase64Verbatim", "=?utf-8?B?!!!!?=", "=?utf-8?B?!!!!?="},
        DecodeCase{"Base64BadLengthVerbatim", "=?utf-8?B?QUJDR?=", "=?utf-8?B?QUJDR?="},
        DecodeCase{"BadQHexVerbatim", "=?utf-8?Q?a=ZZ?=", "=?utf-8?Q?a=ZZ?="},
        DecodeCase{"QEscapeCutShortVerbatim", "=?utf-8?Q?a=4?=", "=?utf-8?Q?a=4?="},
        DecodeCase{"UnterminatedVerbatim", "=?utf-8?Q?abc", "=?utf-8?Q?abc"},
        DecodeCase{"SpaceInsideWordVerbatim", "=?utf-8?Q?a b?=", "=?utf-8?Q?a b?="},
        DecodeCase{"HostileCharsetNameVerbatim",
                   "=?UTF-8//TRANSLIT?Q?a?=", "=?UTF-8//TRANSLIT?Q?a?="},
        DecodeCase{"BrokenThenGoodWord", "=?utf-8?Q?=ZZ?= =?utf-8?Q?ok?=", "=?utf-8?Q?=ZZ?= ok"},
        DecodeCase{"JustMarkers", "=?=?=?", "=?=?=?"},
        // Invalid bytes become U+FFFD, in raw text and inside decoded words.
        DecodeCase{"RawLatin1Replaced", "Bl\xE5", "Bl" + kReplacement},
        DecodeCase{"InvalidUtf8InWordReplaced", "=?utf-8?Q?a=FFb?=", "a" + kReplacement + "b"},
        DecodeCase{"InvalidKoi8NeverFails", "=?koi8-r?Q?=FF?=", "Ъ"},
        // Decoded control characters cannot inject header lines.
        DecodeCase{"EncodedCrLfBecomesSpaces", "=?utf-8?Q?a=0D=0ABcc:_x?=", "a  Bcc: x"},
        DecodeCase{"EncodedNulBecomesSpace", "=?utf-8?Q?a=00b?=", "a b"},
        DecodeCase{"RawNulBecomesSpace", std::string("a\0b", 3), "a b"},
        DecodeCase{"TabKept", "a\tb", "a\tb"}),
    [](const auto& info) { return info.param.name; });

TEST(HeaderTextDecoding, IncompleteMultibyteInputEndsWithReplacement) {
  // Shift_JIS lead byte without its trail byte.
  EXPECT_EQ(DecodeHeaderText("=?Shift_JIS?B?gg==?="), kReplacement);
}

TEST(HeaderTextDecoding, OutputIsBounded) {
  std::string raw;
  while (raw.size() < 3 * kMaxDecodedTextBytes) raw += "=?utf-8?B?0J/RgNC40LLQtdGC?= ";
  const std::string decoded = DecodeHeaderText(raw);
  EXPECT_LE(decoded.size(), kMaxDecodedTextBytes);
  EXPECT_GT(decoded.size(), kMaxDecodedTextBytes - 16);
  // Cut on a character boundary: the result is still valid UTF-8.
  std::string revalidated;
  AppendSanitizedUtf8(decoded, &revalidated);
  EXPECT_EQ(revalidated, decoded);

  const std::string latin1(3 * kMaxDecodedTextBytes, '\xE5');
  EXPECT_EQ(DecodeHeaderText(latin1).size(), kMaxDecodedTextBytes - kMaxDecodedTextBytes % 3);
}

}  // namespace
}  // namespace ar
