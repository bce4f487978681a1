// WebSettings: the settings of autoresponder-web (the web_* options of
// autoresponder-milter.conf(5)). A plain value, part of the immutable
// Config; the server reads it once at start-up.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/rate_limit.h"

namespace ar {

enum class WebAuth {
  kImap,         // LOGIN against web_imap_server, then a session cookie
  kProxyHeader,  // the reverse proxy names the user in web_proxy_header
};

struct WebSettings {
  // web_listen: HOST:PORT; loopback by default, behind the site's proxy.
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 8895;
  WebAuth auth = WebAuth::kImap;
  // imap://HOST[:PORT] or imaps://HOST[:PORT]
  std::string imap_server = "imap://127.0.0.1";
  // Appended as "@DOMAIN" to a login name without '@'; "" = names are addresses.
  std::string login_domain;
  std::string proxy_header = "X-Remote-User";
  // Peer addresses whose web_proxy_header is believed (exact IPv4/IPv6 text).
  std::vector<std::string> trusted_proxies = {"127.0.0.1", "::1"};
  Seconds session_lifetime = Seconds(8 * 3600);
  // no: only for plain-HTTP tests; browsers then send the cookie unencrypted.
  bool cookie_secure = true;
  // Failed logins per client address, and per login name, in a window.
  RateLimit login_rate_limit{5, Seconds(600)};
};

}  // namespace ar
