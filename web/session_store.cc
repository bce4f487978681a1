#include "web/session_store.h"

#include <algorithm>

#include "web/random_token.h"

namespace ar {

Result<WebSession> SessionStore::Create(const std::string& user) {
  auto id = RandomToken();
  if (!id.ok()) return id.status();
  auto csrf = RandomToken();
  if (!csrf.ok()) return csrf.status();
  const TimePoint now = clock_.Now();
  WebSession session{*id, user, *csrf, AddSaturating(now, lifetime_)};

  std::lock_guard<std::mutex> lock(mu_);
  DropExpiredLocked(now);
  if (sessions_.size() >= max_sessions_) {
    auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](auto& a, auto& b) {
      return a.second.expires < b.second.expires;
    });
    sessions_.erase(oldest);
  }
  sessions_[session.id] = session;
  return session;
}

std::optional<WebSession> SessionStore::Find(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return std::nullopt;
  if (clock_.Now() >= it->second.expires) {
    sessions_.erase(it);
    return std::nullopt;
  }
  return it->second;
}

void SessionStore::Remove(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  sessions_.erase(id);
}

void SessionStore::DropExpiredLocked(TimePoint now) {
  std::erase_if(sessions_, [now](const auto& entry) { return now >= entry.second.expires; });
}

}  // namespace ar
