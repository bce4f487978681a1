// LoginThrottle: web_login_rate_limit. Counts failed logins per client
// address and per login name in a fixed window (from the first failure);
// once either count reaches the limit, further attempts for that key are
// refused until the window has passed, right or wrong password alike, so a
// guesser learns nothing. A success clears the name's count. Keys are
// bounded (the oldest window is forgotten first). Time from the injected
// Clock. Thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>

#include "core/clock.h"
#include "core/rate_limit.h"

namespace ar {

class LoginThrottle {
 public:
  LoginThrottle(const Clock& clock, RateLimit limit, size_t max_keys = 100000)
      : clock_(clock), limit_(limit), max_keys_(max_keys) {}

  // False when this client or this name has used up its failures.
  bool Allows(const std::string& client, const std::string& name);
  void RecordFailure(const std::string& client, const std::string& name);
  void RecordSuccess(const std::string& name);

 private:
  struct Window {
    TimePoint started;
    uint32_t failures = 0;
  };
  bool BlockedLocked(const std::string& key, TimePoint now);
  void CountLocked(const std::string& key, TimePoint now);

  const Clock& clock_;
  const RateLimit limit_;
  const size_t max_keys_;
  std::mutex mu_;
  std::map<std::string, Window> windows_;
};

}  // namespace ar
