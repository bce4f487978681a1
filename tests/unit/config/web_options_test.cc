// The web_* options of autoresponder-web: each value it accepts lands in
// Config::web, and each mistake is refused with the option named.
#include <gtest/gtest.h>

#include "config/options_table.h"
#include "config_test_support.h"

namespace ar {
namespace {

using testing_support::Parse;

TEST(WebOptions, DefaultsListenOnLoopbackWithImapLogins) {
  Config config = DefaultConfig();
  EXPECT_EQ(config.web.listen_host, "127.0.0.1");
  EXPECT_EQ(config.web.listen_port, 8895);
  EXPECT_EQ(config.web.auth, WebAuth::kImap);
  EXPECT_TRUE(config.web.cookie_secure);
}

TEST(WebOptions, ReadsEverySetting) {
  auto parsed = Parse({"--web_listen", "[::1]:9000", "--web_auth", "proxy-header",
                       "--web_imap_server", "imaps://imap.example.org:993", "--web_login_domain",
                       "Example.ORG", "--web_proxy_header", "X-Forwarded-User",
                       "--web_trusted_proxies", "192.0.2.1, 2001:db8::1", "--web_session_lifetime",
                       "2h", "--web_cookie_secure", "no", "--web_login_rate_limit", "10/1h"});
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const WebSettings& web = parsed->config.web;
  EXPECT_EQ(web.listen_host, "::1");
  EXPECT_EQ(web.listen_port, 9000);
  EXPECT_EQ(web.auth, WebAuth::kProxyHeader);
  EXPECT_EQ(web.imap_server, "imaps://imap.example.org:993");
  EXPECT_EQ(web.login_domain, "example.org");
  EXPECT_EQ(web.proxy_header, "X-Forwarded-User");
  EXPECT_EQ(web.trusted_proxies, (std::vector<std::string>{"192.0.2.1", "2001:db8::1"}));
  EXPECT_EQ(web.session_lifetime, Seconds(7200));
  EXPECT_FALSE(web.cookie_secure);
  EXPECT_EQ(web.login_rate_limit, (RateLimit{10, Seconds(3600)}));
  // Printed back in the syntax that loads.
  const std::string printed = PrintNonDefaults(parsed->config);
  EXPECT_NE(printed.find("web_listen = [::1]:9000"), std::string::npos) << printed;
  EXPECT_NE(printed.find("web_auth = proxy-header"), std::string::npos) << printed;
}

TEST(WebOptions, RefusesMistakesNamingTheOption) {
  const std::vector<std::vector<std::string>> mistakes = {
      {"--web_listen", "8895"},
      {"--web_listen", "127.0.0.1:99999"},
      {"--web_auth", "ldap"},
      {"--web_imap_server", "http://imap.example.org"},
      {"--web_imap_server", "imap://host/INBOX"},
      {"--web_login_domain", "not a domain"},
      {"--web_proxy_header", "X-User: admin"},
      {"--web_trusted_proxies", "proxy.example.org"},
      {"--web_session_lifetime", "10s"},
      {"--web_cookie_secure", "maybe"},
      {"--web_login_rate_limit", "lots"},
  };
  for (const auto& args : mistakes) {
    auto parsed = Parse(args);
    ASSERT_FALSE(parsed.ok()) << args[0] << " " << args[1];
    EXPECT_NE(parsed.status().message().find(args[0].substr(2)), std::string::npos)
        << parsed.status().message();
  }
}

}  // namespace
}  // namespace ar
