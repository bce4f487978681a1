// Hostile header values must be handled in linear time without crashing.
// The time bounds are two orders of magnitude above what linear work needs,
// so they only fail for quadratic (or worse) behaviour.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "message/address.h"
#include "message/message.h"
#include "message/rfc2047.h"

namespace ar {
namespace {

constexpr size_t kOneMegabyte = 1024 * 1024;

struct HostileCase {
  const char* name;
  std::string value;
};

std::string Repeat(std::string_view piece, size_t total) {
  std::string out;
  out.reserve(total + piece.size());
  while (out.size() < total) out.append(piece);
  return out;
}

class HostileInput : public ::testing::TestWithParam<HostileCase> {};

TEST_P(HostileInput, ParsersReturnQuickly) {
  const std::string& value = GetParam().value;
  const auto start = std::chrono::steady_clock::now();

  const std::vector<Mailbox> mailboxes = ParseAddressList(value);
  EXPECT_LE(mailboxes.size(), kMaxMailboxes);
  const std::string decoded = DecodeHeaderText(value);
  EXPECT_LE(decoded.size(), kMaxDecodedTextBytes);
  Message message;
  message.AddHeader("To", value);
  EXPECT_LE(message.headers()[0].value.size(), Message::kMaxHeaderValueBytes);
  for (const Mailbox& mailbox : mailboxes) {
    (void)IsSafeAddress(mailbox.address);
    (void)NormalizeSenderForDedupe(mailbox.address);
  }

  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::seconds(5));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, HostileInput,
    ::testing::Values(HostileCase{"OpenParens", std::string(kOneMegabyte, '(')},
                      HostileCase{"CloseParens", std::string(kOneMegabyte, ')')},
                      HostileCase{"Quotes", std::string(kOneMegabyte, '"')},
                      HostileCase{"Backslashes", std::string(kOneMegabyte, '\\')},
                      HostileCase{"OpenAngles", std::string(kOneMegabyte, '<')},
                      HostileCase{"Colons", std::string(kOneMegabyte, ':')},
                      HostileCase{"AtSigns", std::string(kOneMegabyte, '@')},
                      HostileCase{"Nuls", std::string(kOneMegabyte, '\0')},
                      HostileCase{"HighBytes", std::string(kOneMegabyte, '\xFF')},
                      HostileCase{"TenThousandCommas", std::string(10000, ',')},
                      HostileCase{"ManyMailboxes", Repeat("a@x,", kOneMegabyte)},
                      HostileCase{"EncodedWordStarts", Repeat("=?", kOneMegabyte)},
                      HostileCase{"EncodedWordPrefixes", Repeat("=?utf-8?q?", kOneMegabyte)},
                      HostileCase{"ManyEncodedWords", Repeat("=?utf-8?q?=C3=A5?= ", kOneMegabyte)},
                      HostileCase{"ManyKoi8Words",
                                  Repeat("=?koi8-r?B?8NLJ18XU?=", kOneMegabyte / 4)},
                      HostileCase{"LongAtom", std::string(kOneMegabyte, 'a') + "@x"},
                      HostileCase{"NestedGroupsAndRoutes", Repeat("g:<@a,@b:", kOneMegabyte)},
                      HostileCase{"Folds", Repeat("\r\n ", kOneMegabyte)}),
    [](const auto& info) { return info.param.name; });

TEST(HostileInput, ManyMailboxesAreCapped) {
  const std::vector<Mailbox> mailboxes = ParseAddressList(Repeat("a@x,", 4 * kMaxMailboxes * 4));
  EXPECT_EQ(mailboxes.size(), kMaxMailboxes);
}

TEST(HostileInput, OverlongAddressesAreSkipped) {
  const std::string long_address = std::string(300, 'a') + "@x";
  EXPECT_TRUE(ParseAddressList(long_address).empty());
  EXPECT_TRUE(ParseAddressList("<" + long_address + ">").empty());
  const std::vector<Mailbox> mixed = ParseAddressList(long_address + ", ok@x");
  ASSERT_EQ(mixed.size(), 1u);
  EXPECT_EQ(mixed[0].address, "ok@x");
}

TEST(HostileInput, NulsDoNotJoinOrHideAddresses) {
  const std::vector<Mailbox> mailboxes = ParseAddressList(std::string("a@x\0, b@y", 9));
  ASSERT_EQ(mailboxes.size(), 2u);
  EXPECT_EQ(mailboxes[0].address, "a@x");
  EXPECT_EQ(mailboxes[1].address, "b@y");
}

}  // namespace
}  // namespace ar
