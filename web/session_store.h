// SessionStore: the logged-in users of autoresponder-web, in memory (a
// restart logs everyone out, which is the safe direction). Each session has
// a random id (the cookie), the user's address, a CSRF token the client
// echoes in X-CSRF-Token on every state change, and an expiry
// (web_session_lifetime from its creation, read on the injected Clock).
// At most max_sessions live at once; the oldest is dropped for a new one.
// Thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/result.h"

namespace ar {

struct WebSession {
  std::string id;
  std::string user;  // normalised address
  std::string csrf_token;
  TimePoint expires;
};

class SessionStore {
 public:
  SessionStore(const Clock& clock, Seconds lifetime, size_t max_sessions = 10000)
      : clock_(clock), lifetime_(lifetime), max_sessions_(max_sessions) {}

  // A new session for user; IoError only when no random token can be made.
  Result<WebSession> Create(const std::string& user);
  // The live session with this id; nullopt when unknown or expired.
  std::optional<WebSession> Find(const std::string& id);
  void Remove(const std::string& id);

 private:
  void DropExpiredLocked(TimePoint now);

  const Clock& clock_;
  const Seconds lifetime_;
  const size_t max_sessions_;
  std::mutex mu_;
  std::map<std::string, WebSession> sessions_;
};

}  // namespace ar
