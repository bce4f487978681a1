// WebServer: autoresponder-web's HTTP side (cpp-httplib): the routes of the
// JSON API, who the caller is (web_auth), sessions, CSRF and the login
// throttle; the out-of-office work itself is OooService's. See
// autoresponder-web(8) for the API.
//
//   POST   /api/v1/login    {"user","password"}  (web_auth = imap)
//   GET    /api/v1/session  who is logged in, and the CSRF token
//   POST   /api/v1/logout
//   GET    /api/v1/ooo[?address=A]       PUT /api/v1/ooo   DELETE /api/v1/ooo
//   GET    /api/v1/ooo/preview[?address=A&sender=S&internal=yes]
//
// 401 without a login, 403 for a request from an untrusted proxy, for an
// address that is not the user's, or for a state change (POST, PUT,
// DELETE, except login) without the session's X-CSRF-Token. Handlers never
// let an exception reach the library: anything unexpected is a logged 500.
// Owns its threads (httplib's pool); Stop() may be called from any thread.
#pragma once

#include <memory>
#include <string>

#include "config/config.h"
#include "core/clock.h"
#include "core/logger.h"
#include "core/result.h"
#include "store/store.h"
#include "web/password_verifier.h"

namespace ar {

inline constexpr const char* kSessionCookie = "ar_session";
inline constexpr const char* kCsrfHeader = "X-CSRF-Token";

class WebServer {
 public:
  // verifier: checks logins for web_auth = imap; unused (may be null) for
  // proxy-header. Everything passed must outlive the server.
  WebServer(const Config& config, Store& store, const Clock& clock, Logger& logger,
            PasswordVerifier* verifier);
  ~WebServer();
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  // Binds host:port (port 0: any free port); the bound port.
  Result<int> Bind(const std::string& host, int port);
  // Serves until Stop(); false when the server could not run.
  bool Run();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ar
