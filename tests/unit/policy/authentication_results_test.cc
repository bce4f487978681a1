// RFC 8601 parsing of Authentication-Results values.
#include "policy/authentication_results.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
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
      // Quoted-pairs in the id keep it as written: never equal to ours.
      {"\"mx.ex\\ample.org\"; spf=pass", "\"mx.ex\\ample.org\"", {{"spf", "pass", {}}}},
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

// One trusted field, as ShowsAuthenticatedSender sees it.
std::vector<AuthenticationResults> Field(const std::string& value) {
  return {ParseAuthenticationResults(value)};
}

TEST(AuthenticationResults, AlignsDkimWithEnvelopeSenderDomainOrItsParent) {
  struct Case {
    std::string value;
    std::string sender_domain;
    bool authenticated;
  };
  const std::vector<Case> cases = {
      {"mx; dkim=pass header.d=example.com", "example.com", true},
      {"mx; dkim=pass header.d=EXAMPLE.com", "mail.example.com", true},
      {"mx; dkim=pass header.d=example.com.", "example.com", true},
      {"mx; dkim=pass header.d=mail.example.com", "example.com", false},
      {"mx; dkim=pass header.d=ample.com", "example.com", false},
      {"mx; dkim=pass header.d=com", "example.com", false},
      {"mx; dkim=pass header.d=example.com", "", false},
      {"mx; dkim=pass header.i=bob@sub.example.com", "sub.example.com", true},
      // header.d decides when present; header.i only stands in for it.
      {"mx; dkim=pass header.d=attacker.example header.i=@example.com", "example.com", false},
      {"mx; dkim=neutral header.d=example.com", "example.com", false},
      {"mx; dkim=pass", "example.com", false}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.value + " / " + c.sender_domain);
    EXPECT_EQ(ShowsAuthenticatedSender(Field(c.value), c.sender_domain), c.authenticated);
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
      {"mx; spf=pass smtp.helo=example.com", "example.com", false},
      {"mx; spf=temperror smtp.mailfrom=example.com", "example.com", false}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.value + " / " + c.sender_domain);
    EXPECT_EQ(ShowsAuthenticatedSender(Field(c.value), c.sender_domain), c.authenticated);
  }
}

TEST(AuthenticationResults, TopmostFieldReportingAMethodIsItsVerdict) {
  auto shows = [](const std::vector<std::string>& values) {
    std::vector<AuthenticationResults> trusted;
    for (const std::string& v : values) trusted.push_back(ParseAuthenticationResults(v));
    return ShowsAuthenticatedSender(trusted, "example.com");
  };
  // A pass below our own fail for the same method is not ours.
  EXPECT_FALSE(
      shows({"mx; spf=fail smtp.mailfrom=example.com", "mx; spf=pass smtp.mailfrom=example.com"}));
  EXPECT_FALSE(shows({"mx; dkim=fail header.d=example.com", "mx; dkim=pass header.d=example.com"}));
  EXPECT_FALSE(shows({"mx; spf=none smtp.mailfrom=example.com; dkim=none",
                      "mx; spf=pass smtp.mailfrom=example.com; dkim=pass header.d=example.com"}));
  // Each method is judged by its own topmost field: our SPF verifier and our
  // DKIM verifier each add one.
  EXPECT_TRUE(
      shows({"mx; dkim=fail header.d=example.com", "mx; spf=pass smtp.mailfrom=example.com"}));
  EXPECT_TRUE(
      shows({"mx; spf=fail smtp.mailfrom=example.com", "mx; dkim=pass header.d=example.com"}));
  // Several signatures in one field: one aligned pass is enough.
  EXPECT_TRUE(shows({"mx; dkim=fail header.d=example.com; dkim=pass header.d=example.com"}));
  EXPECT_TRUE(shows({"mx; none", "mx; spf=pass smtp.mailfrom=example.com"}));
  EXPECT_FALSE(shows({}));
}

Message MessageFrom(const std::string& sender,
                    const std::vector<std::pair<std::string, std::string>>& headers) {
  Envelope envelope;
  envelope.sender = sender;
  envelope.recipients = {"ole@example.org"};
  Message message(std::move(envelope));
  for (const auto& [name, value] : headers) message.AddHeader(name, value);
  return message;
}

std::vector<std::string> TrustedIds(const Message& message, const std::string& trusted_id) {
  std::vector<std::string> ids;
  for (const AuthenticationResults& r : TopmostTrustedResults(message, trusted_id)) {
    ids.push_back(r.authserv_id + ":" + (r.results.empty() ? "" : r.results[0].result));
  }
  return ids;
}

TEST(AuthenticationResults, CountsOnlyTheTopmostRunOfTrustedFields) {
  Message message =
      MessageFrom("bob@example.com",
                  {{"Authentication-Results", "mx.example.org; spf=fail smtp.mailfrom=example.com"},
                   {"Received", "from client by mx.example.org"},
                   {"Authentication-Results", "MX.example.org; dkim=none"},
                   {"Authentication-Results", "mx.evil.example; dkim=pass header.d=example.com"},
                   {"Authentication-Results", "mx.example.org; spf=pass smtp.mailfrom=example.com"},
                   {"From", "bob@example.com"}});
  // Our Received field between our own fields does not end the run; the
  // first field by someone else does, and everything below it came with the
  // message.
  EXPECT_EQ(TrustedIds(message, "mx.example.org"),
            (std::vector<std::string>{"mx.example.org:fail", "MX.example.org:none"}));
  EXPECT_EQ(TrustedIds(message, ""), std::vector<std::string>{});
  EXPECT_EQ(TrustedIds(MessageFrom("bob@example.com",
                                   {{"Authentication-Results", "; spf=pass"},
                                    {"Authentication-Results", "mx.example.org; spf=pass"}}),
                       "mx.example.org"),
            std::vector<std::string>{});
}

}  // namespace
}  // namespace ar
