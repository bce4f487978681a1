#include "message/message.h"

#include <gtest/gtest.h>

#include <string>

namespace ar {
namespace {

struct UnfoldCase {
  const char* name;
  std::string raw;
  std::string stored;
};

class MessageUnfolding : public ::testing::TestWithParam<UnfoldCase> {};

TEST_P(MessageUnfolding, StoresUnfoldedValueWithoutLeadingWhitespace) {
  Message message;
  message.AddHeader("Subject", GetParam().raw);
  ASSERT_EQ(message.headers().size(), 1u);
  EXPECT_EQ(message.headers()[0].value, GetParam().stored);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, MessageUnfolding,
    ::testing::Values(UnfoldCase{"Plain", "hello", "hello"},
                      UnfoldCase{"LeadingSpaceStripped", "  \thello", "hello"},
                      UnfoldCase{"CrlfSpace", "a\r\n b", "a b"},
                      UnfoldCase{"CrlfTab", "a\r\n\tb", "a\tb"},
                      UnfoldCase{"BareLfSpace", "a\n b", "a b"},
                      UnfoldCase{"SeveralFolds", "one\r\n two\n\tthree\r\n  four",
                                 "one two\tthree  four"},
                      UnfoldCase{"EncodedWordsStayEncoded",
                                 "=?utf-8?q?a?=\r\n =?utf-8?q?b?=", "=?utf-8?q?a?= =?utf-8?q?b?="},
                      UnfoldCase{"LineBreakWithoutWspBecomesSpace", "a\r\nb", "a b"},
                      UnfoldCase{"TrailingLineEndDropped", "a\r\n", "a"},
                      UnfoldCase{"LeadingFoldStripped", "\r\n value", "value"},
                      UnfoldCase{"Empty", "", ""}, UnfoldCase{"RawUtf8Kept", "Blåbær", "Blåbær"}),
    [](const auto& info) { return info.param.name; });

TEST(Message, LookupIsCaseInsensitiveAndKeepsArrivalOrder) {
  Message message;
  message.AddHeader("Received", "from a");
  message.AddHeader("Auto-Submitted", "auto-replied");
  message.AddHeader("RECEIVED", "from b");
  message.AddHeader("received", "from c");

  EXPECT_TRUE(message.Has("auto-submitted"));
  EXPECT_TRUE(message.Has("AUTO-SUBMITTED"));
  EXPECT_FALSE(message.Has("Precedence"));
  EXPECT_FALSE(message.Has("Auto-Submitted-X"));
  ASSERT_TRUE(message.First("Received").has_value());
  EXPECT_EQ(*message.First("Received"), "from a");
  EXPECT_FALSE(message.First("List-Id").has_value());
  const auto all = message.All("received");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0], "from a");
  EXPECT_EQ(all[1], "from b");
  EXPECT_EQ(all[2], "from c");
  EXPECT_TRUE(message.All("X-Nothing").empty());
  EXPECT_EQ(message.headers()[2].name, "RECEIVED");  // name kept as received
}

TEST(Message, KeepsAtMostMaxHeadersAndCountsTheRest) {
  Message message;
  for (size_t i = 0; i < Message::kMaxHeaders + 25; ++i) {
    message.AddHeader("X-N", std::to_string(i));
  }
  EXPECT_EQ(message.headers().size(), Message::kMaxHeaders);
  EXPECT_EQ(message.dropped_headers(), 25u);
  EXPECT_EQ(message.headers().back().value, std::to_string(Message::kMaxHeaders - 1));
}

TEST(Message, TruncatesOverlongValuesAndCountsThem) {
  Message message;
  message.AddHeader("Subject", std::string(Message::kMaxHeaderValueBytes + 100, 'x'));
  message.AddHeader("X-Exact", std::string(Message::kMaxHeaderValueBytes, 'y'));
  ASSERT_EQ(message.headers().size(), 2u);
  EXPECT_EQ(message.headers()[0].value.size(), Message::kMaxHeaderValueBytes);
  EXPECT_EQ(message.headers()[1].value.size(), Message::kMaxHeaderValueBytes);
  EXPECT_EQ(message.truncated_headers(), 1u);
  EXPECT_EQ(message.dropped_headers(), 0u);
}

TEST(Message, TruncationDoesNotSplitUtf8Sequence) {
  Message message;
  // 'a' then two-byte characters: the limit falls inside one of them.
  std::string value = "a";
  while (value.size() < Message::kMaxHeaderValueBytes + 10) value += "\xC3\xA5";  // å
  message.AddHeader("Subject", value);
  const std::string& stored = message.headers()[0].value;
  EXPECT_EQ(stored.size(), Message::kMaxHeaderValueBytes - 1);
  EXPECT_EQ(static_cast<unsigned char>(stored.back()), 0xA5);
}

TEST(Message, EnvelopeIsKeptAndMutable) {
  Envelope envelope;
  envelope.sender = "a@example.org";
  envelope.recipients = {"b@example.net"};
  envelope.queue_id = "4ABC123";
  Message message(envelope);
  EXPECT_EQ(message.envelope().sender, "a@example.org");
  message.mutable_envelope().recipients.push_back("c@example.net");
  EXPECT_EQ(message.envelope().recipients.size(), 2u);
  EXPECT_FALSE(message.envelope().local_submission);
}

}  // namespace
}  // namespace ar
