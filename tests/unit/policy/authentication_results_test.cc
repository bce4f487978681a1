// RFC 8601 parsing of Authentication-Results values.
#include "policy/authentication_results.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ar {
namespace {

struct Expected {
  std::string method;
  std::string result;
  std::vector<std::pair<std::string, std::string>> properties;
};

TEST(AuthenticationResults, ParsesRfc8601Examples) {
  struct Case {
    std::string value;
    std::string authserv_id;
    std::vector<Expected> results;
  };
  const std::vector<Case> cases = {
      {"example.org 1; none", "example.org", {}},
      {"example.com; spf=pass smtp.mailfrom=example.net",
       "example.com",
       {{"spf", "pass", {{"smtp.mailfrom", "example.net"}}}}},
      {"example.com;\r\n auth=pass (cram-md5) smtp.auth=sender@example.net;\r\n"
       " spf=pass smtp.mailfrom=example.net",
       "example.com",
       {{"auth", "pass", {{"smtp.auth", "sender@example.net"}}},
        {"spf", "pass", {{"smtp.mailfrom", "example.net"}}}}},
      {"example.com; sender-id=fail header.from=example.com; dkim=pass (good signature) "
       "header.d=example.com",
       "example.com",
       {{"sender-id", "fail", {{"header.from", "example.com"}}},
        {"dkim", "pass", {{"header.d", "example.com"}}}}},
      {"\"quoted.example\" ; DKIM/1 = Pass reason=\"a; b\" header.i=@Example.com header.s=sel",
       "quoted.example",
       {{"dkim", "pass", {{"header.i", "@Example.com"}, {"header.s", "sel"}}}}},
      {"mx (comment (nested; with semicolon)) ; spf=neutral (x=y) smtp.mailfrom=\"a b\"",
       "mx",
       {{"spf", "neutral", {{"smtp.mailfrom", "a b"}}}}},
      {"mx; garbage; =; spf=; dkim=pass", "mx", {{"dkim", "pass", {}}}},
      {"", "", {}},
      {";;;", "", {}},
      {"mx; spf=pass smtp.mailfrom=\"unterminated",
       "mx",
       {{"spf", "pass", {{"smtp.mailfrom", "\"unterminated"}}}}},
      {"mx; dkim=pass (unterminated comment header.d=x", "mx", {{"dkim", "pass", {}}}}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.value);
    AuthenticationResults parsed = ParseAuthenticationResults(c.value);
    EXPECT_EQ(parsed.authserv_id, c.authserv_id);
    ASSERT_EQ(parsed.results.size(), c.results.size());
    for (size_t i = 0; i < c.results.size(); ++i) {
      EXPECT_EQ(parsed.results[i].method, c.results[i].method);
      EXPECT_EQ(parsed.results[i].result, c.results[i].result);
      EXPECT_EQ(parsed.results[i].properties, c.results[i].properties);
    }
  }
}

TEST(AuthenticationResults, AlignsDkimWithFromDomainOrItsParent) {
  struct Case {
    std::string value;
    std::string from_domain;
    bool authenticated;
  };
  const std::vector<Case> cases = {
      {"mx; dkim=pass header.d=example.com", "example.com", true},
      {"mx; dkim=pass header.d=EXAMPLE.com", "mail.example.com", true},
      {"mx; dkim=pass header.d=mail.example.com", "example.com", false},
      {"mx; dkim=pass header.d=ample.com", "example.com", false},
      {"mx; dkim=pass header.d=com", "example.com", false},
      {"mx; dkim=pass header.d=example.com", "", false},
      {"mx; dkim=pass header.i=bob@sub.example.com", "sub.example.com", true},
      {"mx; dkim=neutral header.d=example.com", "example.com", false},
      {"mx; dkim=pass", "example.com", false}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.value + " / " + c.from_domain);
    EXPECT_EQ(ShowsAuthenticatedSender(ParseAuthenticationResults(c.value), "other.example",
                                       c.from_domain),
              c.authenticated);
  }
}

TEST(AuthenticationResults, RequiresSpfForTheEnvelopeSenderDomain) {
  struct Case {
    std::string value;
    std::string sender_domain;
    bool authenticated;
  };
  const std::vector<Case> cases = {
      {"mx; spf=pass smtp.mailfrom=bob@example.com", "example.com", true},
      {"mx; spf=pass smtp.mailfrom=example.com", "EXAMPLE.COM", true},
      {"mx; spf=pass smtp.mailfrom=sub.example.com", "example.com", false},
      {"mx; spf=pass smtp.mailfrom=example.com", "", false},
      {"mx; spf=pass", "example.com", false},
      {"mx; spf=temperror smtp.mailfrom=example.com", "example.com", false}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.value + " / " + c.sender_domain);
    EXPECT_EQ(ShowsAuthenticatedSender(ParseAuthenticationResults(c.value), c.sender_domain,
                                       "other.example"),
              c.authenticated);
  }
}

}  // namespace
}  // namespace ar
