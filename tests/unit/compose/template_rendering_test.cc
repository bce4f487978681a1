#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "compose/sequence_composer.h"

namespace ar {
namespace {

const std::map<std::string, std::string> kVariables = {
    {"name", "Åse <b>&\"'"}, {"first_name", "Åse"}, {"coupon", "CAM-AB12-CD34"}, {"empty", ""}};

std::string MustRender(const std::string& text, bool html) {
  Result<std::string> out = RenderTemplate(text, kVariables, html);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return out.ok() ? *out : "";
}

TEST(RenderTemplate, TextPartNeverEscapes) {
  EXPECT_EQ(MustRender("Hei {{name}}!", false), "Hei Åse <b>&\"'!");
  EXPECT_EQ(MustRender("{{{name}}}|{{&name}}", false), "Åse <b>&\"'|Åse <b>&\"'");
}

TEST(RenderTemplate, HtmlPartEscapesDoubleBracesOnly) {
  EXPECT_EQ(MustRender("<p>{{name}}</p>", true), "<p>Åse &lt;b&gt;&amp;&quot;&#39;</p>");
  EXPECT_EQ(MustRender("{{{name}}}", true), "Åse <b>&\"'");
}

TEST(RenderTemplate, UnknownVariablesRenderEmpty) {
  EXPECT_EQ(MustRender("[{{nobody}}]", false), "[]");
}

TEST(RenderTemplate, SectionsFollowEmptiness) {
  EXPECT_EQ(MustRender("{{#coupon}}Code: {{coupon}}{{/coupon}}{{^empty}} none{{/empty}}", false),
            "Code: CAM-AB12-CD34 none");
  EXPECT_EQ(MustRender("{{#empty}}hidden{{/empty}}", false), "");
}

TEST(RenderTemplate, KeepsNorwegianAndRussianText) {
  EXPECT_EQ(MustRender("Blåbærsyltetøy, {{first_name}}. Привет, {{first_name}}!", false),
            "Blåbærsyltetøy, Åse. Привет, Åse!");
}

TEST(RenderTemplate, RefusesUnbalancedSections) {
  EXPECT_FALSE(RenderTemplate("{{#coupon}}never closed", kVariables, false).ok());
  EXPECT_FALSE(RenderTemplate("{{/coupon}}", kVariables, false).ok());
  EXPECT_FALSE(RenderTemplate("{{#a}}{{#b}}{{/a}}{{/b}}", kVariables, false).ok());
}

TEST(RenderTemplate, TemplatesMstchThrowsOnBecomeErrors) {
  // mstch throws std::length_error on an empty delimiter change.
  Result<std::string> out = RenderTemplate("{{=}}", kVariables, false);
  EXPECT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), Status::Code::kInvalidArgument);
}

TEST(RenderTemplate, EscapingModeIsPerThread) {
  // Text and HTML renders at once on several threads: each keeps its mode.
  std::vector<std::thread> threads;
  std::vector<int> wrong(8, 0);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([t, &wrong] {
      const bool html = t % 2 == 0;
      const std::string expected = html ? "&lt;b&gt;" : "<b>";
      for (int i = 0; i < 300; ++i) {
        Result<std::string> out = RenderTemplate("{{v}}", {{"v", "<b>"}}, html);
        if (!out.ok() || *out != expected) ++wrong[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < 8; ++t) EXPECT_EQ(wrong[t], 0) << "thread " << t;
}

}  // namespace
}  // namespace ar
