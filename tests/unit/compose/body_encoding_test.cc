#include "compose/body_encoding.h"

#include <gtest/gtest.h>

#include <string>

#include "message/transfer_decoding.h"
#include "parsed_message.h"

namespace ar {
namespace {

using ::ar::testing::DecodeBody;

// Every encoded line fits RFC 2045's 76 characters and is 7-bit.
void ExpectShortSevenBitLines(const std::string& text) {
  size_t line = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto u = static_cast<unsigned char>(text[i]);
    ASSERT_LT(u, 0x80) << "octet " << i;
    if (u == '\r') {
      ASSERT_EQ(text[i + 1], '\n');
      ++i;
      line = 0;
      continue;
    }
    ASSERT_LE(++line, 76u) << text;
  }
}

TEST(EncodeTextBody, ShortAsciiLinesStaySevenBitAsWritten) {
  const std::string text = "Hello Bob,\r\n\r\nI am away until Monday.\r\n";
  const EncodedBody body = EncodeTextBody(text);
  EXPECT_EQ(body.mechanism, "7bit");
  EXPECT_EQ(body.text, text);
}

TEST(EncodeTextBody, NonAsciiIsQuotedPrintableWithAsciiLeftReadable) {
  const std::string text = "Hei Åse!\r\nПривет\r\n";
  const EncodedBody body = EncodeTextBody(text);
  EXPECT_EQ(body.mechanism, "quoted-printable");
  EXPECT_EQ(body.text, "Hei =C3=85se!\r\n=D0=9F=D1=80=D0=B8=D0=B2=D0=B5=D1=82\r\n");
  EXPECT_EQ(DecodeBody(body.text, body.mechanism), text);
  EXPECT_EQ(DecodeQuotedPrintable(body.text), text);
}

TEST(EncodeTextBody, LongLinesGetSoftBreaksThatDecodeAway) {
  std::string text;
  for (int i = 0; i < 40; ++i) text += "blåbær ";
  text += "\r\nslutt";
  const EncodedBody body = EncodeTextBody(text);
  EXPECT_EQ(body.mechanism, "quoted-printable");
  ExpectShortSevenBitLines(body.text);
  EXPECT_NE(body.text.find("=\r\n"), std::string::npos);
  EXPECT_EQ(DecodeBody(body.text, body.mechanism), text);
  EXPECT_EQ(DecodeQuotedPrintable(body.text), text);
}

TEST(EncodeTextBody, LongAsciiLineIsQuotedPrintable) {
  const std::string text(200, 'x');
  const EncodedBody body = EncodeTextBody(text);
  EXPECT_EQ(body.mechanism, "quoted-printable");
  ExpectShortSevenBitLines(body.text);
  EXPECT_EQ(DecodeQuotedPrintable(body.text), text);
}

TEST(EncodeTextBody, TrailingWhiteSpaceAndEqualsSignsAreEscaped) {
  const std::string text = "a = b \r\nc\t\r\n";
  const EncodedBody body = EncodeTextBody(text);
  EXPECT_EQ(body.mechanism, "quoted-printable");
  EXPECT_EQ(body.text, "a =3D b=20\r\nc=09\r\n");
  EXPECT_EQ(DecodeBody(body.text, body.mechanism), text);
}

// "=_" starts our multipart boundaries; a body holding it is quoted.
TEST(EncodeTextBody, BoundaryPrefixNeverAppearsInTheEncodedBody) {
  const EncodedBody body = EncodeTextBody("--=_ar_0123\r\n");
  EXPECT_EQ(body.mechanism, "quoted-printable");
  EXPECT_EQ(body.text.find("=_"), std::string::npos);
}

TEST(EncodeTextBody, FromAtLineStartIsProtectedFromMboxQuoting) {
  const EncodedBody body = EncodeTextBody("From here on\r\n");
  EXPECT_EQ(body.mechanism, "quoted-printable");
  EXPECT_EQ(body.text, "=46rom here on\r\n");
}

TEST(EncodeTextBody, MultiOctetCharactersAreNotSplitAcrossSoftBreaks) {
  const std::string text = std::string(70, 'a') + "ø" + std::string(10, 'b');
  const EncodedBody body = EncodeTextBody(text);
  ExpectShortSevenBitLines(body.text);
  EXPECT_NE(body.text.find("=\r\n=C3=B8"), std::string::npos) << body.text;
}

TEST(DecodeQuotedPrintable, MalformedEscapesAreKeptAsWritten) {
  EXPECT_EQ(DecodeQuotedPrintable("a=ZZb=4"), "a=ZZb=4");
  EXPECT_EQ(DecodeQuotedPrintable("a=\r\nb=3d"), "ab=");
}

}  // namespace
}  // namespace ar
