#include "compose/encoded_word.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/strings.h"
#include "message/rfc2047.h"
#include "parsed_message.h"

namespace ar {
namespace {

using ::ar::testing::DecodeBase64;
using ::ar::testing::EncodedWords;

const std::string kRussian = "Привет, мир — тестовое сообщение";
const std::string kNorwegian = "Blåbærsyltetøy på ÆØÅ";

std::vector<std::string> Lines(const std::string& folded) {
  std::vector<std::string> lines;
  size_t pos = 0;
  for (;;) {
    const size_t eol = folded.find("\r\n", pos);
    lines.push_back(folded.substr(pos, eol == std::string::npos ? std::string::npos : eol - pos));
    if (eol == std::string::npos) return lines;
    pos = eol + 2;
  }
}

std::string Unfold(std::string s) {
  for (size_t i; (i = s.find("\r\n")) != std::string::npos;) s.erase(i, 2);
  return s;
}

// Checks the RFC 2047 limits on a field body written after "Name: ".
void ExpectWellFormedEncoding(const std::string& body, size_t name_length) {
  const std::vector<std::string> lines = Lines(body);
  for (size_t i = 0; i < lines.size(); ++i) {
    const size_t used = i == 0 ? name_length + 2 : 0;
    // A header name too long to leave room starts the body on a new line.
    if (i == 0 && lines[i].empty()) continue;
    EXPECT_LE(used + lines[i].size(), 76u) << "line " << i << ": " << lines[i];
    if (i > 0) {
      ASSERT_FALSE(lines[i].empty());
      EXPECT_EQ(lines[i][0], ' ') << "continuation line must start with SP";
    }
  }
  for (const std::string& word : EncodedWords(body)) {
    EXPECT_LE(word.size(), 75u) << word;
    ASSERT_EQ(word.rfind("=?UTF-8?B?", 0), 0u) << word;
    // Each word must decode to whole characters on its own (section 5).
    const std::string payload = DecodeBase64(word.substr(10, word.size() - 12));
    EXPECT_EQ(RepairUtf8(payload), payload) << "word splits a character: " << word;
  }
}

TEST(EncodeHeaderText, LeavesShortPrintableAsciiUnchanged) {
  EXPECT_EQ(EncodeHeaderText("Out of office: re your mail", 7), "Out of office: re your mail");
  EXPECT_EQ(EncodeHeaderText("", 7), "");
}

TEST(EncodeHeaderText, FoldsLongAsciiAtWhitespaceWithoutChangingTheText) {
  std::string text;
  for (int i = 0; i < 30; ++i) text += "word" + std::to_string(i) + " ";
  text += "end";
  const std::string body = EncodeHeaderText(text, 7);
  EXPECT_NE(body.find("\r\n "), std::string::npos);
  EXPECT_EQ(body.find("=?"), std::string::npos);
  EXPECT_EQ(Unfold(body), text);
  const std::vector<std::string> lines = Lines(body);
  for (size_t i = 0; i < lines.size(); ++i) EXPECT_LE(lines[i].size() + (i == 0 ? 9 : 0), 78u);
}

TEST(EncodeHeaderText, EncodesAsciiWithoutSpacesThatWouldPassTheLineLimit) {
  const std::string text(2000, 'x');
  const std::string body = EncodeHeaderText(text, 7);
  ExpectWellFormedEncoding(body, 7);
  EXPECT_EQ(DecodeHeaderText(Unfold(body)), text);
}

TEST(EncodeHeaderText, EncodesAsciiThatLooksLikeAnEncodedWord) {
  const std::string text = "=?UTF-8?B?SGk=?=";
  const std::string body = EncodeHeaderText(text, 7);
  EXPECT_NE(body, text);
  EXPECT_EQ(DecodeHeaderText(Unfold(body)), text);
}

TEST(EncodeHeaderText, RussianRoundTripsThroughTheDecoder) {
  const std::string body = EncodeHeaderText(kRussian, 7);
  ExpectWellFormedEncoding(body, 7);
  EXPECT_EQ(DecodeHeaderText(Unfold(body)), kRussian);
}

TEST(EncodeHeaderText, NorwegianRoundTripsThroughTheDecoder) {
  const std::string body = EncodeHeaderText(kNorwegian, 7);
  ExpectWellFormedEncoding(body, 7);
  EXPECT_EQ(DecodeHeaderText(Unfold(body)), kNorwegian);
}

TEST(EncodeHeaderText, NeverSplitsFourByteCharactersAcrossWords) {
  std::string text;
  for (int i = 0; i < 40; ++i) text += "a\xF0\x9F\x98\x80";  // U+1F600 after an odd offset
  const std::string body = EncodeHeaderText(text, 7);
  EXPECT_GT(EncodedWords(body).size(), 2u);
  ExpectWellFormedEncoding(body, 7);
  EXPECT_EQ(DecodeHeaderText(Unfold(body)), text);
}

TEST(EncodeHeaderText, KeepsTheFirstLineShortAfterALongHeaderName) {
  for (size_t name_length : {1u, 7u, 40u, 60u, 70u, 200u}) {
    const std::string body = EncodeHeaderText(kRussian, name_length);
    ExpectWellFormedEncoding(body, name_length);
    // Readers drop the whitespace before a field body (RFC 5322 unfolding
    // keeps it, the field body starts after it).
    EXPECT_EQ(DecodeHeaderText(std::string(Trim(Unfold(body)))), kRussian) << name_length;
  }
}

TEST(EncodeHeaderText, TurnsLineBreaksIntoSpacesSoNoHeaderCanBeAdded) {
  for (const std::string& text :
       {std::string("Hi\r\nBcc: evil@example.com"), std::string("Hi\nBcc: evil@example.com"),
        std::string("Привет\r\nBcc: evil@example.com"), std::string("a\rb\0c", 5)}) {
    const std::string body = EncodeHeaderText(text, 7);
    const std::vector<std::string> lines = Lines(body);
    for (size_t i = 1; i < lines.size(); ++i) {
      ASSERT_FALSE(lines[i].empty());
      EXPECT_EQ(lines[i][0], ' ');
    }
    EXPECT_EQ(body.find('\0'), std::string::npos);
    const std::string unfolded = Unfold(body);
    EXPECT_EQ(unfolded.find_first_of("\r\n"), std::string::npos);
  }
  EXPECT_EQ(EncodeHeaderText("Hi\r\nBcc: x", 7), "Hi  Bcc: x");
}

TEST(EncodeHeaderText, ReplacesInvalidUtf8WithTheReplacementCharacter) {
  const std::string body = EncodeHeaderText("ab\xC3(\xFF", 7);
  EXPECT_EQ(DecodeHeaderText(Unfold(body)), "ab\xEF\xBF\xBD(\xEF\xBF\xBD");
}

TEST(TruncateUtf8, CutsAtACharacterBoundary) {
  const std::string text = "ПРИВЕТ";  // 2 bytes each
  EXPECT_EQ(TruncateUtf8(text, 5), "ПР");
  EXPECT_EQ(TruncateUtf8(text, 6), "ПРИ");
  EXPECT_EQ(TruncateUtf8(text, 1), "");
  EXPECT_EQ(TruncateUtf8(text, 100), text);
  EXPECT_EQ(TruncateUtf8("abc", 2), "ab");
  EXPECT_EQ(TruncateUtf8("a\xF0\x9F\x98\x80"
                         "b",
                         4),
            "a");
}

TEST(TruncateUtf8Characters, CountsCodePointsNotBytes) {
  EXPECT_EQ(TruncateUtf8Characters("ПРИВЕТ", 3), "ПРИ");
  EXPECT_EQ(TruncateUtf8Characters("Blåbær", 4), "Blåb");
  EXPECT_EQ(TruncateUtf8Characters("ab", 5), "ab");
  EXPECT_EQ(TruncateUtf8Characters("ab", 0), "");
}

TEST(NeutralizeControls, ReplacesC0ControlsButKeepsTab) {
  EXPECT_EQ(NeutralizeControls(std::string("a\r\nb\0c\x1f"
                                           "d\te",
                                           10)),
            "a  b c d\te");
  EXPECT_EQ(NeutralizeControls("Blåbær"), "Blåbær");
}

TEST(Utf8SequenceLength, RejectsOverlongsSurrogatesAndOutOfRange) {
  EXPECT_EQ(Utf8SequenceLength("a"), 1u);
  EXPECT_EQ(Utf8SequenceLength("å"), 2u);
  EXPECT_EQ(Utf8SequenceLength("—"), 3u);
  EXPECT_EQ(Utf8SequenceLength("\xF0\x9F\x98\x80"), 4u);
  EXPECT_EQ(Utf8SequenceLength("\xC0\x80"), 0u);          // overlong NUL
  EXPECT_EQ(Utf8SequenceLength("\xE0\x80\x80"), 0u);      // overlong
  EXPECT_EQ(Utf8SequenceLength("\xED\xA0\x80"), 0u);      // surrogate
  EXPECT_EQ(Utf8SequenceLength("\xF4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(Utf8SequenceLength("\xC3"), 0u);              // cut short
  EXPECT_EQ(Utf8SequenceLength(""), 0u);
}

TEST(RepairUtf8, KeepsValidTextAndReplacesEachBadByte) {
  EXPECT_EQ(RepairUtf8(kRussian), kRussian);
  EXPECT_EQ(RepairUtf8("a\xC0\x80z"), "a\xEF\xBF\xBD\xEF\xBF\xBDz");
}

}  // namespace
}  // namespace ar
