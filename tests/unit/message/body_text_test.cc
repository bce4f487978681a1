#include "message/body_text.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "message/html_text.h"
#include "message/transfer_decoding.h"

namespace ar {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

Message WithHeaders(const Headers& headers) {
  Message message;
  for (const auto& [name, value] : headers) message.AddHeader(name, value);
  return message;
}

constexpr size_t kLimit = 256 * 1024;

TEST(BodyText, PlainTextWithoutContentTypeIsReadAsIs) {
  EXPECT_EQ(ExtractBodyText(Message(), "Order 100301\r\nSKU PX-100\r\n", kLimit),
            "Order 100301\r\nSKU PX-100\r\n");
}

TEST(BodyText, QuotedPrintableUtf8IsDecoded) {
  const Message headers = WithHeaders({{"Content-Type", "text/plain; charset=\"UTF-8\""},
                                       {"Content-Transfer-Encoding", "quoted-printable"}});
  const std::string body =
      "Bestellung f=C3=BCr J=C3=B8rgen: SKU PX-=\r\n100, Gr=C3=B6=C3=9Fe M\r\n";
  EXPECT_EQ(ExtractBodyText(headers, body, kLimit),
            "Bestellung f\xC3\xBCr J\xC3\xB8rgen: SKU PX-100, Gr\xC3\xB6\xC3\x9F" "e M\r\n");
}

TEST(BodyText, Base64Koi8rIsConvertedToUtf8) {
  const Message headers = WithHeaders({{"Content-Type", "text/plain; charset=koi8-r"},
                                       {"Content-Transfer-Encoding", "base64"}});
  // "Ваш заказ: SKU PX-100, цена 99 руб." in KOI8-R, base64 in two lines.
  const std::string body = "98HbINrBy8HaOiBTS1UgUFgtMTAwLCDD\r\nxc7BIDk5INLVwi4=\r\n";
  EXPECT_EQ(ExtractBodyText(headers, body, kLimit),
            "\xD0\x92\xD0\xB0\xD1\x88 \xD0\xB7\xD0\xB0\xD0\xBA\xD0\xB0\xD0\xB7: SKU PX-100, "
            "\xD1\x86\xD0\xB5\xD0\xBD\xD0\xB0 99 \xD1\x80\xD1\x83\xD0\xB1.");
}

TEST(BodyText, Iso88591EightBitIsConvertedToUtf8) {
  const Message headers = WithHeaders({{"Content-Type", "text/plain; charset=ISO-8859-1"},
                                       {"Content-Transfer-Encoding", "8bit"}});
  EXPECT_EQ(ExtractBodyText(headers, "Stra\xDF" "e, SKU PX-100 \xE0 10 \xA4", kLimit),
            "Stra\xC3\x9F" "e, SKU PX-100 \xC3\xA0 10 \xC2\xA4");
}

TEST(BodyText, HtmlIsRenderedAsText) {
  const Message headers = WithHeaders({{"Content-Type", "text/html; charset=utf-8"}});
  const std::string html =
      "<html><head><title>SKU PX-999</title><style>p{}</style></head>"
      "<body><p>Your order:</p><table><tr><td>SKU&nbsp;<b>PX-100</b></td><td>1</td></tr>"
      "</table><!-- SKU PX-200 --><script>var s='SKU PX-300';</script>"
      "<p>Caf&eacute; &amp; more &#8364; &#x20AC;</p></body></html>";
  EXPECT_EQ(ExtractBodyText(headers, html, kLimit),
            "Your order:\nSKU PX-100 1\nCaf&eacute; & more \xE2\x82\xAC \xE2\x82\xAC");
}

TEST(BodyText, AlternativeReadsOnlyThePlainVersion) {
  const Message headers =
      WithHeaders({{"Content-Type", "multipart/alternative; boundary=\"b1\""}});
  const std::string body =
      "preamble\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nplain SKU PX-100\r\n"
      "--b1\r\nContent-Type: text/html\r\n\r\n<p>html SKU PX-100</p>\r\n--b1--\r\nepilogue\r\n";
  EXPECT_EQ(ExtractBodyText(headers, body, kLimit), "plain SKU PX-100\r\n");
}

TEST(BodyText, HtmlOnlyAlternativeIsRendered) {
  const Message headers = WithHeaders({{"Content-Type", "multipart/alternative; boundary=b1"}});
  const std::string body =
      "--b1\r\nContent-Type: text/html; charset=iso-8859-1\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n\r\n<p>M=FCnchen: SKU PX-100</p>\r\n--b1--\r\n";
  EXPECT_EQ(ExtractBodyText(headers, body, kLimit), "M\xC3\xBCnchen: SKU PX-100");
}

TEST(BodyText, AttachmentsAndNonTextPartsAreNeverRead) {
  const Message headers = WithHeaders({{"Content-Type", "multipart/mixed; boundary=\"=_m\""}});
  const std::string body =
      "--=_m\r\nContent-Type: text/plain\r\n\r\nOrder 100301\r\n"
      "--=_m\r\nContent-Type: text/plain; name=\"invoice.txt\"\r\n"
      "Content-Disposition: attachment; filename=\"invoice.txt\"\r\n\r\nSKU PX-100\r\n"
      "--=_m\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
      "U0tVIFBYLTEwMA==\r\n"
      "--=_m\r\nContent-Type: message/rfc822\r\n\r\nSubject: x\r\n\r\nSKU PX-100\r\n"
      "--=_m--\r\n";
  EXPECT_EQ(ExtractBodyText(headers, body, kLimit), "Order 100301\r\n");
}

TEST(BodyText, NestedMultipartsAreWalked) {
  const Message headers = WithHeaders({{"Content-Type", "multipart/mixed; boundary=outer"}});
  const std::string body =
      "--outer\r\nContent-Type: multipart/alternative; boundary=inner\r\n\r\n"
      "--inner\r\nContent-Type: text/plain\r\n\r\nSKU PX-100\r\n--inner--\r\n"
      "--outer\r\nContent-Type: image/png\r\n\r\nxxx\r\n--outer--\r\n";
  EXPECT_EQ(ExtractBodyText(headers, body, kLimit), "SKU PX-100\r\n");
}

TEST(BodyText, TextIsCutAtTheLimitOnACharacterBoundary) {
  const Message headers = WithHeaders({{"Content-Type", "text/plain; charset=utf-8"}});
  // "ø" is two bytes: a limit of 5 must not split the third one.
  EXPECT_EQ(ExtractBodyText(headers, "\xC3\xB8\xC3\xB8\xC3\xB8\xC3\xB8", 5),
            "\xC3\xB8\xC3\xB8");
  const std::string big(300 * 1024, 'a');
  EXPECT_EQ(ExtractBodyText(headers, big + "SKU PX-100", kLimit).size(), kLimit);
}

TEST(BodyText, ABodyCutShortKeepsItsLastPart) {
  const Message headers = WithHeaders({{"Content-Type", "multipart/mixed; boundary=b"}});
  EXPECT_EQ(ExtractBodyText(headers, "--b\r\nContent-Type: text/plain\r\n\r\nSKU PX-1", kLimit),
            "SKU PX-1");
}

TEST(BodyText, UnknownCharsetAndInvalidBytesBecomeValidUtf8) {
  const Message headers = WithHeaders({{"Content-Type", "text/plain; charset=x-no-such"}});
  EXPECT_EQ(ExtractBodyText(headers, "a\xFF" "b", kLimit), "a\xEF\xBF\xBD" "b");
}

TEST(BodyText, HostileNestingIsBounded) {
  std::string body;
  std::string headers_type = "multipart/mixed; boundary=b0";
  for (int i = 1; i < 50; ++i) {
    body += "--b" + std::to_string(i - 1) + "\r\nContent-Type: multipart/mixed; boundary=b" +
            std::to_string(i) + "\r\n\r\n";
  }
  body += "--b49\r\n\r\nSKU PX-100\r\n";
  EXPECT_EQ(ExtractBodyText(WithHeaders({{"Content-Type", headers_type}}), body, kLimit), "");
}

TEST(ContentTypeSyntax, ParametersAreFoundQuotedOrNot) {
  const ContentType t =
      ParseContentType("Multipart/Mixed; charset=UTF-8 ; boundary=\"a;b\\\"c\"");
  EXPECT_EQ(t.type, "multipart");
  EXPECT_EQ(t.subtype, "mixed");
  EXPECT_EQ(t.charset, "UTF-8");
  EXPECT_EQ(t.boundary, "a;b\"c");
  EXPECT_EQ(ParseContentType("garbage").subtype, "plain");
}

TEST(TransferDecoding, QuotedPrintableKeepsBrokenEscapes) {
  EXPECT_EQ(DecodeQuotedPrintable("a=3Db =ZZ c=\nd =\r\ne"), "a=b =ZZ cd e");
  EXPECT_EQ(DecodeQuotedPrintable("end="), "end");
}

TEST(TransferDecoding, Base64SkipsNoise) {
  EXPECT_EQ(DecodeBase64("U0tV\r\nIFBY LTEw\tMA=="), "SKU PX-100");
  EXPECT_EQ(DecodeTransferEncoding(" BASE64 ", "YQ=="), "a");
  EXPECT_EQ(DecodeTransferEncoding("7bit", "YQ=="), "YQ==");
}

TEST(HtmlText, UnclosedMarkupDropsTheRest) {
  EXPECT_EQ(RenderHtmlAsText("SKU <b PX-100"), "SKU");
  EXPECT_EQ(RenderHtmlAsText("a<br>b<br/>c"), "a\nb\nc");
}

}  // namespace
}  // namespace ar
