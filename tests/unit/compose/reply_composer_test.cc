#include "compose/reply_composer.h"

#include <gtest/gtest.h>
#include <mimetic/mimetic.h>

#include <sstream>
#include <string>
#include <vector>

#include "compose/encoded_word.h"
#include "message/rfc2047.h"
#include "parsed_message.h"

namespace ar {
namespace {

using ::ar::testing::DecodeBase64;
using ::ar::testing::DecodeBody;
using ::ar::testing::EncodedWords;
using ::ar::testing::ParsedMessage;
using ::ar::testing::ParseMessage;

const TimePoint kNow = FromUnixSeconds(1767225600);  // Thu, 01 Jan 2026 00:00:00 +0000
const std::string kRussian = "Привет, мир — тестовое сообщение";
const std::string kNorwegian = "Blåbærsyltetøy på ÆØÅ";

ReplyPlan BasicPlan() {
  ReplyPlan plan;
  plan.user = "alice@example.org";
  plan.generation = 3;
  plan.dedupe_sender = "bob@example.net";
  plan.period = Seconds(7 * 86400);
  plan.envelope_recipient = "bob@example.net";
  plan.from_address = "alice@example.org";
  plan.from_display_name = "Alice Smith";
  plan.to_display_name = "Bob Jones";
  plan.subject = "Auto: Lunch on Friday?";
  plan.text_body = "I am away until Monday.\r\n";
  plan.original_message_id = "<orig-1@mail.example.net>";
  plan.original_references = "<root@mail.example.net>";
  return plan;
}

ComposeSettings Settings() {
  ComposeSettings settings;
  settings.hostname = "mx.example.org";
  return settings;
}

ComposedReply MustCompose(const ReplyPlan& plan, TimePoint now = kNow) {
  Result<ComposedReply> reply = ComposeReply(plan, Settings(), now);
  EXPECT_TRUE(reply.ok()) << reply.status().ToString();
  return reply.ok() ? reply.value() : ComposedReply{};
}

// RFC 5322: 7-bit, CRLF only, no line over 998 octets.
void ExpectWireClean(const std::string& message) {
  size_t line = 0;
  for (size_t i = 0; i < message.size(); ++i) {
    const auto u = static_cast<unsigned char>(message[i]);
    ASSERT_LT(u, 0x80) << "8-bit octet at " << i;
    ASSERT_NE(u, 0) << "NUL at " << i;
    if (u == '\r') {
      ASSERT_LT(i + 1, message.size());
      ASSERT_EQ(message[i + 1], '\n') << "bare CR at " << i;
      ++i;
      line = 0;
      continue;
    }
    ASSERT_NE(u, '\n') << "bare LF at " << i;
    ASSERT_LE(++line, 998u);
  }
  ASSERT_GE(message.size(), 2u);
  EXPECT_EQ(message.substr(message.size() - 2), "\r\n");
}

const std::vector<std::string> kExpectedNames = {"From",
                                                 "To",
                                                 "Subject",
                                                 "Date",
                                                 "Message-ID",
                                                 "In-Reply-To",
                                                 "References",
                                                 "Auto-Submitted",
                                                 "X-Auto-Response-Suppress",
                                                 "X-Autoresponder-Milter",
                                                 "MIME-Version",
                                                 "Content-Type",
                                                 "Content-Transfer-Encoding"};

TEST(ComposeReply, WritesEveryRequiredHeaderInOrder) {
  const ComposedReply reply = MustCompose(BasicPlan());
  ExpectWireClean(reply.message);
  const ParsedMessage parsed = ParseMessage(reply.message);
  ASSERT_TRUE(parsed.has_blank_line);
  EXPECT_EQ(parsed.Names(), kExpectedNames);
  EXPECT_EQ(parsed.Value("From"), "Alice Smith <alice@example.org>");
  EXPECT_EQ(parsed.Value("To"), "Bob Jones <bob@example.net>");
  EXPECT_EQ(parsed.Value("Subject"), "Auto: Lunch on Friday?");
  EXPECT_EQ(parsed.Value("Date"), "Thu, 01 Jan 2026 00:00:00 +0000");
  EXPECT_EQ(parsed.Value("Message-ID"), reply.message_id);
  EXPECT_EQ(parsed.Value("In-Reply-To"), "<orig-1@mail.example.net>");
  EXPECT_EQ(parsed.Value("References"), "<root@mail.example.net> <orig-1@mail.example.net>");
  EXPECT_EQ(parsed.Value("Auto-Submitted"), "auto-replied");
  EXPECT_EQ(parsed.Value("X-Auto-Response-Suppress"), "All");
  EXPECT_EQ(parsed.Value("X-Autoresponder-Milter"), "reply");
  EXPECT_EQ(parsed.Value("MIME-Version"), "1.0");
  EXPECT_TRUE(StartsWithIgnoreCase(parsed.Value("Content-Type"), "text/plain"));
  EXPECT_TRUE(ContainsIgnoreCase(parsed.Value("Content-Type"), "charset=\"utf-8\"") ||
              ContainsIgnoreCase(parsed.Value("Content-Type"), "charset=utf-8"));
  // ASCII text in short lines goes out as written.
  EXPECT_EQ(parsed.Value("Content-Transfer-Encoding"), "7bit");
  EXPECT_EQ(parsed.body, "I am away until Monday.\r\n");
}

// Issue 12 item 5: a reader of the raw message (mail source view, queue
// file, `sequence render --raw`) can still read a non-ASCII text.
TEST(ComposeReply, NonAsciiTextIsQuotedPrintableNotBase64) {
  ReplyPlan plan = BasicPlan();
  plan.text_body = "Jeg er borte til mandag. " + kNorwegian + "\r\n";
  const ComposedReply reply = MustCompose(plan);
  ExpectWireClean(reply.message);
  const ParsedMessage parsed = ParseMessage(reply.message);
  EXPECT_EQ(parsed.Value("Content-Transfer-Encoding"), "quoted-printable");
  EXPECT_NE(parsed.body.find("Jeg er borte til mandag. Bl=C3=A5b=C3=A6rsyltet=C3=B8y"),
            std::string::npos)
      << parsed.body;
  EXPECT_EQ(DecodeBody(parsed.body, "quoted-printable"), plan.text_body);
}

TEST(ComposeReply, UsesTheConfiguredLoopMarker) {
  ComposeSettings settings = Settings();
  settings.loop_marker_header = "X-Loop-Guard";
  settings.loop_marker_value = "ooo example";
  Result<ComposedReply> reply = ComposeReply(BasicPlan(), settings, kNow);
  ASSERT_TRUE(reply.ok());
  const ParsedMessage parsed = ParseMessage(reply->message);
  EXPECT_EQ(parsed.Value("X-Loop-Guard"), "ooo example");
  int count = 0;
  parsed.Value("X-Autoresponder-Milter", &count);
  EXPECT_EQ(count, 0);
}

TEST(ComposeReply, OmitsThreadingHeadersWithoutOriginalIds) {
  ReplyPlan plan = BasicPlan();
  plan.original_message_id = "";
  plan.original_references = "";
  const ParsedMessage parsed = ParseMessage(MustCompose(plan).message);
  int in_reply_to = -1, references = -1;
  parsed.Value("In-Reply-To", &in_reply_to);
  parsed.Value("References", &references);
  EXPECT_EQ(in_reply_to, 0);
  EXPECT_EQ(references, 0);
}

TEST(ComposeReply, ReferencesIsTheOriginalIdAloneWithoutOriginalReferences) {
  ReplyPlan plan = BasicPlan();
  plan.original_references = "";
  const ParsedMessage parsed = ParseMessage(MustCompose(plan).message);
  EXPECT_EQ(parsed.Value("References"), "<orig-1@mail.example.net>");
}

TEST(ComposeReply, WritesBareAddressesWithoutDisplayNames) {
  ReplyPlan plan = BasicPlan();
  plan.from_display_name = "";
  plan.to_display_name = "";
  const ParsedMessage parsed = ParseMessage(MustCompose(plan).message);
  EXPECT_EQ(parsed.Value("From"), "alice@example.org");
  EXPECT_EQ(parsed.Value("To"), "bob@example.net");
}

TEST(ComposeReply, QuotesDisplayNamesWithSpecials) {
  ReplyPlan plan = BasicPlan();
  plan.from_display_name = "Smith, Alice (Sales)";
  plan.to_display_name = "Jones, \"Bob\"";
  const ParsedMessage parsed = ParseMessage(MustCompose(plan).message);
  EXPECT_EQ(parsed.Value("From"), "\"Smith, Alice (Sales)\" <alice@example.org>");
  EXPECT_EQ(parsed.Value("To"), "\"Jones, \\\"Bob\\\"\" <bob@example.net>");
}

TEST(ComposeReply, EncodesNonAsciiDisplayNames) {
  ReplyPlan plan = BasicPlan();
  plan.from_display_name = "Åse Ødegård";
  plan.to_display_name = "Пётр Иванов";
  const ComposedReply reply = MustCompose(plan);
  ExpectWireClean(reply.message);
  const ParsedMessage parsed = ParseMessage(reply.message);
  EXPECT_EQ(DecodeHeaderText(parsed.Value("From")), "Åse Ødegård <alice@example.org>");
  EXPECT_EQ(DecodeHeaderText(parsed.Value("To")), "Пётр Иванов <bob@example.net>");
}

void ExpectSubjectRoundTrips(const std::string& subject) {
  ReplyPlan plan = BasicPlan();
  plan.subject = subject;
  const ComposedReply reply = MustCompose(plan);
  ExpectWireClean(reply.message);
  const ParsedMessage parsed = ParseMessage(reply.message);
  const std::string raw = parsed.Value("Subject");
  EXPECT_FALSE(EncodedWords(raw).empty()) << raw;
  for (const std::string& word : EncodedWords(raw)) EXPECT_LE(word.size(), 75u) << word;
  for (const std::string& line : parsed.header_lines) EXPECT_LE(line.size(), 78u) << line;
  EXPECT_EQ(DecodeHeaderText(raw), subject);
}

TEST(ComposeReply, RussianSubjectRoundTripsExactly) { ExpectSubjectRoundTrips(kRussian); }

TEST(ComposeReply, NorwegianSubjectRoundTripsExactly) { ExpectSubjectRoundTrips(kNorwegian); }

TEST(ComposeReply, PrefixedNonAsciiSubjectRoundTripsExactly) {
  ExpectSubjectRoundTrips("Auto: Re: " + kNorwegian + " / " + kRussian);
}

TEST(ComposeReply, TruncatesAVeryLongCyrillicSubjectOnACharacterBoundary) {
  std::string subject;
  while (subject.size() < 10000) subject += "Щ";  // 5,000 characters, 2 bytes each
  ReplyPlan plan = BasicPlan();
  plan.subject = subject;
  const ComposedReply reply = MustCompose(plan);
  ExpectWireClean(reply.message);
  const ParsedMessage parsed = ParseMessage(reply.message);
  for (const std::string& word : EncodedWords(parsed.Value("Subject"))) {
    EXPECT_LE(word.size(), 75u);
    const std::string payload = DecodeBase64(word.substr(10, word.size() - 12));
    EXPECT_EQ(RepairUtf8(payload), payload) << "word splits a character: " << word;
  }
  const std::string decoded = DecodeHeaderText(parsed.Value("Subject"));
  EXPECT_EQ(RepairUtf8(decoded), decoded);
  EXPECT_LT(decoded.size(), subject.size());
  EXPECT_EQ(decoded.size() % 2, 0u);
  EXPECT_EQ(decoded, subject.substr(0, decoded.size()));
  EXPECT_EQ(decoded, TruncateUtf8Characters(subject, 200));
}

TEST(ComposeReply, WritesAnEmptySubjectWithoutTrailingSpace) {
  ReplyPlan plan = BasicPlan();
  plan.subject = "";
  const ComposedReply reply = MustCompose(plan);
  EXPECT_NE(reply.message.find("\r\nSubject:\r\nDate: "), std::string::npos);
}

TEST(ComposeReply, TextBodyDecodesToTheExactUtf8) {
  ReplyPlan plan = BasicPlan();
  plan.text_body = kRussian + "\r\n\r\n" + kNorwegian + "\r\n-- \r\nAlice\r\n";
  const ComposedReply reply = MustCompose(plan);
  ExpectWireClean(reply.message);
  const ParsedMessage parsed = ParseMessage(reply.message);
  EXPECT_EQ(DecodeBody(parsed.body, parsed.Value("Content-Transfer-Encoding")), plan.text_body);
}

TEST(ComposeReply, TextBodyLineEndsBecomeCrLf) {
  ReplyPlan plan = BasicPlan();
  plan.text_body = "one\ntwo\rthree\r\nfour";
  const ParsedMessage parsed = ParseMessage(MustCompose(plan).message);
  EXPECT_EQ(DecodeBody(parsed.body, parsed.Value("Content-Transfer-Encoding")), "one\r\ntwo\r\nthree\r\nfour\r\n");
}

TEST(ComposeReply, HtmlBodyMakesMultipartAlternativeTextFirst) {
  ReplyPlan plan = BasicPlan();
  plan.text_body = kNorwegian + "\r\n";
  plan.html_body = "<p>" + kRussian + "</p>\r\n";
  const ComposedReply reply = MustCompose(plan);
  ExpectWireClean(reply.message);

  const ParsedMessage parsed = ParseMessage(reply.message);
  EXPECT_TRUE(StartsWithIgnoreCase(parsed.Value("Content-Type"), "multipart/alternative;"));
  int cte = -1;
  parsed.Value("Content-Transfer-Encoding", &cte);
  EXPECT_EQ(cte, 0);

  std::istringstream in(reply.message);
  mimetic::MimeEntity entity(in);
  EXPECT_EQ(entity.header().contentType().type(), "multipart");
  EXPECT_EQ(entity.header().contentType().subtype(), "alternative");
  const mimetic::MimeEntityList& parts = entity.body().parts();
  ASSERT_EQ(parts.size(), 2u);
  auto it = parts.begin();
  const mimetic::MimeEntity& text = **it++;
  const mimetic::MimeEntity& html = **it;
  EXPECT_EQ(text.header().contentType().subtype(), "plain");
  EXPECT_EQ(html.header().contentType().subtype(), "html");
  EXPECT_EQ(text.header().contentType().param("charset"), "utf-8");
  EXPECT_EQ(html.header().contentType().param("charset"), "utf-8");
  EXPECT_EQ(text.header().contentTransferEncoding().mechanism(), "quoted-printable");
  EXPECT_EQ(DecodeBody(std::string(text.body().begin(), text.body().end()),
                       text.header().contentTransferEncoding().mechanism()), plan.text_body);
  EXPECT_EQ(DecodeBody(std::string(html.body().begin(), html.body().end()),
                       html.header().contentTransferEncoding().mechanism()), plan.html_body);
}

TEST(ComposeReply, MessageIdIsDeterministic) {
  const ComposedReply first = MustCompose(BasicPlan());
  const ComposedReply second = MustCompose(BasicPlan());
  EXPECT_EQ(first.message_id, second.message_id);
  EXPECT_EQ(first.message, second.message);
  EXPECT_EQ(first.message_id.rfind("<ar.", 0), 0u);
  EXPECT_NE(first.message_id.find("@mx.example.org>"), std::string::npos);

  const ComposedReply later = MustCompose(BasicPlan(), kNow + Seconds(1));
  EXPECT_NE(first.message_id, later.message_id);
  ReplyPlan other_generation = BasicPlan();
  other_generation.generation = 4;
  EXPECT_NE(first.message_id, MustCompose(other_generation).message_id);
}

// Every place where text from the original message or the rule reaches the
// reply, with a line break trying to start a header of its own.
TEST(ComposeReply, LineBreaksInPlanTextNeverAddAHeader) {
  const std::vector<std::string> injections = {
      "x\r\nBcc: evil@example.com",      "x\nBcc: evil@example.com",
      "x\rBcc: evil@example.com",        "x\r\n\r\nBcc: evil@example.com",
      "Привет\r\nBcc: evil@example.com", std::string("x\0\r\nBcc: evil@example.com", 26)};
  for (const std::string& evil : injections) {
    for (int field = 0; field < 7; ++field) {
      ReplyPlan plan = BasicPlan();
      plan.html_body = "<p>hi</p>";
      switch (field) {
        case 0:
          plan.subject = evil;
          break;
        case 1:
          plan.from_display_name = evil;
          break;
        case 2:
          plan.to_display_name = evil;
          break;
        case 3:
          plan.original_message_id = "<a@x>" + evil;
          break;
        case 4:
          plan.original_references = "<a@x>" + evil + " <b@x>";
          break;
        case 5:
          plan.text_body = evil;
          break;
        case 6:
          plan.html_body = evil;
          break;
      }
      const ComposedReply reply = MustCompose(plan);
      ExpectWireClean(reply.message);
      const ParsedMessage parsed = ParseMessage(reply.message);
      std::vector<std::string> expected = kExpectedNames;
      expected.pop_back();  // multipart: no top-level Content-Transfer-Encoding
      EXPECT_EQ(parsed.Names(), expected) << "field " << field;
      // The bodies are readable text now (7bit or quoted-printable), so a
      // "Bcc:" line may stand in them as text; never in the header.
      const std::string head = reply.message.substr(0, reply.message.find("\r\n\r\n") + 2);
      EXPECT_EQ(head.find("\r\nBcc:"), std::string::npos) << "field " << field;
    }
  }
}

TEST(ComposeReply, LineBreaksInTheLoopMarkerValueNeverAddAHeader) {
  ComposeSettings settings = Settings();
  settings.loop_marker_value = "reply\r\nBcc: evil@example.com";
  Result<ComposedReply> reply = ComposeReply(BasicPlan(), settings, kNow);
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(ParseMessage(reply->message).Names(), kExpectedNames);
}

TEST(ComposeReply, RefusesUnsafeAddresses) {
  for (const std::string& bad :
       {std::string(""), std::string("bob"), std::string("bob@example.net>\r\nBcc: x@y"),
        std::string("bob@example.net, eve@example.com"), std::string("<bob@example.net>"),
        std::string("bø@example.no")}) {
    ReplyPlan to = BasicPlan();
    to.envelope_recipient = bad;
    Result<ComposedReply> r1 = ComposeReply(to, Settings(), kNow);
    ASSERT_FALSE(r1.ok()) << bad;
    EXPECT_EQ(r1.status().code(), Status::Code::kInvalidArgument);

    ReplyPlan from = BasicPlan();
    from.from_address = bad;
    Result<ComposedReply> r2 = ComposeReply(from, Settings(), kNow);
    ASSERT_FALSE(r2.ok()) << bad;
    EXPECT_EQ(r2.status().code(), Status::Code::kInvalidArgument);
  }
}

TEST(ComposeReply, RefusesUnusableSettings) {
  ComposeSettings no_host = Settings();
  no_host.hostname = "";
  EXPECT_FALSE(ComposeReply(BasicPlan(), no_host, kNow).ok());
  ComposeSettings bad_host = Settings();
  bad_host.hostname = "mx>\r\nBcc: x";
  EXPECT_FALSE(ComposeReply(BasicPlan(), bad_host, kNow).ok());
  ComposeSettings bad_marker = Settings();
  bad_marker.loop_marker_header = "X-Loop: evil";
  EXPECT_FALSE(ComposeReply(BasicPlan(), bad_marker, kNow).ok());
}

TEST(ComposeReply, StaysWireCleanWithHostileSizes) {
  ReplyPlan plan = BasicPlan();
  plan.subject = std::string(5000, 'A');
  plan.from_display_name = std::string(3000, 'n') + "ø";
  plan.to_display_name = std::string(3000, ',');
  for (int i = 0; i < 500; ++i) plan.original_references += "<ref" + std::to_string(i) + "@x> ";
  plan.original_message_id = "<" + std::string(5000, 'm') + "@x>";
  plan.text_body = std::string(20000, 'z');
  plan.html_body = std::string(20000, '<');
  const ComposedReply reply = MustCompose(plan);
  ExpectWireClean(reply.message);
  const ParsedMessage parsed = ParseMessage(reply.message);
  int in_reply_to = -1;
  parsed.Value("In-Reply-To", &in_reply_to);
  EXPECT_EQ(in_reply_to, 0);  // an oversized id is dropped, not cut
  EXPECT_LT(parsed.Value("References").size(), 1000u);
}

}  // namespace
}  // namespace ar
