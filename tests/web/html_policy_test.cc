#include "web/html_policy.h"

#include <gtest/gtest.h>

namespace ar {
namespace {

TEST(HtmlPolicy, AcceptsPlainMarkup) {
  EXPECT_EQ(FindActiveHtml("<p>Away until <b>Monday</b>. <a href=\"https://example.org/\">"
                           "Contact</a> <img src=\"https://example.org/x.png\" alt=\"\"></p>"),
            std::nullopt);
  EXPECT_EQ(FindActiveHtml("<p>Bonjour, je suis absent; 3 < 4 and online=yes</p>"), std::nullopt);
}

TEST(HtmlPolicy, RefusesScriptElementsInAnyCase) {
  EXPECT_NE(FindActiveHtml("<p>hi</p><script>alert(1)</script>"), std::nullopt);
  EXPECT_NE(FindActiveHtml("<ScRiPt src=x></sCrIpT>"), std::nullopt);
  EXPECT_NE(FindActiveHtml("<iframe src=\"https://x\">"), std::nullopt);
  EXPECT_NE(FindActiveHtml("<svg><a/></svg>"), std::nullopt);
}

TEST(HtmlPolicy, RefusesEventAttributes) {
  EXPECT_NE(FindActiveHtml("<img src=x onerror=alert(1)>"), std::nullopt);
  EXPECT_NE(FindActiveHtml("<body ONLOAD = \"x()\">"), std::nullopt);
  EXPECT_NE(FindActiveHtml("<p/onclick=x()>"), std::nullopt);
}

TEST(HtmlPolicy, RefusesScriptUrlsEvenWhenSplitOrEncoded) {
  EXPECT_NE(FindActiveHtml("<a href=\"javascript:alert(1)\">x</a>"), std::nullopt);
  EXPECT_NE(FindActiveHtml("<a href=\"java\tscript:alert(1)\">x</a>"), std::nullopt);
  EXPECT_NE(FindActiveHtml("<a href=\"&#106;avascript:alert(1)\">x</a>"), std::nullopt);
  EXPECT_NE(FindActiveHtml("<img src=\"data:text/html;base64,xx\">"), std::nullopt);
}

}  // namespace
}  // namespace ar
