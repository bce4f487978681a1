#include "web/login_throttle.h"

#include <algorithm>

namespace ar {

namespace {
// Client and name keys cannot collide: a name never starts with "client ".
std::string ClientKey(const std::string& client) { return "client " + client; }
std::string NameKey(const std::string& name) { return "name " + name; }
}  // namespace

bool LoginThrottle::BlockedLocked(const std::string& key, TimePoint now) {
  auto it = windows_.find(key);
  if (it == windows_.end()) return false;
  if (now >= AddSaturating(it->second.started, limit_.window)) {
    windows_.erase(it);
    return false;
  }
  return it->second.failures >= limit_.count;
}

void LoginThrottle::CountLocked(const std::string& key, TimePoint now) {
  auto it = windows_.find(key);
  if (it != windows_.end() && now >= AddSaturating(it->second.started, limit_.window)) {
    windows_.erase(it);
    it = windows_.end();
  }
  if (it == windows_.end()) {
    if (windows_.size() >= max_keys_) {
      windows_.erase(std::min_element(windows_.begin(), windows_.end(), [](auto& a, auto& b) {
        return a.second.started < b.second.started;
      }));
    }
    it = windows_.emplace(key, Window{now, 0}).first;
  }
  ++it->second.failures;
}

bool LoginThrottle::Allows(const std::string& client, const std::string& name) {
  if (!limit_.enabled()) return true;
  std::lock_guard<std::mutex> lock(mu_);
  const TimePoint now = clock_.Now();
  // Both are looked at, so that both expire.
  const bool client_blocked = BlockedLocked(ClientKey(client), now);
  const bool name_blocked = BlockedLocked(NameKey(name), now);
  return !client_blocked && !name_blocked;
}

void LoginThrottle::RecordFailure(const std::string& client, const std::string& name) {
  if (!limit_.enabled()) return;
  std::lock_guard<std::mutex> lock(mu_);
  const TimePoint now = clock_.Now();
  CountLocked(ClientKey(client), now);
  CountLocked(NameKey(name), now);
}

void LoginThrottle::RecordSuccess(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  windows_.erase(NameKey(name));
}

}  // namespace ar
