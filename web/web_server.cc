#include "web/web_server.h"

#include <httplib.h>

#include <algorithm>
#include <exception>
#include <functional>
#include <optional>

#include "core/strings.h"
#include "message/address.h"
#include "policy/header_syntax.h"
#include "web/login_throttle.h"
#include "web/ooo_service.h"
#include "web/random_token.h"
#include "web/session_store.h"

namespace ar {

namespace {

using Json = nlohmann::json;

// The largest request body read (the texts are 64 KiB each at most).
constexpr size_t kMaxRequestBytes = 512 * 1024;

void Send(httplib::Response& res, const ApiReply& reply) {
  res.status = reply.status;
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_content(reply.body.dump(-1, ' ', false, Json::error_handler_t::replace),
                  "application/json; charset=utf-8");
}

std::string CookieValue(const httplib::Request& req, const std::string& name) {
  const std::string header = req.get_header_value("Cookie");
  for (const std::string& part : SplitTrimmed(header, ';')) {
    const size_t eq = part.find('=');
    if (eq != std::string::npos && Trim(part.substr(0, eq)) == name) {
      return std::string(Trim(part.substr(eq + 1)));
    }
  }
  return "";
}

// Who is calling, once authenticated.
struct Caller {
  std::string user;
  std::string client;
  std::optional<WebSession> session;  // the cookie's, when it is this user's
};

}  // namespace

struct WebServer::Impl {
  Impl(const Config& config, Store& store, const Clock& clock, Logger& logger,
       PasswordVerifier* verifier)
      : config(config),
        logger(logger),
        verifier(verifier),
        sessions(clock, config.web.session_lifetime),
        throttle(clock, config.web.login_rate_limit),
        ooo(store, config, clock, logger) {}

  const Config& config;
  Logger& logger;
  PasswordVerifier* verifier;
  SessionStore sessions;
  LoginThrottle throttle;
  OooService ooo;
  httplib::Server server;

  bool FromTrustedProxy(const httplib::Request& req) const {
    const auto& trusted = config.web.trusted_proxies;
    return std::find(trusted.begin(), trusted.end(), ToLowerAscii(req.remote_addr)) !=
           trusted.end();
  }

  // Behind a trusted proxy, the address the proxy appended to
  // X-Forwarded-For (the last hop: earlier ones are the client's to forge);
  // "" otherwise.
  std::string ForwardedClient(const httplib::Request& req) const {
    if (!FromTrustedProxy(req) || !req.has_header("X-Forwarded-For")) return "";
    auto hops = SplitTrimmed(req.get_header_value("X-Forwarded-For"), ',');
    return hops.empty() ? "" : LogExcerpt(hops.back(), 60);
  }

  // The client's address for the log: "FORWARDED via PROXY", or the peer.
  std::string ClientOf(const httplib::Request& req) const {
    const std::string forwarded = ForwardedClient(req);
    const std::string peer = LogExcerpt(req.remote_addr, 60);
    return forwarded.empty() ? peer : forwarded + " via " + peer;
  }

  // Whose failed logins count together: behind the proxy every request
  // comes from the proxy's address, and one guesser must not lock out
  // everyone else.
  std::string ThrottleClient(const httplib::Request& req) const {
    const std::string forwarded = ForwardedClient(req);
    return forwarded.empty() ? req.remote_addr : forwarded;
  }

  // The address a login name or proxy header stands for; "" when unusable.
  std::string AddressOf(std::string_view name) const {
    std::string address(Trim(name));
    if (address.find('@') == std::string::npos) {
      if (config.web.login_domain.empty() || address.empty()) return "";
      address += "@" + config.web.login_domain;
    }
    address = NormalizeAddress(address);
    return IsSafeAddress(address) ? address : "";
  }

  std::optional<WebSession> CookieSession(const httplib::Request& req) {
    const std::string id = CookieValue(req, kSessionCookie);
    if (id.empty()) return std::nullopt;
    return sessions.Find(id);
  }

  // The caller, or nullopt with the refusal already in res.
  std::optional<Caller> Authenticate(const httplib::Request& req, httplib::Response& res) {
    Caller caller{"", ClientOf(req), CookieSession(req)};
    if (config.web.auth == WebAuth::kProxyHeader) {
      if (!FromTrustedProxy(req)) {
        logger.Warning("web: refused request from " + LogExcerpt(req.remote_addr) +
                       ": not in web_trusted_proxies");
        Send(res, ErrorReply(403, "requests must come through the trusted proxy"));
        return std::nullopt;
      }
      caller.user = AddressOf(req.get_header_value(config.web.proxy_header));
      if (caller.user.empty()) {
        Send(res, ErrorReply(401, "not logged in"));
        return std::nullopt;
      }
      // A session left from another user (the proxy switched users) is not theirs.
      if (caller.session && caller.session->user != caller.user) caller.session.reset();
      return caller;
    }
    if (!caller.session) {
      Send(res, ErrorReply(401, "not logged in"));
      return std::nullopt;
    }
    caller.user = caller.session->user;
    return caller;
  }

  // State changes carry the session's CSRF token in X-CSRF-Token: a page on
  // another site can make the browser send the cookie, never read the token.
  bool CheckCsrf(const Caller& caller, const httplib::Request& req, httplib::Response& res) {
    if (caller.session &&
        TokensEqual(req.get_header_value(kCsrfHeader), caller.session->csrf_token)) {
      return true;
    }
    logger.Warning("web: refused " + req.method + " " + LogExcerpt(req.path) + " user=" +
                   LogExcerpt(caller.user) + " client=" + caller.client +
                   ": CSRF token missing or wrong");
    Send(res, ErrorReply(403, "CSRF token missing or wrong; GET /api/v1/session gives it"));
    return false;
  }

  void SetSessionCookie(httplib::Response& res, const WebSession& session) {
    std::string cookie = std::string(kSessionCookie) + "=" + session.id +
                         "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                         std::to_string(config.web.session_lifetime.count());
    if (config.web.cookie_secure) cookie += "; Secure";
    res.set_header("Set-Cookie", cookie);
  }

  ApiReply SessionReply(const WebSession& session) {
    return ApiReply{200, {{"user", session.user}, {"csrf_token", session.csrf_token}}};
  }

  void Login(const httplib::Request& req, httplib::Response& res) {
    if (config.web.auth != WebAuth::kImap || verifier == nullptr) {
      Send(res, ErrorReply(404, "logins are made at the site's proxy"));
      return;
    }
    std::string name;
    std::string password;
    Json body = Json::parse(req.body, nullptr, false);
    if (body.is_object() && body.contains("user") && body["user"].is_string() &&
        body.contains("password") && body["password"].is_string()) {
      name = body["user"].get<std::string>();
      password = body["password"].get<std::string>();
    } else if (req.has_param("user") && req.has_param("password")) {
      name = req.get_param_value("user");
      password = req.get_param_value("password");
    } else {
      Send(res, ErrorReply(400, "give user and password", "user"));
      return;
    }
    const std::string client = ClientOf(req);
    const std::string address = AddressOf(name);
    if (!throttle.Allows(ThrottleClient(req), ToLowerAscii(name))) {
      logger.Warning("web: login throttled for " + LogExcerpt(name) + " client=" + client);
      res.set_header("Retry-After", std::to_string(config.web.login_rate_limit.window.count()));
      Send(res, ErrorReply(429, "too many failed logins; try again later"));
      return;
    }
    Result<bool> accepted = address.empty() ? Result<bool>(false)
                                            : verifier->Verify(std::string(Trim(name)), password);
    if (!accepted.ok()) {
      logger.Error("web: cannot check login of " + LogExcerpt(name) + ": " +
                   accepted.status().message());
      Send(res, ErrorReply(503, "the login cannot be checked now; try again later"));
      return;
    }
    if (!*accepted) {
      throttle.RecordFailure(ThrottleClient(req), ToLowerAscii(name));
      logger.Warning("web: failed login for " + LogExcerpt(name) + " client=" + client);
      Send(res, ErrorReply(401, "wrong name or password"));
      return;
    }
    throttle.RecordSuccess(ToLowerAscii(name));
    auto session = sessions.Create(address);
    if (!session.ok()) {
      logger.Error("web: cannot create a session: " + session.status().message());
      Send(res, ErrorReply(500, "cannot log in now"));
      return;
    }
    logger.Info("web: login user=" + LogExcerpt(address) + " client=" + client);
    SetSessionCookie(res, *session);
    Send(res, SessionReply(*session));
  }

  void Session(const httplib::Request& req, httplib::Response& res) {
    auto caller = Authenticate(req, res);
    if (!caller) return;
    if (!caller->session) {
      // Proxy logins get their session (for the CSRF token) on first sight.
      auto created = sessions.Create(caller->user);
      if (!created.ok()) {
        Send(res, ErrorReply(500, "cannot create a session now"));
        return;
      }
      caller->session = *created;
      SetSessionCookie(res, *created);
    }
    Send(res, SessionReply(*caller->session));
  }

  void Logout(const httplib::Request& req, httplib::Response& res) {
    auto caller = Authenticate(req, res);
    if (!caller || !CheckCsrf(*caller, req, res)) return;
    sessions.Remove(caller->session->id);
    logger.Info("web: logout user=" + LogExcerpt(caller->user) + " client=" + caller->client);
    res.set_header("Set-Cookie", std::string(kSessionCookie) +
                                     "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" +
                                     (config.web.cookie_secure ? "; Secure" : ""));
    Send(res, ApiReply{200, {{"logged_out", caller->user}}});
  }

  // GET, PUT, DELETE /api/v1/ooo and GET /api/v1/ooo/preview.
  void Ooo(const httplib::Request& req, httplib::Response& res, bool preview) {
    auto caller = Authenticate(req, res);
    if (!caller) return;
    const bool changes = req.method != "GET";
    if (changes && !CheckCsrf(*caller, req, res)) return;
    const ApiCaller api{caller->user, caller->client};
    const std::string address = req.get_param_value("address");
    if (preview) {
      const std::string internal = ToLowerAscii(req.get_param_value("internal"));
      Send(res, ooo.Preview(api, address, req.get_param_value("sender"),
                            internal == "yes" || internal == "true" || internal == "1"));
    } else if (req.method == "GET") {
      Send(res, ooo.Get(api, address));
    } else if (req.method == "PUT") {
      Send(res, ooo.Put(api, address, req.body));
    } else {
      Send(res, ooo.Delete(api, address));
    }
  }

  // Runs handler; an exception becomes a logged 500 instead of reaching
  // httplib (which would answer with its own text).
  httplib::Server::Handler Guarded(std::function<void(const httplib::Request&,
                                                      httplib::Response&)> handler) {
    return [this, handler](const httplib::Request& req, httplib::Response& res) {
      try {
        handler(req, res);
      } catch (const std::exception& e) {
        logger.Error(std::string("web: internal error: ") + e.what());
        Send(res, ErrorReply(500, "internal error"));
      } catch (...) {
        logger.Error("web: internal error");
        Send(res, ErrorReply(500, "internal error"));
      }
    };
  }

  void Route() {
    server.set_payload_max_length(kMaxRequestBytes);
    server.set_read_timeout(30, 0);
    server.set_write_timeout(30, 0);
    using Req = const httplib::Request&;
    using Res = httplib::Response&;
    server.Post("/api/v1/login", Guarded([this](Req q, Res s) { Login(q, s); }));
    server.Get("/api/v1/session", Guarded([this](Req q, Res s) { Session(q, s); }));
    server.Post("/api/v1/logout", Guarded([this](Req q, Res s) { Logout(q, s); }));
    server.Get("/api/v1/ooo", Guarded([this](Req q, Res s) { Ooo(q, s, false); }));
    server.Put("/api/v1/ooo", Guarded([this](Req q, Res s) { Ooo(q, s, false); }));
    server.Delete("/api/v1/ooo", Guarded([this](Req q, Res s) { Ooo(q, s, false); }));
    server.Get("/api/v1/ooo/preview", Guarded([this](Req q, Res s) { Ooo(q, s, true); }));
    server.set_error_handler([](Req, Res res) {
      if (res.body.empty()) {
        Send(res, ErrorReply(res.status, res.status == 404 ? "no such resource" : "bad request"));
      }
    });
  }
};

WebServer::WebServer(const Config& config, Store& store, const Clock& clock, Logger& logger,
                     PasswordVerifier* verifier)
    : impl_(std::make_unique<Impl>(config, store, clock, logger, verifier)) {
  impl_->Route();
}

WebServer::~WebServer() = default;

Result<int> WebServer::Bind(const std::string& host, int port) {
  if (port == 0) {
    const int bound = impl_->server.bind_to_any_port(host);
    if (bound <= 0) return Status::IoError("cannot listen on " + host);
    return bound;
  }
  if (!impl_->server.bind_to_port(host, port)) {
    return Status::IoError("cannot listen on " + host + ":" + std::to_string(port));
  }
  return port;
}

bool WebServer::Run() { return impl_->server.listen_after_bind(); }

void WebServer::Stop() { impl_->server.stop(); }

}  // namespace ar
