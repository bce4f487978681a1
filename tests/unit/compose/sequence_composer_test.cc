#include "compose/sequence_composer.h"

#include <gtest/gtest.h>
#include <mimetic/mimetic.h>

#include <sstream>
#include <string>
#include <vector>

#include "compose/encoded_word.h"
#include "core/strings.h"
#include "message/rfc2047.h"
#include "parsed_message.h"

namespace ar {
namespace {

using ::ar::testing::DecodeBody;
using ::ar::testing::ParsedMessage;
using ::ar::testing::ParseMessage;

const TimePoint kNow = FromUnixSeconds(1767600000);
const TimePoint kEnrolled = FromUnixSeconds(1767225600);
const std::string kRussian = "Привет, мир — тестовое сообщение";
const std::string kNorwegian = "Blåbærsyltetøy på ÆØÅ";

ComposeSettings Settings() {
  ComposeSettings settings;
  settings.hostname = "mx.shop.example";
  settings.loop_marker_value = "sequence";
  return settings;
}

StepMessageInput BasicInput() {
  StepMessageInput input;
  input.person = "ola@example.net";
  input.display_name = "Ola Nordmann";
  input.sequence = "canon-eos-5d";
  input.version = "v1abc";
  input.step = 0;
  input.list_id = "canon-eos-5d.shop.example";
  input.from = "Nettbutikken <shop@shop.example>";
  input.step_template.headers["Subject"] = "Om {{model}}, {{first_name}}";
  input.step_template.text_body = "Hei {{first_name}}!\nKode: {{coupon}}\n";
  input.variables = {{"model", "EOS 5D"},
                     {"first_name", "Ola"},
                     {"name", "Ola Nordmann"},
                     {"coupon", "CAM-AB12-CD34"}};
  input.unsubscribe_mailto = "unsubscribe+ABCDEFGHIJKLMNOP@shop.example";
  input.now = kNow;
  input.enrolled_at = kEnrolled;
  return input;
}

ComposedReply MustCompose(const StepMessageInput& input) {
  Result<ComposedReply> out = ComposeStepMessage(input, Settings());
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return out.ok() ? *out : ComposedReply{};
}

void ExpectWireClean(const std::string& message) {
  for (size_t i = 0; i < message.size(); ++i) {
    const auto u = static_cast<unsigned char>(message[i]);
    ASSERT_LT(u, 0x80) << "8-bit octet at " << i;
    if (u == '\n') {
      ASSERT_TRUE(i > 0 && message[i - 1] == '\r') << "bare LF at " << i;
    }
    if (u == '\r') {
      ASSERT_TRUE(i + 1 < message.size() && message[i + 1] == '\n') << "bare CR at " << i;
    }
  }
}

TEST(ComposeStepMessage, WritesTheBulkMailHeadersInOrder) {
  const ComposedReply out = MustCompose(BasicInput());
  ExpectWireClean(out.message);
  const ParsedMessage parsed = ParseMessage(out.message);
  const std::vector<std::string> expected = {"From",
                                             "To",
                                             "Subject",
                                             "Date",
                                             "Message-ID",
                                             "Auto-Submitted",
                                             "X-Auto-Response-Suppress",
                                             "List-Id",
                                             "List-Unsubscribe",
                                             "X-Autoresponder-Milter",
                                             "MIME-Version",
                                             "Content-Type",
                                             "Content-Transfer-Encoding"};
  EXPECT_EQ(parsed.Names(), expected);
  EXPECT_EQ(parsed.Value("From"), "Nettbutikken <shop@shop.example>");
  EXPECT_EQ(parsed.Value("To"), "Ola Nordmann <ola@example.net>");
  EXPECT_EQ(parsed.Value("Subject"), "Om EOS 5D, Ola");
  EXPECT_EQ(parsed.Value("Date"), FormatRfc5322Date(kNow));
  EXPECT_EQ(parsed.Value("Message-ID"), out.message_id);
  EXPECT_EQ(parsed.Value("Auto-Submitted"), "auto-generated");
  EXPECT_EQ(parsed.Value("List-Id"), "<canon-eos-5d.shop.example>");
  EXPECT_EQ(parsed.Value("List-Unsubscribe"),
            "<mailto:unsubscribe+ABCDEFGHIJKLMNOP@shop.example?subject=unsubscribe>");
  EXPECT_EQ(parsed.Value("X-Autoresponder-Milter"), "sequence");
  EXPECT_EQ(DecodeBody(parsed.body, parsed.Value("Content-Transfer-Encoding")),
            "Hei Ola!\r\nKode: CAM-AB12-CD34\r\n");
}

TEST(ComposeStepMessage, WithoutAnHttpsUrlTheMailtoAloneAndNoOneClickPost) {
  // RFC 8058 section 3.1: List-Unsubscribe-Post promises a URL that takes a
  // POST; with only a mailto it would send receivers to nothing.
  const ParsedMessage parsed = ParseMessage(MustCompose(BasicInput()).message);
  int unsubscribes = -1;
  EXPECT_EQ(parsed.Value("List-Unsubscribe", &unsubscribes),
            "<mailto:unsubscribe+ABCDEFGHIJKLMNOP@shop.example?subject=unsubscribe>");
  EXPECT_EQ(unsubscribes, 1);
  int posts = -1;
  parsed.Value("List-Unsubscribe-Post", &posts);
  EXPECT_EQ(posts, 0);
}

TEST(ComposeStepMessage, AnHttpsUrlAddsOneClickUnsubscribe) {
  StepMessageInput input = BasicInput();
  input.unsubscribe_url = "https://shop.example/u/ABCDEFGHIJKLMNOP";
  const ParsedMessage parsed = ParseMessage(MustCompose(input).message);
  EXPECT_EQ(parsed.Value("List-Unsubscribe"),
            "<mailto:unsubscribe+ABCDEFGHIJKLMNOP@shop.example?subject=unsubscribe>, "
            "<https://shop.example/u/ABCDEFGHIJKLMNOP>");
  int posts = -1;
  EXPECT_EQ(parsed.Value("List-Unsubscribe-Post", &posts), "List-Unsubscribe=One-Click");
  EXPECT_EQ(posts, 1);
}

TEST(ComposeStepMessage, TheUnsubscribeMailtoPercentEncodesWhatAUriMayNotHold) {
  // RFC 6068 section 2: '?' would start the query, '%' an escape, '#' a
  // fragment; the subject must stay the only query.
  StepMessageInput input = BasicInput();
  input.unsubscribe_mailto = "off?list%1#x&y=z@shop.example";
  const ParsedMessage parsed = ParseMessage(MustCompose(input).message);
  EXPECT_EQ(parsed.Value("List-Unsubscribe"),
            "<mailto:off%3Flist%251%23x%26y%3Dz@shop.example?subject=unsubscribe>");
}

TEST(ComposeStepMessage, RefusesAnUnsubscribeUrlThatIsNotHttps) {
  for (const std::string url : {"http://shop.example/u/X", "https://shop.example/u/<X>",
                                "https://shop.example/u/a b", "mailto:x@y"}) {
    StepMessageInput input = BasicInput();
    input.unsubscribe_url = url;
    EXPECT_FALSE(ComposeStepMessage(input, Settings()).ok()) << url;
  }
}

TEST(ComposeStepMessage, TemplateFromAndReplyToWin) {
  StepMessageInput input = BasicInput();
  input.step_template.headers["from"] = "Kari i {{shop}} <kari@shop.example>";
  input.step_template.headers["Reply-To"] = "Kundeservice <help@shop.example>";
  input.variables["shop"] = "Nettbutikken";
  const ParsedMessage parsed = ParseMessage(MustCompose(input).message);
  EXPECT_EQ(parsed.Value("From"), "Kari i Nettbutikken <kari@shop.example>");
  EXPECT_EQ(parsed.Value("Reply-To"), "Kundeservice <help@shop.example>");
}

TEST(ComposeStepMessage, MessageIdIsDeterministicPerStepAndEnrolment) {
  const StepMessageInput input = BasicInput();
  const std::string id = MustCompose(input).message_id;
  EXPECT_TRUE(StartsWithIgnoreCase(id, "<ar.")) << id;
  EXPECT_TRUE(EndsWithIgnoreCase(id, "@mx.shop.example>")) << id;
  StepMessageInput later = input;
  later.now = kNow + Seconds(3600);  // a resend after a crash
  EXPECT_EQ(MustCompose(later).message_id, id);
  StepMessageInput next_step = input;
  next_step.step = 1;
  EXPECT_NE(MustCompose(next_step).message_id, id);
  StepMessageInput restarted = input;
  restarted.enrolled_at = kEnrolled + Seconds(86400);
  EXPECT_NE(MustCompose(restarted).message_id, id);
  StepMessageInput other_person = input;
  other_person.person = "kari@example.net";
  EXPECT_NE(MustCompose(other_person).message_id, id);
}

TEST(ComposeStepMessage, EscapesVariablesInTheHtmlPartOnly) {
  StepMessageInput input = BasicInput();
  input.variables["first_name"] = "<Ola & Co>";
  input.step_template.html_body = "<p>Hei {{first_name}}!</p>";
  const ComposedReply out = MustCompose(input);
  ExpectWireClean(out.message);
  std::istringstream in(out.message);
  mimetic::MimeEntity entity(in);
  ASSERT_EQ(entity.header().contentType().subtype(), "alternative");
  const mimetic::MimeEntityList& parts = entity.body().parts();
  ASSERT_EQ(parts.size(), 2u);
  auto it = parts.begin();
  const mimetic::MimeEntity& text = **it++;
  const mimetic::MimeEntity& html = **it;
  EXPECT_EQ(DecodeBody(std::string(text.body().begin(), text.body().end()),
                       text.header().contentTransferEncoding().mechanism()),
            "Hei <Ola & Co>!\r\nKode: CAM-AB12-CD34\r\n");
  EXPECT_EQ(DecodeBody(std::string(html.body().begin(), html.body().end()),
                       html.header().contentTransferEncoding().mechanism()),
            "<p>Hei &lt;Ola &amp; Co&gt;!</p>\r\n");
  // Headers are text, not HTML.
  EXPECT_EQ(DecodeHeaderText(ParseMessage(out.message).Value("Subject")), "Om EOS 5D, <Ola & Co>");
}

TEST(ComposeStepMessage, NorwegianAndRussianRoundTrip) {
  StepMessageInput input = BasicInput();
  input.display_name = "Åse Ødegård";
  input.from = "Нетбутик <shop@shop.example>";
  input.variables["model"] = kRussian;
  input.variables["first_name"] = kNorwegian;
  input.step_template.html_body = "<p>{{first_name}} {{model}}</p>";
  const ComposedReply out = MustCompose(input);
  ExpectWireClean(out.message);
  const ParsedMessage parsed = ParseMessage(out.message);
  EXPECT_EQ(DecodeHeaderText(parsed.Value("Subject")), "Om " + kRussian + ", " + kNorwegian);
  EXPECT_EQ(DecodeHeaderText(parsed.Value("To")), "Åse Ødegård <ola@example.net>");
  EXPECT_EQ(DecodeHeaderText(parsed.Value("From")), "Нетбутик <shop@shop.example>");
  std::istringstream in(out.message);
  mimetic::MimeEntity entity(in);
  const mimetic::MimeEntityList& parts = entity.body().parts();
  ASSERT_EQ(parts.size(), 2u);
  auto it = parts.begin();
  const mimetic::MimeEntity& text = **it++;
  const mimetic::MimeEntity& html = **it;
  EXPECT_EQ(DecodeBody(std::string(text.body().begin(), text.body().end()),
                       text.header().contentTransferEncoding().mechanism()),
            "Hei " + kNorwegian + "!\r\nKode: CAM-AB12-CD34\r\n");
  EXPECT_EQ(DecodeBody(std::string(html.body().begin(), html.body().end()),
                       html.header().contentTransferEncoding().mechanism()),
            "<p>" + kNorwegian + " " + kRussian + "</p>\r\n");
}

TEST(ComposeStepMessage, VariablesCannotAddHeaders) {
  StepMessageInput input = BasicInput();
  input.variables["model"] = "EOS\r\nBcc: victim@example.com\r\n\r\nbody";
  input.variables["first_name"] = "Ola\nX-Injected: yes";
  input.variables["shop"] = "Shop\r\nBcc: victim@example.com";
  input.step_template.headers["From"] = "{{shop}} <shop@shop.example>";
  input.step_template.headers["Reply-To"] = "{{first_name}} <help@shop.example>";
  const ComposedReply out = MustCompose(input);
  ExpectWireClean(out.message);
  const ParsedMessage parsed = ParseMessage(out.message);
  for (const std::string& name : parsed.Names()) {
    EXPECT_FALSE(EqualsIgnoreCase(name, "Bcc")) << out.message;
    EXPECT_FALSE(EqualsIgnoreCase(name, "X-Injected")) << out.message;
  }
  EXPECT_EQ(parsed.Value("Subject"),
            "Om EOS  Bcc: victim@example.com    body, Ola X-Injected: yes");
}

TEST(ComposeStepMessage, OtherTemplateFieldsGoOutButNotReservedOnes) {
  StepMessageInput input = BasicInput();
  input.step_template.headers["X-Campaign"] = "{{model}}";
  input.step_template.headers["Bcc"] = "victim@example.com";
  input.step_template.headers["List-Id"] = "<other.example>";
  input.step_template.headers["Content-Type"] = "text/html";
  const ParsedMessage parsed = ParseMessage(MustCompose(input).message);
  EXPECT_EQ(parsed.Value("X-Campaign"), "EOS 5D");
  int count = -1;
  parsed.Value("Bcc", &count);
  EXPECT_EQ(count, 0);
  parsed.Value("List-Id", &count);
  EXPECT_EQ(count, 1);
  EXPECT_EQ(parsed.Value("List-Id"), "<canon-eos-5d.shop.example>");
  parsed.Value("Content-Type", &count);
  EXPECT_EQ(count, 1);
  EXPECT_NE(parsed.Value("Content-Type"), "text/html");
}

TEST(ComposeStepMessage, AVariableCannotTurnFromIntoTwoAddresses) {
  StepMessageInput input = BasicInput();
  input.step_template.headers["From"] = "{{shop}}";
  input.variables["shop"] = "shop@shop.example, victim@example.com";
  EXPECT_FALSE(ComposeStepMessage(input, Settings()).ok());
}

TEST(ComposeStepMessage, RefusesMissingSubjectAndUnusableInputs) {
  StepMessageInput no_subject = BasicInput();
  no_subject.step_template.headers.clear();
  EXPECT_FALSE(ComposeStepMessage(no_subject, Settings()).ok());

  StepMessageInput bad_person = BasicInput();
  bad_person.person = "ola@example.net>\r\nBcc: x@y";
  EXPECT_FALSE(ComposeStepMessage(bad_person, Settings()).ok());

  StepMessageInput bad_list = BasicInput();
  bad_list.list_id = "canon eos>";
  EXPECT_FALSE(ComposeStepMessage(bad_list, Settings()).ok());

  StepMessageInput bad_mailto = BasicInput();
  bad_mailto.unsubscribe_mailto = "";
  EXPECT_FALSE(ComposeStepMessage(bad_mailto, Settings()).ok());

  StepMessageInput bad_template = BasicInput();
  bad_template.step_template.text_body = "{{#coupon}}never closed";
  EXPECT_FALSE(ComposeStepMessage(bad_template, Settings()).ok());

  ComposeSettings bad_host = Settings();
  bad_host.hostname = "mx example";
  EXPECT_FALSE(ComposeStepMessage(BasicInput(), bad_host).ok());
}

}  // namespace
}  // namespace ar
