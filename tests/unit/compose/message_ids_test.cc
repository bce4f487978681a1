#include "compose/message_ids.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ar {
namespace {

using Ids = std::vector<std::string>;

TEST(ExtractMessageIds, KeepsWellFormedIdsInOrder) {
  EXPECT_EQ(ExtractMessageIds("<a@x> <b@y>\t<c@z>"), (Ids{"<a@x>", "<b@y>", "<c@z>"}));
  EXPECT_EQ(ExtractMessageIds("(comment) <a@x>(c)<b@y>"), (Ids{"<a@x>", "<b@y>"}));
}

TEST(ExtractMessageIds, SkipsBrokenTokens) {
  EXPECT_EQ(ExtractMessageIds("bare@id"), Ids{});
  EXPECT_EQ(ExtractMessageIds("<>"), Ids{});
  EXPECT_EQ(ExtractMessageIds("<a b@x> <c@x>"), Ids{"<c@x>"});
  EXPECT_EQ(ExtractMessageIds("<a@x"), Ids{});
  EXPECT_EQ(ExtractMessageIds("<<a@x>>"), Ids{"<a@x>"});
  EXPECT_EQ(ExtractMessageIds("<ø@x> <d@x>"), Ids{"<d@x>"});
  EXPECT_EQ(ExtractMessageIds("<a@x>\r\nBcc: evil@x <b@x>"), (Ids{"<a@x>", "<b@x>"}));
  EXPECT_EQ(ExtractMessageIds("<" + std::string(kMaxMessageIdBytes, 'a') + "> <ok@x>"),
            Ids{"<ok@x>"});
}

TEST(InReplyToValue, IsTheOriginalIdOrNothing) {
  EXPECT_EQ(InReplyToValue("<orig@example.net>"), "<orig@example.net>");
  EXPECT_EQ(InReplyToValue("  <orig@example.net>  "), "<orig@example.net>");
  EXPECT_EQ(InReplyToValue(""), "");
  EXPECT_EQ(InReplyToValue("garbage"), "");
  EXPECT_EQ(InReplyToValue("<orig@x>\r\nBcc: evil@x"), "<orig@x>");
}

TEST(ReferencesValue, AppendsTheOriginalId) {
  EXPECT_EQ(ReferencesValue("<a@x> <b@x>", "<c@x>", 10), "<a@x> <b@x> <c@x>");
  EXPECT_EQ(ReferencesValue("", "<c@x>", 10), "<c@x>");
  EXPECT_EQ(ReferencesValue("<a@x>", "", 10), "<a@x>");
  EXPECT_EQ(ReferencesValue("", "", 10), "");
  EXPECT_EQ(ReferencesValue("junk", "junk", 10), "");
}

TEST(ReferencesValue, DoesNotRepeatTheOriginalId) {
  EXPECT_EQ(ReferencesValue("<a@x> <c@x>", "<c@x>", 10), "<a@x> <c@x>");
}

TEST(ReferencesValue, KeepsTheRootAndTheLastIdsWhenCapped) {
  std::string refs;
  for (int i = 0; i < 100; ++i) refs += "<id" + std::to_string(i) + "@x> ";
  const std::string value = ReferencesValue(refs, "<last@x>", 10);
  std::string unfolded = value;
  for (size_t i; (i = unfolded.find("\r\n")) != std::string::npos;) unfolded.erase(i, 2);
  const Ids ids = ExtractMessageIds(unfolded);
  ASSERT_EQ(ids.size(), kMaxReferences);
  EXPECT_EQ(ids.front(), "<id0@x>");
  EXPECT_EQ(ids[1], "<id" + std::to_string(100 - (kMaxReferences - 2)) + "@x>");
  EXPECT_EQ(ids.back(), "<last@x>");
}

TEST(ReferencesValue, FoldsLinesWithinSeventyEightOctets) {
  std::string refs;
  for (int i = 0; i < 15; ++i) refs += "<message-" + std::to_string(i) + "@mail.example.com> ";
  const std::string value = ReferencesValue(refs, "<p@x>", 10);
  size_t start = 0;
  bool first = true;
  while (start <= value.size()) {
    size_t eol = value.find("\r\n", start);
    if (eol == std::string::npos) eol = value.size();
    EXPECT_LE(eol - start + (first ? 12 : 0), 78u);
    if (!first) {
      EXPECT_EQ(value[start], ' ');
    }
    first = false;
    start = eol + 2;
  }
}

TEST(MakeReplyMessageId, IsDeterministic) {
  const TimePoint now = FromUnixSeconds(1767225600);
  const std::string id =
      MakeReplyMessageId("alice@example.org", 3, "bob@example.net", now, "mx.example.org");
  // "<ar." + 32 lower-case hex digits + "@mx.example.org>"
  ASSERT_EQ(id.size(), 4u + 32u + 16u) << id;
  EXPECT_EQ(id.substr(0, 4), "<ar.");
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef", 4), 36u) << id;
  EXPECT_EQ(id.substr(36), "@mx.example.org>");
  EXPECT_EQ(id,
            MakeReplyMessageId("alice@example.org", 3, "bob@example.net", now, "mx.example.org"));
}

TEST(MakeReplyMessageId, ChangesWithEveryInput) {
  const TimePoint now = FromUnixSeconds(1767225600);
  const std::string id = MakeReplyMessageId("alice@example.org", 3, "bob@example.net", now, "mx");
  EXPECT_NE(id, MakeReplyMessageId("carol@example.org", 3, "bob@example.net", now, "mx"));
  EXPECT_NE(id, MakeReplyMessageId("alice@example.org", 4, "bob@example.net", now, "mx"));
  EXPECT_NE(id, MakeReplyMessageId("alice@example.org", 3, "dave@example.net", now, "mx"));
  EXPECT_NE(id,
            MakeReplyMessageId("alice@example.org", 3, "bob@example.net", now + Seconds(1), "mx"));
  EXPECT_NE(id, MakeReplyMessageId("alice@example.org", 3, "bob@example.net", now, "mx2"));
  // Field boundaries matter: ("ab", "c") is not ("a", "bc").
  EXPECT_NE(MakeReplyMessageId("ab", 1, "c", now, "mx"),
            MakeReplyMessageId("a", 1, "bc", now, "mx"));
}

}  // namespace
}  // namespace ar
