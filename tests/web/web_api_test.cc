// The JSON API over HTTP, both ways of logging in, and every error path:
// 401 without a login, 403 for another user's address, for a missing CSRF
// token and for an untrusted proxy, 422 with the field for bad input.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>

#include "web/password_verifier.h"
#include "web_test_server.h"

namespace ar {
namespace {

using Json = nlohmann::json;

// Accepts ola@example.org with "secret"; counts the checks.
class FixedPasswords final : public PasswordVerifier {
 public:
  Result<bool> Verify(const std::string& name, const std::string& password) override {
    ++checks;
    return name == "ola@example.org" && password == "secret";
  }
  int checks = 0;
};

const Json kReply = {{"text", "I am away until Monday."},
                     {"subject", "Away"},
                     {"time_zone", "Europe/Oslo"},
                     {"start", "2026-11-30"},
                     {"end", "2026-12-07"}};

class ImapLoginApi : public ::testing::Test {
 protected:
  ImapLoginApi()
      : server([](Config& c) { c.web.auth = WebAuth::kImap; c.web.login_rate_limit = {3, Seconds(600)}; },
               &passwords) {}

  // Logs in; the Cookie and X-CSRF-Token headers for the session.
  httplib::Headers LogIn() {
    JsonResponse login = server.Call("POST", "/api/v1/login", {},
                                     Json{{"user", "ola@example.org"}, {"password", "secret"}}.dump());
    EXPECT_EQ(login.status, 200) << login.body.dump();
    return {{"Cookie", SessionCookie(login.set_cookie)},
            {kCsrfHeader, login.body.value("csrf_token", "")}};
  }
  httplib::Headers CookieOnly(const httplib::Headers& headers) {
    return {{"Cookie", headers.find("Cookie")->second}};
  }

  FixedPasswords passwords;
  WebTestServer server;
};

TEST_F(ImapLoginApi, WithoutASessionEveryCallIs401) {
  EXPECT_EQ(server.Call("GET", "/api/v1/ooo").status, 401);
  EXPECT_EQ(server.Call("PUT", "/api/v1/ooo", {}, kReply.dump()).status, 401);
  EXPECT_EQ(server.Call("DELETE", "/api/v1/ooo").status, 401);
  EXPECT_EQ(server.Call("GET", "/api/v1/ooo/preview").status, 401);
  EXPECT_EQ(server.Call("GET", "/api/v1/ooo", {{"Cookie", "ar_session=forged"}}).status, 401);
  // A proxy header means nothing when logins are checked by IMAP.
  EXPECT_EQ(server.Call("GET", "/api/v1/ooo", {{"X-Remote-User", "ola@example.org"}}).status, 401);
}

TEST_F(ImapLoginApi, LoginSetsAStrictHttpOnlyCookie) {
  JsonResponse login = server.Call("POST", "/api/v1/login", {},
                                   Json{{"user", "ola@example.org"}, {"password", "secret"}}.dump());
  ASSERT_EQ(login.status, 200);
  EXPECT_EQ(login.body["user"], "ola@example.org");
  EXPECT_EQ(login.body["csrf_token"].get<std::string>().size(), 64u);
  EXPECT_NE(login.set_cookie.find("ar_session="), std::string::npos);
  EXPECT_NE(login.set_cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(login.set_cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_EQ(login.set_cookie.find("Secure"), std::string::npos);  // web_cookie_secure = no
  EXPECT_TRUE(server.logger().Contains("web: login user=ola@example.org client=127.0.0.1"));
}

TEST_F(ImapLoginApi, WrongPasswordIs401AndRepeatedFailuresAreThrottled) {
  const std::string wrong = Json{{"user", "ola@example.org"}, {"password", "guess"}}.dump();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(server.Call("POST", "/api/v1/login", {}, wrong).status, 401);
  EXPECT_EQ(passwords.checks, 3);
  // Even the right password is not checked while throttled.
  const std::string right = Json{{"user", "ola@example.org"}, {"password", "secret"}}.dump();
  EXPECT_EQ(server.Call("POST", "/api/v1/login", {}, right).status, 429);
  EXPECT_EQ(passwords.checks, 3);
  server.clock().Advance(Seconds(600));
  EXPECT_EQ(server.Call("POST", "/api/v1/login", {}, right).status, 200);
}

// Behind the reverse proxy every request comes from 127.0.0.1: the client
// limit counts the address the proxy forwarded, so one guesser does not
// lock out everyone behind the same proxy.
TEST_F(ImapLoginApi, TheClientLimitCountsTheForwardedAddressBehindTheProxy) {
  const httplib::Headers guesser = {{"X-Forwarded-For", "203.0.113.9"}};
  for (const char* name : {"a@example.org", "b@example.org", "c@example.org"}) {
    EXPECT_EQ(server.Call("POST", "/api/v1/login", guesser,
                          Json{{"user", name}, {"password", "guess"}}.dump())
                  .status,
              401);
  }
  EXPECT_EQ(server.Call("POST", "/api/v1/login", guesser,
                        Json{{"user", "d@example.org"}, {"password", "guess"}}.dump())
                .status,
            429);
  const httplib::Headers someone_else = {{"X-Forwarded-For", "198.51.100.20"}};
  EXPECT_EQ(server.Call("POST", "/api/v1/login", someone_else,
                        Json{{"user", "ola@example.org"}, {"password", "secret"}}.dump())
                .status,
            200);
  EXPECT_TRUE(server.logger().Contains("failed login for a@example.org client=203.0.113.9 via "
                                       "127.0.0.1"));
}

TEST_F(ImapLoginApi, SessionsExpire) {
  httplib::Headers session = LogIn();
  EXPECT_EQ(server.Call("GET", "/api/v1/session", session).status, 200);
  server.clock().Advance(server.config().web.session_lifetime);
  EXPECT_EQ(server.Call("GET", "/api/v1/session", session).status, 401);
}

TEST_F(ImapLoginApi, PutGetPreviewDeleteTheUsersOwnReply) {
  httplib::Headers session = LogIn();
  EXPECT_EQ(server.Call("GET", "/api/v1/ooo", session).status, 404);

  JsonResponse put = server.Call("PUT", "/api/v1/ooo", session, kReply.dump());
  ASSERT_EQ(put.status, 201) << put.body.dump();
  EXPECT_EQ(put.body["address"], "ola@example.org");
  EXPECT_EQ(put.body["start"], "2026-11-29T23:00:00Z");
  EXPECT_EQ(put.body["end"], "2026-12-07T23:00:00Z");
  EXPECT_EQ(put.body["active_now"], true);
  EXPECT_TRUE(server.logger().Contains("web: created rule ola@example.org user=ola@example.org "
                                       "client=127.0.0.1"));

  JsonResponse get = server.Call("GET", "/api/v1/ooo", CookieOnly(session));
  ASSERT_EQ(get.status, 200);
  EXPECT_EQ(get.body["text"], "I am away until Monday.");
  EXPECT_EQ(get.body["time_zone"], "Europe/Oslo");

  JsonResponse preview = server.Call("GET", "/api/v1/ooo/preview?sender=kari@example.net",
                                     CookieOnly(session));
  ASSERT_EQ(preview.status, 200) << preview.body.dump();
  const std::string message = preview.body["message"];
  EXPECT_NE(message.find("From: ola@example.org"), std::string::npos) << message;
  EXPECT_NE(message.find("To: kari@example.net"), std::string::npos) << message;
  EXPECT_NE(message.find("Subject: Away"), std::string::npos) << message;
  EXPECT_NE(message.find("Auto-Submitted: auto-replied"), std::string::npos) << message;
  EXPECT_NE(message.find("I am away until Monday."), std::string::npos) << message;

  // Switching off keeps the texts.
  JsonResponse off = server.Call("PUT", "/api/v1/ooo", session, Json{{"enabled", false}}.dump());
  ASSERT_EQ(off.status, 200);
  EXPECT_EQ(off.body["enabled"], false);
  EXPECT_EQ(off.body["text"], "I am away until Monday.");

  EXPECT_EQ(server.Call("DELETE", "/api/v1/ooo", session).status, 200);
  EXPECT_EQ(server.Call("GET", "/api/v1/ooo", session).status, 404);
  EXPECT_TRUE(server.logger().Contains("web: deleted rule ola@example.org user=ola@example.org"));
}

TEST_F(ImapLoginApi, StateChangesWithoutTheCsrfTokenAre403) {
  httplib::Headers session = LogIn();
  EXPECT_EQ(server.Call("PUT", "/api/v1/ooo", CookieOnly(session), kReply.dump()).status, 403);
  httplib::Headers wrong = CookieOnly(session);
  wrong.emplace(kCsrfHeader, std::string(64, '0'));
  EXPECT_EQ(server.Call("PUT", "/api/v1/ooo", wrong, kReply.dump()).status, 403);
  EXPECT_EQ(server.Call("DELETE", "/api/v1/ooo", CookieOnly(session)).status, 403);
  EXPECT_EQ(server.Call("POST", "/api/v1/logout", CookieOnly(session)).status, 403);
  auto rule = server.store().GetRule("ola@example.org");
  ASSERT_TRUE(rule.ok());
  EXPECT_FALSE(rule->has_value());
}

TEST_F(ImapLoginApi, AnotherUsersAddressIs403ButTheUsersAliasIsTheirs) {
  OutOfOfficeRule kari;
  kari.address = "kari@example.org";
  kari.text_body = "Kari is away.";
  ASSERT_TRUE(server.store().PutRule(kari).ok());
  httplib::Headers session = LogIn();
  for (const char* method : {"GET", "DELETE"}) {
    EXPECT_EQ(server.Call(method, "/api/v1/ooo?address=kari@example.org", session).status, 403)
        << method;
  }
  EXPECT_EQ(server.Call("PUT", "/api/v1/ooo?address=kari@example.org", session, kReply.dump())
                .status,
            403);
  EXPECT_EQ(server.Call("GET", "/api/v1/ooo/preview?address=kari@example.org", session).status,
            403);
  auto untouched = server.store().GetRule("kari@example.org");
  ASSERT_TRUE(untouched.ok() && untouched->has_value());
  EXPECT_EQ((*untouched)->text_body, "Kari is away.");

  OutOfOfficeRule ola;
  ola.address = "ola@example.org";
  ola.aliases = {"post@example.org"};
  ola.text_body = "Away.";
  ASSERT_TRUE(server.store().PutRule(ola).ok());
  JsonResponse alias = server.Call("GET", "/api/v1/ooo?address=Post@Example.org", session);
  EXPECT_EQ(alias.status, 200);
  EXPECT_EQ(alias.body["address"], "ola@example.org");
  JsonResponse preview =
      server.Call("GET", "/api/v1/ooo/preview?address=post@example.org", session);
  ASSERT_EQ(preview.status, 200);
  EXPECT_NE(preview.body["message"].get<std::string>().find("From: post@example.org"),
            std::string::npos);
  // Taking over someone else's address as an alias is refused.
  JsonResponse grab =
      server.Call("PUT", "/api/v1/ooo", session, Json{{"aliases", {"kari@example.org"}}}.dump());
  EXPECT_EQ(grab.status, 422);
  EXPECT_EQ(grab.body["field"], "aliases");
}

TEST_F(ImapLoginApi, ValidationErrorsNameTheField) {
  httplib::Headers session = LogIn();
  struct Case {
    Json body;
    const char* field;
  };
  const Case cases[] = {
      {{{"text", "x"}, {"start", "2026-02-30"}}, "start"},
      {{{"text", "x"}, {"end", "tomorrow-ish"}}, "end"},
      {{{"text", "x"}, {"start", "2026-12-10"}, {"end", "2026-12-01"}}, "end"},
      {{{"text", "x"}, {"time_zone", "Mars/Olympus"}}, "time_zone"},
      {{{"text", "x"}, {"period", "1h"}}, "period"},
      {{{"text", "x"}, {"period", "90d"}}, "period"},
      {{{"text", "x"}, {"html", "<p>hi</p><script>steal()</script>"}}, "html"},
      {{{"text", "x"}, {"subject", "a\nBcc: x@example.net"}}, "subject"},
      {{{"subject", "no text"}}, "text"},
      {{{"text", "x"}, {"favourite", 1}}, "favourite"},
  };
  for (const Case& c : cases) {
    JsonResponse response = server.Call("PUT", "/api/v1/ooo", session, c.body.dump());
    EXPECT_EQ(response.status, 422) << c.body.dump();
    EXPECT_EQ(response.body["field"], c.field) << c.body.dump() << " -> " << response.body.dump();
    EXPECT_TRUE(response.body["error"].is_string());
  }
  EXPECT_EQ(server.Call("PUT", "/api/v1/ooo", session, "{not json").status, 400);
  auto rule = server.store().GetRule("ola@example.org");
  ASSERT_TRUE(rule.ok());
  EXPECT_FALSE(rule->has_value());
  JsonResponse sender = server.Call("GET", "/api/v1/ooo/preview?sender=not%20an%20address", session);
  EXPECT_EQ(sender.status, 422);
  EXPECT_EQ(sender.body["field"], "sender");
}

TEST_F(ImapLoginApi, LogoutEndsTheSession) {
  httplib::Headers session = LogIn();
  JsonResponse out = server.Call("POST", "/api/v1/logout", session);
  EXPECT_EQ(out.status, 200);
  EXPECT_NE(out.set_cookie.find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(server.Call("GET", "/api/v1/ooo", session).status, 401);
}

// What the API wrote is what autoresponder-ctl (and so the milter, which
// reads the same store on every message) sees, with no restart.
TEST_F(ImapLoginApi, ChangesAreInTheStoreTheCliReads) {
  httplib::Headers session = LogIn();
  ASSERT_EQ(server.Call("PUT", "/api/v1/ooo", session, kReply.dump()).status, 201);
  const std::string command = std::string(AR_CTL_BINARY) + " --config /dev/null --store_path " +
                              server.config().store.path + " ooo show ola@example.org --json";
  std::unique_ptr<FILE, decltype(&pclose)> pipe(popen(command.c_str(), "r"), pclose);
  ASSERT_TRUE(pipe);
  std::string out;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe.get())) out.append(buffer, n);
  Json shown = Json::parse(out, nullptr, false);
  ASSERT_TRUE(shown.is_object()) << out;
  EXPECT_EQ(shown["text"], "I am away until Monday.");
  EXPECT_EQ(shown["enabled"], true);
}

class ProxyHeaderApi : public ::testing::Test {
 protected:
  explicit ProxyHeaderApi(std::vector<std::string> trusted = {"127.0.0.1"})
      : server(
            [trusted](Config& c) {
              c.web.auth = WebAuth::kProxyHeader;
              c.web.trusted_proxies = trusted;
              c.web.login_domain = "example.org";
            },
            nullptr) {}
  WebTestServer server;
};

TEST_F(ProxyHeaderApi, TheProxysUserGetsASessionAndChangesTheirReply) {
  EXPECT_EQ(server.Call("GET", "/api/v1/ooo").status, 401);  // no header
  JsonResponse session = server.Call("GET", "/api/v1/session", {{"X-Remote-User", "ola"}});
  ASSERT_EQ(session.status, 200);
  EXPECT_EQ(session.body["user"], "ola@example.org");
  const httplib::Headers headers = {{"X-Remote-User", "ola"},
                                    {"X-Forwarded-For", "198.51.100.4"},
                                    {"Cookie", SessionCookie(session.set_cookie)},
                                    {kCsrfHeader, session.body["csrf_token"].get<std::string>()}};
  EXPECT_EQ(server.Call("PUT", "/api/v1/ooo", headers, kReply.dump()).status, 201);
  EXPECT_TRUE(server.logger().Contains("user=ola@example.org client=198.51.100.4 via 127.0.0.1"));
  // The header alone is no CSRF token.
  EXPECT_EQ(server.Call("DELETE", "/api/v1/ooo", {{"X-Remote-User", "ola"}}).status, 403);
  // Another user's session does not carry over when the proxy names someone else.
  httplib::Headers other = headers;
  other.erase("X-Remote-User");
  other.emplace("X-Remote-User", "kari");
  EXPECT_EQ(server.Call("DELETE", "/api/v1/ooo", other).status, 403);
  EXPECT_EQ(server.Call("POST", "/api/v1/login", {},
                        Json{{"user", "ola"}, {"password", "x"}}.dump())
                .status,
            404);
}

class UntrustedProxyApi : public ProxyHeaderApi {
 protected:
  UntrustedProxyApi() : ProxyHeaderApi({"192.0.2.1"}) {}
};

TEST_F(UntrustedProxyApi, HeadersFromAnyoneElseAre403) {
  EXPECT_EQ(server.Call("GET", "/api/v1/session", {{"X-Remote-User", "ola"}}).status, 403);
  EXPECT_EQ(server.Call("GET", "/api/v1/ooo", {{"X-Remote-User", "ola"}}).status, 403);
  EXPECT_TRUE(server.logger().Contains("not in web_trusted_proxies"));
}

}  // namespace
}  // namespace ar
