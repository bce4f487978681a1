// LmdbStore: the enrolment rate-limit windows (FORMAT.md, "enrol_windows"),
// counted inside ApplySequenceDecision's write transaction so that
// concurrent milter threads and processes never count past a limit.
#include "store/lmdb_store.h"
#include "store/sequence_keys.h"
#include "store/status_macros.h"

namespace ar {

namespace {

// The window as it stands at now: a fresh one when none is stored, when its
// time is up (by the configured length, which may have changed since) or
// when the stored record cannot be read (a damaged counter must not lock a
// sequence for good; the next write replaces it).
EnrolWindowRecord Current(const std::optional<std::string_view>& bytes, const RateLimit& limit,
                          TimePoint now) {
  EnrolWindowRecord fresh{now, limit.window, 0};
  if (!bytes) return fresh;
  Result<EnrolWindowRecord> stored = DecodeEnrolWindow(*bytes);
  if (!stored.ok()) return fresh;
  if (AddSaturating(stored->start, limit.window) <= now || stored->start > now) return fresh;
  stored->length = limit.window;
  return *stored;
}

}  // namespace

Result<std::optional<RateLimitedEnrol>> LmdbStore::CountEnrolWindows(
    LmdbTxn& txn, const std::vector<EnrolWindow>& windows, TimePoint now) {
  // A store opened by an older binary read-only has no such database; the
  // milter always opens for writing, so this is the defensive path only.
  if (!dbs_.enrol_windows_present) return std::optional<RateLimitedEnrol>();
  const size_t max_key = env_->max_key_size();
  std::vector<std::pair<std::string, EnrolWindowRecord>> counted;
  counted.reserve(windows.size());
  for (const EnrolWindow& window : windows) {
    if (!window.limit.enabled()) continue;
    std::string key = EncodeEnrolWindowKey(window.scope, window.sequence, window.source, max_key);
    AR_ASSIGN_OR_RETURN(std::optional<std::string_view> bytes, txn.Get(dbs_.enrol_windows, key));
    EnrolWindowRecord record = Current(bytes, window.limit, now);
    if (record.count >= window.limit.count) {
      return std::optional<RateLimitedEnrol>(RateLimitedEnrol{0, window, record.count});
    }
    counted.emplace_back(std::move(key), record);
  }
  for (auto& [key, record] : counted) {
    ++record.count;
    AR_RETURN_IF_ERROR(txn.Put(dbs_.enrol_windows, key, EncodeEnrolWindow(record)));
  }
  return std::optional<RateLimitedEnrol>();
}

}  // namespace ar
