#include "sequence/client_network.h"

#include <gtest/gtest.h>

namespace ar {
namespace {

bool Contains(const char* network, const char* address) {
  Result<IpNetwork> n = ParseIpNetwork(network);
  EXPECT_TRUE(n.ok()) << network << ": " << n.status().ToString();
  std::optional<IpAddress> a = ParseIpAddress(address);
  EXPECT_TRUE(a.has_value()) << address;
  return n.ok() && a && NetworkContains(*n, *a);
}

TEST(ClientNetwork, MatchesIpv4AndIpv6Networks) {
  EXPECT_TRUE(Contains("192.0.2.0/24", "192.0.2.77"));
  EXPECT_FALSE(Contains("192.0.2.0/24", "192.0.3.1"));
  EXPECT_TRUE(Contains("127.0.0.1", "127.0.0.1"));
  EXPECT_FALSE(Contains("127.0.0.1", "127.0.0.2"));
  EXPECT_TRUE(Contains("0.0.0.0/0", "203.0.113.9"));
  EXPECT_TRUE(Contains("2001:db8::/32", "2001:db8:ffff::1"));
  EXPECT_FALSE(Contains("2001:db8::/32", "2001:db9::1"));
  EXPECT_TRUE(Contains("10.0.0.0/15", "10.1.255.255"));
}

TEST(ClientNetwork, ReadsTheSpellingsMtasUse) {
  // Sendmail writes IPv6 client addresses with a tag; mapped IPv4 is IPv4.
  EXPECT_TRUE(Contains("2001:db8::/32", "IPv6:2001:db8::7"));
  EXPECT_TRUE(Contains("192.0.2.0/24", "::ffff:192.0.2.7"));
  EXPECT_TRUE(Contains("192.0.2.0/24", "[192.0.2.7]"));
  EXPECT_FALSE(Contains("::/0", "192.0.2.7"));  // families never mix
  EXPECT_FALSE(ParseIpAddress("").has_value());
  EXPECT_FALSE(ParseIpAddress("unknown").has_value());
  EXPECT_FALSE(ParseIpAddress("mail.example.com").has_value());
  EXPECT_TRUE(ParseIpAddress(" 192.0.2.7 ").has_value());  // blanks trimmed
}

TEST(ClientNetwork, RefusesTyposInNetworks) {
  for (const char* bad : {"192.0.2.7/24", "192.0.2.0/33", "2001:db8::/129", "192.0.2.0/",
                          "192.0.2.0/x", "example.com", "", "192.0.2/24"}) {
    EXPECT_FALSE(ParseIpNetwork(bad).ok()) << bad;
  }
  Result<IpNetwork> typo = ParseIpNetwork("192.0.2.7/24");
  EXPECT_NE(typo.status().message().find("192.0.2.0/24"), std::string::npos)
      << typo.status().message();
}

TEST(ClientNetwork, ParsesLists) {
  Result<std::vector<IpNetwork>> list = ParseIpNetworkList("127.0.0.1, ::1  192.0.2.0/24");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ(FormatIpNetwork((*list)[0]), "127.0.0.1/32");
  EXPECT_EQ(FormatIpNetwork((*list)[1]), "::1/128");
  EXPECT_EQ(FormatIpNetwork((*list)[2]), "192.0.2.0/24");
  EXPECT_FALSE(ParseIpNetworkList(" , ").ok());
  EXPECT_FALSE(ParseIpNetworkList("127.0.0.1, nonsense").ok());
}

TEST(ClientNetwork, GroupsIpv6SourcesPerSlash64) {
  EXPECT_EQ(ClientSourceKey("192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(ClientSourceKey("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
  EXPECT_EQ(ClientSourceKey("IPv6:2001:db8:1:2:bbbb::9"), "2001:db8:1:2::/64");
  EXPECT_EQ(ClientSourceKey("::ffff:192.0.2.7"), "192.0.2.7");
  EXPECT_EQ(ClientSourceKey(""), "");
  EXPECT_EQ(ClientSourceKey("localhost"), "");
}

}  // namespace
}  // namespace ar
